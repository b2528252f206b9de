import { and, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Context } from '../context.js';
import { preparable, prepared } from '../db/prepared.js';
import {
  countAll,
  countByParent,
  decodeCursor,
  fetchPage,
  fetchPages,
  keysetAfter,
  lazyConnection,
  orderOf,
  pageSize,
  type Connection,
  type ListSpec,
  type PageArgs,
} from './connection.js';
import {
  binder,
  columnsOf,
  jsonRow,
  keepable,
  planFor,
  ref,
  rowDecoder,
  shapesOf,
  valuesOf,
  type Bind,
  type Planner,
  type Prefetch,
  type Values,
} from './prefetch.js';

export type ChildListSpec = ListSpec & {
  parent: PgColumn;
  parentField: string;
};

/** Puts a page's rows in their table's by-id loader, if the list names one (ListSpec.rowLoader). */
function primeRows(ctx: Context, spec: ListSpec, rows: readonly object[]): void {
  if (!spec.rowLoader) return;
  const loader = spec.rowLoader(ctx.loaders);
  for (const row of rows) loader.prime((row as { id: string }).id, row);
}

/** A list under a parent as its resolver and its planner both name it. */
export interface ChildList {
  /** Names the list and any filter in `spec.where`: equal keys read equal pages. */
  key: string;
  spec: ChildListSpec;
}

/**
 * The request's loader of one page of `list` per parent. With `children` (what the query selects
 * under each row and can be read along, see shared/prefetch.ts) the page is read as JSON with
 * them in one statement; without, as rows (with their authors when asked).
 */
function pageLoader<R>(ctx: Context, list: ChildList, args: PageArgs, children: readonly Prefetch[]) {
  return ctx.loaders.pages<R[]>(`${list.key}|${args.first ?? ''}|${args.after ?? ''}`, (ids) =>
    children.length ? fetchPagesWith<R>(ctx, list, args, children, ids) : fetchPages<R>(ctx.db, list.spec, args, ids),
  );
}

/** The placeholders of a page: its limit (one more row than shown) and its cursor's values. */
function pageValues(spec: ListSpec, args: PageArgs, prefix: string): { values: Values; after: boolean } {
  const values: Values = { [`${prefix}limit`]: pageSize(args.first) + 1 };
  if (args.after == null) return { values, after: false };
  decodeCursor(args.after, spec.keys).forEach((v, i) => (values[`${prefix}after${i}`] = v));
  return { values, after: true };
}

/**
 * SQL: a page of `spec` (under the parent `parentId`, when given) as a JSON array of rows, each
 * row an array of the table's columns followed by what each child reads along for it. The page
 * is limited before anything is read for its rows, so each child costs an index probe per row.
 * The table keeps its own name inside, so a list's filter (written on its table) applies as is;
 * what is read along names its own tables with `prefix`, and the parent row by its alias.
 */
function pageJson(spec: ListSpec, after: boolean, children: readonly Prefetch[], prefix: string, parentId: SQL | null, bind: Bind): SQL {
  const page = `${prefix}p`;
  const where = and(
    parentId && spec.parent ? sql`${spec.parent} = ${parentId}` : undefined,
    spec.where,
    after ? keysetAfter(spec.keys, spec.keys.map((_, i) => bind(`${prefix}after${i}`))) : undefined,
  );
  const pageOrder = sql.join(spec.keys.map((k) => sql`${ref(page, k.column)} ${sql.raw(k.desc ? 'desc' : 'asc')}`), sql`, `);
  const { perRow, batched } = split(children);
  const row = jsonRow(page, columnsOf(spec.table), perRow.map((c) => c.json(page, bind)));
  // An aggregate of the page's rows inside a child's subquery is evaluated once, for the page.
  const agg = (column: PgColumn | string) => sql`array_agg(${ref(page, column)})`;
  const parts = [sql`coalesce(json_agg(${row} order by ${pageOrder}), '[]'::json)`, ...batched.map((c) => c.page!.json(agg, bind))];
  return sql`(select json_build_array(${sql.join(parts, sql`, `)}) from (select * from ${spec.table} where ${where ?? sql`true`} order by ${sql.join(orderOf(spec.keys), sql`, `)} limit ${bind(`${prefix}limit`)}) as ${sql.identifier(page)})`;
}

/** Children read once per row, and children read once for the whole page (Prefetch.page). */
function split(children: readonly Prefetch[]) {
  return { perRow: children.filter((c) => !c.page), batched: children.filter((c) => c.page) };
}

/**
 * Decodes rows `jsonRow` built with what each child read along for them (per row, after the
 * table's columns, or for all of them in `batches`), handing that to the children.
 */
