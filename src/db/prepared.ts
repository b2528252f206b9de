import type { Queryable } from './client.js';

interface Prepared<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}

const built = new WeakMap<Queryable, Map<string, Prepared<unknown>>>();
/** One name per shape across handles: a pooled connection then holds each statement once. */
const names = new Map<string, string>();

/**
 * A statement of fixed shape, built by drizzle once per database handle (or transaction) and
 * reused: walking drizzle's query tree costs more of the hub's CPU per request than the
 * statement costs PostgreSQL. Every value must go in through `sql.placeholder`; `key` names the
 * shape, so anything that changes the SQL text (a table, an order, an optional filter) belongs
 * in it, and no value ever may.
 */
/**
 * Statements whose text follows a query's selection (see shared/prefetch.ts) have as many shapes
 * as clients send documents: past this many shapes they run unprepared rather than fill every
 * pooled connection with statements kept forever.
 */
const MAX_SHAPES = 1000;

/** Whether a statement of this shape may be kept prepared. */
export function preparable(key: string): boolean {
  return names.has(key) || names.size < MAX_SHAPES;
}

export function prepared<T>(q: Queryable, key: string, build: (name: string) => Prepared<T>): Prepared<T> {
  let forHandle = built.get(q);
  if (!forHandle) {
    forHandle = new Map();
    built.set(q, forHandle);
  }
  let statement = forHandle.get(key) as Prepared<T> | undefined;
  if (!statement) {
    let name = names.get(key);
    if (name === undefined) {
      name = `hub_p${names.size}`;
      names.set(key, name);
    }
    statement = build(name);
    forHandle.set(key, statement as Prepared<unknown>);
  }
  return statement;
}
