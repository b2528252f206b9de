import { and, asc, desc, eq, getTableColumns, getTableName, gt, lt, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { userColumns, users, type UserRow } from '../db/schema.js';
import { BadInputError } from '../errors.js';
import type { Queryable } from '../db/client.js';
import type { Loaders } from '../loaders.js';
import { prepared } from '../db/prepared.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** `first` as a LIMIT: defaults to 20, anything outside 1..100 is refused rather than clamped. */
export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadInputError('first', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

type KeyType = 'date' | 'text' | 'uuid' | 'bigint' | 'int' | 'bool';

/** One column of a list's order. The last key of every list is unique, so pages never overlap. */
export interface SortKey {
  column: PgColumn;
  /** Property of the row holding this column's value. */
  field: string;
  type: KeyType;
  desc?: boolean;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(
    JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v))),
  ).toString('base64url');
}

export function cursorOf(row: Record<string, unknown>, keys: SortKey[]): string {
  return encodeCursor(keys.map((k) => row[k.field]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

export function decodeCursor(cursor: string, keys: SortKey[], field = 'after'): unknown[] {
  const invalid = () => new BadInputError(field, 'is not a cursor of this list');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(raw) || raw.length !== keys.length) throw invalid();
  return raw.map((value, i) => {
    switch (keys[i].type) {
      case 'date': {
        const d = typeof value === 'string' ? new Date(value) : null;
        // Years a forged cursor could carry but PostgreSQL cannot compare with (it would fail the query).
        if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) throw invalid();
        return d;
      }
      case 'uuid':
        if (typeof value !== 'string' || !UUID.test(value)) throw invalid();
        return value;
      case 'text':
        if (typeof value !== 'string' || value.includes('\u0000')) throw invalid();
        return value;
      case 'bigint':
        if (typeof value !== 'string' || !/^[0-9]{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) throw invalid();
        return BigInt(value);
      case 'int':
        if (!Number.isInteger(value)) throw invalid();
        return value;
      case 'bool':
        if (typeof value !== 'boolean') throw invalid();
        return value;
    }
  });
}

/** Rows strictly after `values` in the order of `keys`. */
export function keysetAfter(keys: SortKey[], values: unknown[]): SQL {
  // (a > x) or (a = x and b > y) or ...; each branch can use the list's index.
  const branches: SQL[] = [];
  for (let i = 0; i < keys.length; i++) {
    const parts: SQL[] = [];
    for (let j = 0; j < i; j++) parts.push(eq(keys[j].column, values[j]));
    parts.push(keys[i].desc ? lt(keys[i].column, values[i]) : gt(keys[i].column, values[i]));
    branches.push(and(...parts)!);
  }
  return or(...branches)!;
}

/** The list's order, on its table's columns or on those of a page subquery (`page`). */
export function orderOf(keys: SortKey[], page?: object): SQL[] {
  return keys.map((k) => {
    const column = page ? (page as Record<string, PgColumn>)[k.field] : k.column;
    return k.desc ? desc(column) : asc(column);
  });
}

export interface PageInfoValue {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * A page of a list. Its parts may be promises: a lazy connection reads its page only when the
 * client selects `edges`, `nodes` or `pageInfo`, and counts only when it selects `totalCount`.
 */
export interface Connection<T> {
  readonly edges: { cursor: string; node: T }[] | Promise<{ cursor: string; node: T }[]>;
  readonly nodes: T[] | Promise<T[]>;
  readonly pageInfo: PageInfoValue | Promise<PageInfoValue>;
  readonly totalCount: Promise<number>;
}

/** Cursors are encoded only when asked for: most queries read `nodes` and never see one. */
class Edge<T> {
  #cursor: string | undefined;
  constructor(
    private readonly row: object,
    private readonly keys: SortKey[],
    readonly node: T,
  ) {}

  get cursor(): string {
    return (this.#cursor ??= cursorOf(this.row as Record<string, unknown>, this.keys));
  }
}

/**
 * Builds a connection from up to first+1 rows (the extra row only says there is a next page).
 * `nodes`, when given, are what the page shows for each row (e.g. the circle of a membership
 * row); cursors always come from the rows. `totalCount` is a getter so the count query runs
 * only when a client asks for it.
 */
export function toConnection<R extends object, T = R>(
  rows: R[],
  args: PageArgs,
  keys: SortKey[],
  opts: { count?: () => Promise<number>; nodes?: T[] } = {},
): { edges: Edge<T>[]; nodes: T[]; pageInfo: PageInfoValue; readonly totalCount: Promise<number> } {
  const limit = pageSize(args.first);
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const edges = page.map((row, i) => new Edge<T>(row, keys, (opts.nodes ? opts.nodes[i] : row) as T));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: args.after != null,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    get totalCount() {
      if (!opts.count) throw new Error('totalCount is not available on this connection');
      return (counted ??= opts.count());
    },
  };
}

/**
 * A connection whose page is read on first use of `edges`, `nodes` or `pageInfo`, once, and
 * whose count runs only for `totalCount`: `members(first: 1) { totalCount }` costs one count
 * and no page. The arguments are checked at once, so a bad `first` or cursor is refused even
 * when only the count is asked for.
 */
export function lazyConnection<R extends object, T = R>(
  load: () => Promise<{ rows: R[]; nodes?: T[] }>,
  args: PageArgs,
  keys: SortKey[],
  count: () => Promise<number>,
): Connection<T> {
  pageSize(args.first);
  if (args.after != null) decodeCursor(args.after, keys);
  let page: Promise<ReturnType<typeof toConnection<R, T>>> | undefined;
  const loaded = () => (page ??= load().then(({ rows, nodes }) => toConnection<R, T>(rows, args, keys, { nodes })));
  let counted: Promise<number> | undefined;
  return {
    get edges() {
      return loaded().then((c) => c.edges);
    },
    get nodes() {
      return loaded().then((c) => c.nodes);
    },
    get pageInfo() {
      return loaded().then((c) => c.pageInfo);
    },
    get totalCount() {
      return (counted ??= count());
    },
  };
}

export interface ListSpec {
  table: PgTable;
  keys: SortKey[];
  /** The parent column, for lists under a parent (threads of a circle). */
  parent?: PgColumn;
  /** Filter shared by every parent. */
  where?: SQL;
  /**
   * Each row's author, read in the page's statement (a join on this column) and put in the user
   * loader, so the rows' `author` fields cost no statement. Set only when the query selects them.
   */
  author?: { column: PgColumn; into: { prime(id: string, user: UserRow): unknown } };
  /**
   * The by-id loader of the rows' own table: the page's rows are put in it, so fields that point
   * back into the page (a reply's `replyTo`, a check on a circle of the page) cost no query.
   */
  rowLoader?: (loaders: Loaders) => { prime(id: string, row: any): unknown };
}

/** Rows of a page read with their authors: the rows, each author handed to the loader. */
function withAuthors<R>(spec: ListSpec, rows: { row: R; author: UserRow | null }[]): R[] {
  for (const { author } of rows) if (author) spec.author!.into.prime(author.id, author);
  return rows.map((r) => r.row);
}

/**
 * The values a page query takes: named placeholders when the statement is prepared once and
 * kept (a list without an extra filter), plain values otherwise.
 */
function pageValues(prepare: boolean, values: { parent?: string; parents?: string[]; limit: number; after?: unknown[] }) {
  const bind = <T>(name: string, value: T): T | Placeholder => (prepare ? sql.placeholder(name) : value);
  return {
    parent: bind('parent', values.parent),
    // An array is one parameter, not a list of them.
    parents: prepare ? sql.placeholder('parents') : sql.param(values.parents),
    limit: bind('limit', values.limit),
    after: values.after?.map((v, i) => bind(`after${i}`, v)),
    execute: {
      parent: values.parent,
      parents: values.parents,
      limit: values.limit,
      ...Object.fromEntries((values.after ?? []).map((v, i) => [`after${i}`, v])),
    },
  };
}

/** What makes two page statements of a list the same text (values aside). */
function shapeOf(spec: ListSpec, variant: string): string {
  const order = spec.keys.map((k) => `${k.column.name}${k.desc ? '-' : '+'}`).join(',');
  return `page:${getTableName(spec.table)}:${spec.parent?.name ?? ''}:${order}:${variant}${spec.author ? ':author' : ''}`;
}

/** One page of one list: `where ... order by keys limit n+1`. */
export async function fetchPage<R>(db: Queryable, spec: ListSpec, args: PageArgs, parentId?: string): Promise<R[]> {
  const limit = pageSize(args.first);
  const afterValues = args.after != null ? decodeCursor(args.after, spec.keys) : undefined;
  const withParent = spec.parent !== undefined && parentId !== undefined;
  // A filter may carry values of its own, so only lists without one are kept prepared.
  const prepare = spec.where === undefined;
  const v = pageValues(prepare, { parent: parentId, limit: limit + 1, after: afterValues });
  const where = and(withParent ? eq(spec.parent!, v.parent) : undefined, spec.where, v.after && keysetAfter(spec.keys, v.after));
  const author = spec.author;
  const query = () => {
    const page = db
      .select()
      .from(spec.table as any)
      .where(where)
      .orderBy(...orderOf(spec.keys))
      .limit(v.limit);
    if (!author) return page;
    // The page first, its authors after: joined before the limit, PostgreSQL hashes the whole
    // users table for a page of 20 (9 ms of 10 at x100, where 20 index probes cost 0.1 ms).
    const sub = page.as('page');
    return db
      .select({ row: pageColumns(spec, sub), author: userColumns })
      .from(sub)
      .leftJoin(users, eq(users.id, (sub as any)[authorKey(spec)]))
      .orderBy(...orderOf(spec.keys, sub));
  };
  const variant = `${withParent ? 'parent' : 'all'}:${afterValues ? 'after' : 'first'}`;
  const rows = prepare ? await prepared(db, shapeOf(spec, variant), (name) => query().prepare(name)).execute(v.execute) : await query();
  return author ? withAuthors<R>(spec, rows as any) : (rows as R[]);
}

/**
 * The same page of a list for many parents in one statement (a lateral join per parent, each
 * served by the list's index), so nested connections cost one query, not one per parent.
 */
export async function fetchPages<R>(
  db: Queryable,
  spec: ListSpec & { parent: PgColumn; parentField: string },
  args: PageArgs,
  parentIds: readonly string[],
): Promise<Map<string, R[]>> {
  const byParent = new Map<string, R[]>(parentIds.map((id) => [id, []]));
  if (parentIds.length === 1) {
    byParent.set(parentIds[0], await fetchPage<R>(db, spec, args, parentIds[0]));
    return byParent;
  }
  const limit = pageSize(args.first);
  const afterValues = args.after != null ? decodeCursor(args.after, spec.keys) : undefined;
  const prepare = spec.where === undefined;
  const v = pageValues(prepare, { parents: [...new Set(parentIds)], limit: limit + 1, after: afterValues });
  const query = () => {
    const page = db
      .select()
      .from(spec.table as any)
      .where(and(eq(spec.parent, sql`parents.parent_id`), spec.where, v.after && keysetAfter(spec.keys, v.after)))
      .orderBy(...orderOf(spec.keys))
      .limit(v.limit)
      .as('page');
    const parents = sql`unnest(${v.parents}::uuid[]) as parents(parent_id)`;
    if (!spec.author) return db.select().from(parents).innerJoinLateral(page, sql`true`);
    // The page's own columns, as the subquery names them, and its rows' authors joined outside it.
    return db
      .select({ page: pageColumns(spec, page), author: userColumns })
      .from(parents)
      .innerJoinLateral(page, sql`true`)
      .leftJoin(users, eq(users.id, (page as any)[authorKey(spec)]))
      // A join may reorder the lateral pages' rows; each parent's rows come back in list order.
      .orderBy(...orderOf(spec.keys, page));
  };
  const rows = (
    prepare
      ? await prepared(db, shapeOf(spec, `parents:${afterValues ? 'after' : 'first'}`), (name) => query().prepare(name)).execute(v.execute)
      : await query()
  ) as unknown as { page: R; author?: UserRow | null }[];
  for (const { page: row, author } of rows) {
    if (author) spec.author!.into.prime(author.id, author);
    byParent.get((row as any)[spec.parentField])!.push(row);
  }
  return byParent;
}

/** The list table's columns as a page subquery names them. */
function pageColumns(spec: ListSpec, page: object): Record<string, PgColumn> {
  return Object.fromEntries(Object.keys(getTableColumns(spec.table)).map((k) => [k, (page as any)[k]]));
}

/** The row property of the author column (`authorId`), by which the page subquery names it. */
function authorKey(spec: ListSpec): string {
  const columns = getTableColumns(spec.table);
  return Object.keys(columns).find((k) => columns[k] === spec.author!.column)!;
}

/** Counts of a list for many parents in one statement. */
export async function countByParent(
  db: Queryable,
  spec: { table: PgTable; parent: PgColumn; where?: SQL },
  parentIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db
    .select({ parentId: spec.parent, n: sql<number>`count(*)::int` })
    .from(spec.table as any)
    .where(and(sql`${spec.parent} = any(${sql.param([...new Set(parentIds)])}::uuid[])`, spec.where))
    .groupBy(spec.parent);
  const counts = new Map<string, number>(parentIds.map((id) => [id, 0]));
  for (const r of rows) counts.set(r.parentId as string, r.n);
  return counts;
}

export async function countAll(db: Queryable, table: PgTable, where?: SQL): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(table as any)
    .where(where);
  return row.n;
}