function readRows<R>(spec: ListSpec, children: readonly Prefetch[], rowValues: readonly unknown[][], batches: readonly unknown[]): R[] {
  const columns = columnsOf(spec.table);
  const width = Object.keys(columns).length;
  const decode = rowDecoder<R>(columns);
  const { perRow, batched } = split(children);
  const rows = rowValues.map((values) => {
    const row = decode(values);
    // Rows of a join table (memberships) have no id: what they read along is keyed by its own.
    const id = (row as { id?: string }).id ?? '';
    perRow.forEach((child, i) => child.prime(id, values[width + i]));
    return row;
  });
  batched.forEach((child, i) => child.page!.prime(rows as Record<string, unknown>[], batches[i]));
  return rows;
}

/** Reads a page `pageJson` built. */
function decodePage<R>(spec: ListSpec, children: readonly Prefetch[], value: unknown): R[] {
  const [rowValues, ...batches] = (value ?? [[]]) as [unknown[][], ...unknown[]];
  return readRows<R>(spec, children, rowValues, batches);
}

/**
 * SQL: the same page of `spec` under each of `parentIds` (an SQL array), as one JSON value: the
 * pages' rows, each `[parent id, row]`, then what each batched child read for all of them. One
 * lateral read per parent, each served by the list's index, and one read per child for all pages.
 */
function pagesJson(spec: ListSpec & { parent: PgColumn }, after: boolean, children: readonly Prefetch[], prefix: string, parentIds: SQL, bind: Bind): SQL {
  const parents = `${prefix}x`;
  const page = `${prefix}p`;
  const where = and(
    sql`${spec.parent} = ${ref(parents, 'parent_id')}`,
    spec.where,
    after ? keysetAfter(spec.keys, spec.keys.map((_, i) => bind(`${prefix}after${i}`))) : undefined,
  );
  const order = sql.join([ref(parents, 'parent_id'), ...spec.keys.map((k) => sql`${ref(page, k.column)} ${sql.raw(k.desc ? 'desc' : 'asc')}`)], sql`, `);
  const { perRow, batched } = split(children);
  const row = jsonRow(page, columnsOf(spec.table), perRow.map((c) => c.json(page, bind)));
  const agg = (column: PgColumn | string) => sql`array_agg(${ref(page, column)})`;
  const parts = [sql`coalesce(json_agg(json_build_array(${ref(parents, 'parent_id')}, ${row}) order by ${order}), '[]'::json)`, ...batched.map((c) => c.page!.json(agg, bind))];
  return sql`(select json_build_array(${sql.join(parts, sql`, `)}) from unnest(${parentIds}) as ${sql.identifier(parents)}(parent_id) cross join lateral (select * from ${spec.table} where ${where} order by ${sql.join(orderOf(spec.keys), sql`, `)} limit ${bind(`${prefix}limit`)}) as ${sql.identifier(page)})`;
}

/** Reads what `pagesJson` built: each parent's rows (none for a parent without). */
function decodePages<R>(spec: ListSpec, children: readonly Prefetch[], parentIds: readonly string[], value: unknown): Map<string, R[]> {
  const [entries, ...batches] = (value ?? [[]]) as [[string, unknown[]][], ...unknown[]];
  const rows = readRows<R>(spec, children, entries.map(([, values]) => values), batches);
  const byParent = new Map<string, R[]>(parentIds.map((id) => [id, []]));
  entries.forEach(([parentId], i) => byParent.get(parentId)?.push(rows[i]));
  return byParent;
}

/** The same page of a list for many parents, as JSON with what `children` read along, in one statement. */
async function fetchPagesWith<R>(ctx: Context, list: ChildList, args: PageArgs, children: readonly Prefetch[], parentIds: readonly string[]) {
  const { values: own, after } = pageValues(list.spec, args, '');
  const parents = [...new Set(parentIds)];
  const values: Values = { parents, ...own, ...valuesOf(children) };
  const key = `pagesWith:${list.key}:${after ? 'after' : 'first'}:${shapesOf(children)}`;
  const prepare = list.spec.where === undefined && keepable(children) && preparable(key);
  const bind = binder(prepare, values);
  // A statement of one row, the pages: drizzle's select wants a FROM.
  const query = () =>
    ctx.db.select({ pages: sql<unknown>`${pagesJson(list.spec, after, children, '', sql`${bind('parents')}::uuid[]`, bind)}` }).from(sql`(select 1) as one`);
  const [row] = prepare ? await prepared(ctx.db, key, (name) => query().prepare(name)).execute(values) : await query();
  return decodePages<R>(list.spec, children, parents, row.pages);
}

/**
 * A planner reading a page of a child list along with its parent row (a circle's threads with
 * the circle), for connections whose page is selected; `listFor` gives the list for the field's
 * arguments, or null where it cannot be read along (a viewer who may not see it anyway). A count
 * alone is not read along: `totalCount` runs its own count, and reads no page.
 */
