import {
  GraphQLError,
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from '../context.js';

/**
 * Look-ahead: a statement that reads a row (a circle, a thread, a page of threads) also reads
 * what the query selects below it, when that has a planner here (a nested page, reactions), as
 * JSON columns correlated on the row, and hands the results to the request's loaders. The
 * resolvers below then run as they always do, with every permission check, and find their data
 * already loaded: a feed of circle > threads > posts is one statement instead of one per level,
 * and nothing a resolver would not have read is ever served.
 */

/** Values of a statement's placeholders, by name. */
export type Values = Record<string, unknown>;

/** `bind(name)` is a placeholder in a statement kept prepared, the value itself otherwise. */
export type Bind = (name: string) => unknown;

/** What a row's statement reads along for one field selected under the row. */
export interface Prefetch {
  /** Equal shapes build equal SQL text (values aside). */
  readonly shape: string;
  /** Values of the placeholders its SQL binds (names prefixed per position), children's included. */
  readonly values: Values;
  /** Its SQL carries values of its own (a filter), so a statement holding it cannot be kept prepared. */
  readonly inline: boolean;
  /** A JSON-valued SQL expression for the parent row, whose columns are `"<parent>"."column"`. */
  json(parent: string, bind: Bind): SQL;
  /** Hands what `json` produced for the row `parentId` to the request's loaders. */
  prime(parentId: string, value: unknown): void;
  /**
   * The same for all rows of a page at once, where that is cheaper than once per row (a grouped
   * read over the page's ids, as a loader's batch would be): used under pages, `json` elsewhere.
   */
  page?: PageBatch;
}

export interface PageBatch {
  /** JSON for all rows of a page; `agg(column)` is the array of the rows' values of their column. */
  json(agg: (column: PgColumn | string) => SQL, bind: Bind): SQL;
  /** Hands what `json` produced for a page of `rows` to the request's loaders. */
  prime(rows: readonly Record<string, unknown>[], value: unknown): void;
}

/** The part of a query that asks for fields of one object type, through fragments. */
export class Selection {
  #fields: Map<string, FieldNode[]> | undefined;

  constructor(
    readonly type: GraphQLObjectType,
    private readonly sets: readonly SelectionSetNode[],
    readonly doc: { schema: GraphQLSchema; fragments: Record<string, FragmentDefinitionNode>; variableValues: Record<string, unknown> },
  ) {}

  /** The selection of the field being resolved, as `type` (a concrete type of its result). */
  static of(info: GraphQLResolveInfo, typeName: string): Selection | null {
    const type = info.schema.getType(typeName);
    if (!isObjectType(type)) return null;
    return new Selection(type, info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : [])), info);
  }

  /**
   * The fields asked of this type, by response key, each with all its field nodes. @skip and
   * @include are not evaluated: a field they leave out is still read along, which costs a join,
   * never a wrong answer.
   */
  fields(): Map<string, FieldNode[]> {
    // Asked several times per field by the planners (has, nodes): walked once.
    if (this.#fields) return this.#fields;
    const out = (this.#fields = new Map<string, FieldNode[]>());
    const visit = (set: SelectionSetNode, seen: Set<string>) => {
      for (const s of set.selections) {
        if (s.kind === 'Field') {
          const key = s.alias?.value ?? s.name.value;
          out.set(key, [...(out.get(key) ?? []), s]);
        } else if (s.kind === 'InlineFragment') {
          if (!s.typeCondition || this.applies(s.typeCondition.name.value)) visit(s.selectionSet, seen);
        } else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          const fragment = this.doc.fragments[s.name.value];
          if (fragment && this.applies(fragment.typeCondition.name.value)) visit(fragment.selectionSet, seen);
        }
      }
    };
    for (const set of this.sets) visit(set, new Set());
    return out;
  }

  /** The selection under `nodes`, a field of this type returning objects of `typeName`. */
  under(nodes: readonly FieldNode[], typeName: string): Selection | null {
    const type = this.doc.schema.getType(typeName);
    if (!isObjectType(type)) return null;
    return new Selection(type, nodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : [])), this.doc);
  }

  /** The selection of a connection's nodes, asked as `nodes` or as `edges { node }`. */
  nodes(typeName: string): Selection | null {
    const connection = this;
    const fields = connection.fields();
    const direct = fields.get('nodes') ?? [];
    const edges = fields.get('edges') ?? [];
    const type = this.doc.schema.getType(typeName);
    if (!isObjectType(type)) return null;
    const edgeType = connection.type.getFields().edges ? getNamedType(connection.type.getFields().edges.type) : null;
    const viaEdges = isObjectType(edgeType) ? (new Selection(edgeType, edges.flatMap((e) => (e.selectionSet ? [e.selectionSet] : [])), this.doc).fields().get('node') ?? []) : [];
    return new Selection(type, [...direct, ...viaEdges].flatMap((f) => (f.selectionSet ? [f.selectionSet] : [])), this.doc);
  }

  /** Whether a field named `name` is asked of this type. */
  has(name: string): boolean {
    for (const nodes of this.fields().values()) if (nodes[0].name.value === name) return true;
    return false;
  }

  /** A field's arguments, coerced as the executor coerces them. */
  args(nodes: readonly FieldNode[]): Record<string, unknown> {
    const def = this.type.getFields()[nodes[0].name.value];
    return getArgumentValues(def, nodes[0], this.doc.variableValues);
  }

  /** The object type a field of this type returns (a connection, say). */
  fieldType(name: string): GraphQLObjectType | null {
    const t = getNamedType(this.type.getFields()[name]?.type);
    return isObjectType(t) ? t : null;
  }

  private applies(condition: string): boolean {
    if (condition === this.type.name) return true;
    const t = this.doc.schema.getType(condition);
    return t !== undefined && isAbstractType(t) && this.doc.schema.isSubType(t, this.type);
  }
}

