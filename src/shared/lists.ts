import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Context } from '../context.js';
import type { Loaders } from '../loaders.js';
import {
  countAll,
  countByParent,
  fetchPage,
  fetchPages,
  lazyConnection,
  pageSize,
  type Connection,
  type ListSpec,
  type PageArgs,
} from './connection.js';

export type ChildListSpec = ListSpec & {
  parent: PgColumn;
  parentField: string;
  /**
   * The by-id loader of the rows' own table: the page's rows are put in it, so fields that point
   * back into the page (a reply's `replyTo`) cost no query.
   */
  rowLoader?: (loaders: Loaders) => { prime(id: string, row: any): unknown };
};

/**
 * A page of a list under a parent (threads of a circle, posts of a thread). Every parent in the
 * request asking for the same page shares one query, and so do their counts; `key` must name
 * the list and any filter in `spec.where`.
 */
export function childConnection<R extends object, T = R>(
  ctx: Context,
  key: string,
  spec: ChildListSpec,
  args: PageArgs,
  parentId: string,
  nodesOf?: (rows: R[]) => Promise<T[]>,
): Connection<T> {
  const load = async () => {
    const rows = await ctx.loaders
      .pages(`${key}|${args.first ?? ''}|${args.after ?? ''}`, (ids) => fetchPages<R>(ctx.db, spec, args, ids))
      .load(parentId);
    if (spec.rowLoader) {
      const loader = spec.rowLoader(ctx.loaders);
      for (const row of rows) loader.prime((row as { id: string }).id, row);
    }
    return { rows, nodes: nodesOf ? await nodesOf(rows.slice(0, pageSize(args.first))) : undefined };
  };
  return lazyConnection<R, T>(load, args, spec.keys, () =>
    ctx.loaders.pages(`${key}|count`, (ids) => countByParent(ctx.db, spec, ids)).load(parentId),
  );
}

/** A page of a top-level list (the organisation directory, the circles a viewer can see). */
export function rootConnection<R extends object>(ctx: Context, spec: ListSpec, args: PageArgs): Connection<R> {
  return lazyConnection<R>(async () => ({ rows: await fetchPage<R>(ctx.db, spec, args) }), args, spec.keys, () =>
    countAll(ctx.db, spec.table, spec.where),
  );
}

/** Rows' related nodes through a loader, keeping the rows' order; missing ones are dropped. */
export async function loadAll<T>(loader: { loadMany(keys: readonly string[]): Promise<(T | Error | null)[]> }, ids: string[]) {
  const found = await loader.loadMany(ids);
  return found.map((x) => {
    if (x instanceof Error) throw x;
    return x as T;
  });
}