export function pagePlanner(nodeType: string, listFor: (ctx: Context, args: any, withAuthors: boolean) => ChildList | null): Planner {
  return (ctx, { selection, nodes, args }, prefix) => {
    const connectionType = selection.fieldType(nodes[0].name.value);
    const connection = connectionType && selection.under(nodes, connectionType.name);
    if (!connection || !['nodes', 'edges', 'pageInfo'].some((f) => connection.has(f))) return null;
    const rows = connection.nodes(nodeType);
    const list = listFor(ctx, args, rows?.has('author') ?? false);
    if (!list) return null;
    const { values: own, after } = pageValues(list.spec, args, prefix);
    const children = planFor(ctx, rows, `${prefix}c`);
    return {
      shape: `page(${list.key}|${after ? 'after' : 'first'}|${shapesOf(children)})`,
      values: { ...own, ...valuesOf(children) },
      // A filter carries its values in its SQL text: such a statement is built for each request.
      inline: list.spec.where !== undefined || !keepable(children),
      json: (parent, bind) => pageJson(list.spec, after, children, prefix, ref(parent, 'id'), bind),
      prime: (parentId, value) => {
        const rows = decodePage(list.spec, children, value);
        pageLoader(ctx, list, args, children).prime(parentId, rows);
      },
      // Under a page (posts of each thread of a page of threads): all the pages in one read.
      page: {
        json: (agg, bind) => pagesJson(list.spec, after, children, prefix, agg('id'), bind),
        prime: (parentRows, value) => {
          const parentIds = parentRows.map((r) => r.id as string);
          const loader = pageLoader(ctx, list, args, children);
          for (const [parentId, rows] of decodePages(list.spec, children, parentIds, value)) loader.prime(parentId, rows);
        },
      },
    };
  };
}

/**
 * A page of a list under a parent (threads of a circle, posts of a thread). Every parent in the
 * request asking for the same page shares one query, and so do their counts; `children` are
 * what the query selects under each row that can be read in that same query.
 */
export function childConnection<R extends object, T = R>(
  ctx: Context,
  key: string,
  spec: ChildListSpec,
  args: PageArgs,
  parentId: string,
  nodesOf?: (rows: R[]) => Promise<T[]>,
  children: readonly Prefetch[] = [],
): Connection<T> {
  const list: ChildList = { key, spec };
  const load = async () => {
    const rows = await pageLoader<R>(ctx, list, args, children).load(parentId);
    primeRows(ctx, spec, rows);
    return { rows, nodes: nodesOf ? await nodesOf(rows.slice(0, pageSize(args.first))) : undefined };
  };
  return lazyConnection<R, T>(load, args, spec.keys, () =>
    ctx.loaders.pages(`${key}|count`, (ids) => countByParent(ctx.db, spec, ids)).load(parentId),
  );
}

/** A top-level page as JSON with what `children` read along for its rows, in one statement. */
async function fetchPageWith<R>(ctx: Context, spec: ListSpec, args: PageArgs, children: readonly Prefetch[]): Promise<R[]> {
  const { values: own, after } = pageValues(spec, args, '');
  const values: Values = { ...own, ...valuesOf(children) };
  const order = spec.keys.map((k) => `${k.column.name}${k.desc ? '-' : '+'}`).join(',');
  const key = `pageWith:${getTableName(spec.table)}:${order}:${after ? 'after' : 'first'}:${shapesOf(children)}`;
  const prepare = spec.where === undefined && keepable(children) && preparable(key);
  const bind = binder(prepare, values);
  // A statement of one row, the page: drizzle's select wants a FROM.
  const query = () => ctx.db.select({ page: sql<unknown>`${pageJson(spec, after, children, '', null, bind)}` }).from(sql`(select 1) as one`);
  const [row] = prepare ? await prepared(ctx.db, key, (name) => query().prepare(name)).execute(values) : await query();
  return decodePage<R>(spec, children, row.page);
}

/**
 * A page of a top-level list (the organisation directory, the circles a viewer can see); with
 * `children`, what the query selects under its rows that can be read along comes in its statement.
 */
export function rootConnection<R extends object>(ctx: Context, spec: ListSpec, args: PageArgs, children: readonly Prefetch[] = []): Connection<R> {
  const load = async () => {
    const rows = children.length ? await fetchPageWith<R>(ctx, spec, args, children) : await fetchPage<R>(ctx.db, spec, args);
    primeRows(ctx, spec, rows);
    return { rows };
  };
  return lazyConnection<R>(load, args, spec.keys, () => countAll(ctx.db, spec.table, spec.where));
}

/** Rows' related nodes through a loader, keeping the rows' order; missing ones are dropped. */
export async function loadAll<T>(loader: { loadMany(keys: readonly string[]): Promise<(T | Error | null)[]> }, ids: string[]) {
  const found = await loader.loadMany(ids);
  return found.map((x) => {
    if (x instanceof Error) throw x;
    return x as T;
  });
}