/**
 * Plans what to read along for one field: null when it cannot (arguments a resolver would
 * refuse, a list that is not read by rows); `prefix` makes its placeholder names unique.
 */
export type Planner = (ctx: Context, field: { selection: Selection; nodes: FieldNode[]; args: Record<string, unknown> }, prefix: string) => Prefetch | null;

const planners = new Map<string, Planner>();

let enabled = true;

/** LOOKAHEAD=false: every field reads through its own loader again (the answers are the same). */
export function setLookahead(on: boolean): void {
  enabled = on;
}

/** Makes `Type.field` read along with its parent row's statement. */
export function prefetchable(typeName: string, fieldName: string, planner: Planner): void {
  planners.set(`${typeName}.${fieldName}`, planner);
}

const implicit = new Map<string, Planner[]>();

/**
 * Reads something along with every row of `typeName` a statement reads, selected or not: what
 * its resolvers always need first (the viewer's standing in a circle, for every permission check).
 */
export function prefetchAlways(typeName: string, planner: Planner): void {
  implicit.set(typeName, [...(implicit.get(typeName) ?? []), planner]);
}

/** `Type.field` of every field that can be read along with its parent row. */
export const plannedFields = (): string[] => [...planners.keys()];

/**
 * Everything selected under a row of `selection`'s type that can be read along with it, and what
 * its rows always read along (`withImplicit: false` where the statement reads that itself).
 */
export function planFor(ctx: Context, selection: Selection | null, prefix: string, withImplicit = true): Prefetch[] {
  if (!selection || !enabled) return [];
  const out: Prefetch[] = [];
  const attempt = (plan: () => Prefetch | null) => {
    try {
      const planned = plan();
      if (planned) out.push(planned);
    } catch (err) {
      // Whatever the resolver will refuse (a bad `first`, a forged cursor), it refuses itself.
      if (!(err instanceof GraphQLError)) throw err;
    }
  };
  for (const nodes of selection.fields().values()) {
    const planner = planners.get(`${selection.type.name}.${nodes[0].name.value}`);
    if (planner) attempt(() => planner(ctx, { selection, nodes, args: selection.args(nodes) }, `${prefix}${out.length}_`));
  }
  if (withImplicit) {
    for (const planner of implicit.get(selection.type.name) ?? []) attempt(() => planner(ctx, { selection, nodes: [], args: {} }, `${prefix}${out.length}_`));
  }
  return out;
}

/** The shapes of several prefetches, for a statement's cache key. */
export const shapesOf = (prefetches: readonly Prefetch[]) => prefetches.map((p) => p.shape).join(',');

/** The values of several prefetches' placeholders. */
export const valuesOf = (prefetches: readonly Prefetch[]): Values => Object.assign({}, ...prefetches.map((p) => p.values));

/** Whether a statement holding these can be prepared once and kept. */
export const keepable = (prefetches: readonly Prefetch[]) => prefetches.every((p) => !p.inline);

/** A plan per field per request: a list's resolver runs once per parent with the same nodes. */
const plans = new WeakMap<Context, WeakMap<readonly FieldNode[], Prefetch[]>>();

/** `planFor` the nodes of the connection being resolved, once per request and field. */
export function planNodes(ctx: Context, info: GraphQLResolveInfo, nodeType: string): Prefetch[] {
  let forRequest = plans.get(ctx);
  if (!forRequest) plans.set(ctx, (forRequest = new WeakMap()));
  let planned = forRequest.get(info.fieldNodes);
  if (!planned) {
    const parent = info.schema.getType(info.parentType.name) as GraphQLObjectType;
    const connection = new Selection(parent, [], info).fieldType(info.fieldName);
    const selection = connection ? new Selection(connection, info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : [])), info) : null;
    planned = planFor(ctx, selection?.nodes(nodeType) ?? null, 'n');
    forRequest.set(info.fieldNodes, planned);
  }
  return planned;
}

/** `"alias"."column"`: a column of a row a statement names `alias`. */
export const ref = (alias: string, column: PgColumn | string): SQL =>
  sql`${sql.identifier(alias)}.${sql.identifier(typeof column === 'string' ? column : column.name)}`;

/**
 * The `bind` of a statement: placeholders (filled from `values` at execution) when it is kept
 * prepared, else the values themselves as parameters.
 */
export function binder(prepare: boolean, values: Values): Bind {
  return (name) => {
    if (!(name in values)) throw new Error(`no value for placeholder ${name}`);
    if (prepare) return sql.placeholder(name);
    // An array is one parameter (`= any($1)`), not a list of them, as drizzle would spread it.
    return Array.isArray(values[name]) ? sql.param(values[name]) : values[name];
  };
}

/** A column of a JSON row: bigints travel as text, which JSON numbers could not hold exactly. */
function jsonColumn(alias: string, column: PgColumn): SQL {
  const r = ref(alias, column);
  return column.columnType === 'PgBigInt64' || column.columnType === 'PgNumeric' ? sql`${r}::text` : r;
}

/** A row of `columns` as a JSON array (positional: smaller than an object, and decoded in order). */
export function jsonRow(alias: string, columns: Record<string, PgColumn>, extra: readonly SQL[] = []): SQL {
  return sql`json_build_array(${sql.join(
    [...Object.values(columns).map((c) => jsonColumn(alias, c)), ...extra],
    sql`, `,
  )})`;
}

/** Decodes a row `jsonRow` built, as drizzle would map it from the driver. */
export function rowDecoder<R>(columns: Record<string, PgColumn>): (values: unknown[]) => R {
  const entries = Object.entries(columns);
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < entries.length; i++) {
      const v = values[i];
      row[entries[i][0]] = v === null || v === undefined ? null : entries[i][1].mapFromDriverValue(v);
    }
    return row as R;
  };
}

/**
 * Decodes a row as JSON by column name (`row_to_json`, which a database function returns), as
 * drizzle would map it from the driver.
 */
export function objectDecoder<R>(columns: Record<string, PgColumn>): (row: Record<string, unknown>) => R {
  const entries = Object.entries(columns);
  return (json) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of entries) {
      const v = json[column.name];
      row[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
    }
    return row as R;
  };
}

/** All columns of a table, by property. */
export const columnsOf = (table: PgTable) => getTableColumns(table) as Record<string, PgColumn>;

/**
 * A planner reading the row a foreign key of the parent points to (a post's author, the post it
 * replies to) and putting it in a by-id loader, so the field's resolver finds it there.
 */
export function relationPlanner<R extends { id: string }>(
  table: PgTable,
  foreignKey: PgColumn,
  columns: Record<string, PgColumn>,
  into: (ctx: Context) => { prime(id: string, row: R): unknown },
): Planner {
  const decode = rowDecoder<R>(columns);
  return (ctx, _field, prefix) => {
    const alias = `${prefix}r`;
    const put = (value: unknown) => {
      if (!Array.isArray(value)) return;
      const row = decode(value);
      into(ctx).prime(row.id, row);
    };
    return {
      shape: `one(${getTableName(table)}:${foreignKey.name})`,
      values: {},
      inline: false,
      json: (parent) =>
        sql`(select ${jsonRow(alias, columns)} from ${table} as ${sql.identifier(alias)} where ${ref(alias, 'id')} = ${ref(parent, foreignKey)})`,
      prime: (_parentId, value) => put(value),
      // Under a page: each row pointed to once, found by one index scan over the page's keys.
      page: {
        json: (agg) =>
          sql`(select coalesce(json_agg(${jsonRow(alias, columns)}), '[]'::json) from ${table} as ${sql.identifier(alias)} where ${ref(alias, 'id')} = any(${agg(foreignKey)}))`,
        prime: (_rows, value) => {
          for (const row of (value ?? []) as unknown[]) put(row);
        },
      },
    };
  };
}
