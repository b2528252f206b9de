import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.js';
import { isConnectionLost } from '../errors.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: services accept both. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  driver: 'pg' | 'pglite';
  close(): Promise<void>;
  /** The raw pool (PostgreSQL) or PGlite instance, for src/db and src/realtime only. */
  raw: { kind: 'pg'; pool: pg.Pool; url: string } | { kind: 'pglite'; client: PGlite };
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite data folder, or undefined for an in-memory database. */
  dataDir?: string;
  /** PGlite: start from a dump made by `dumpDataDir()` instead of an empty cluster. */
  loadDataDir?: Blob | File;
  poolSize?: number;
  /** Called with every SQL statement; used by tests and benchmarks to count statements. */
  onQuery?: (query: string, params: unknown[]) => void;
}

/**
 * The hub sends a few hundred fixed statement texts (values travel apart, lists as one array
 * parameter), so each is prepared once per connection under a name derived from its text:
 * PostgreSQL parses and plans it once instead of on every request. The cap keeps texts built
 * from data (a bulk insert's VALUES list) from growing the per-connection statement cache.
 */
const MAX_PREPARED_TEXTS = 2_000;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_TEXTS) {
    name = `hub_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Marks a statement (its text starts with it) whose best plan depends on its values, such as an
 * aggregate over a period: PostgreSQL's own choice between a custom and a generic plan applies.
 */
export const VALUE_DEPENDENT_PLAN = '/* plan: by value */';
const PLAN_MODES = { generic: 'force_generic_plan', byValue: 'auto' } as const;

/**
 * Run once on each new connection, ahead of its first statement: one allocation of 4 MiB, made
 * and freed, sets the backend's glibc malloc to keep up to twice that of freed memory instead of
 * handing it back to the kernel after every statement. A page statement builds its JSON in
 * buffers that double as they grow and are copied into each enclosing level (about 1 MB of
 * allocations for a 45 KB circle feed); under glibc's default 128 KB trim threshold that memory
 * went back to the kernel after every execution and was faulted in again by the next: page
 * faults and copying into fresh pages were three quarters of the feed statement's CPU in the
 * backend (perf: 2.4 ms per execution, 0.56 ms with this; bench/notes.md). The threshold moves
 * only once a chunk over it is freed (glibc's dynamic mmap threshold, up to 32 MiB), which is what
 * the allocation here does. On a server without glibc it is a wasted millisecond per connection;
 * the cost is up to 8 MiB of freed memory each backend may keep.
 */
const SETTLE_ALLOCATOR = `select length(repeat('x', ${4 * 1024 * 1024}))`;

/**
 * Each statement is prepared once per connection, and planned once too. PostgreSQL's default
 * plan cache goes on planning every execution afresh while a custom plan looks cheaper than the
 * generic one, which for the hub's statements (lookups by id, keyset pages, `limit $n`) is most
 * of them: planning then cost more than running (circleFeed's statements 2.9 -> 2.3 ms,
 * createPost's notification rules 1.9 -> 0.5 ms; bench/notes.md). So a connection forces generic
 * plans from its first statement on (a SET ahead of it, which any pooler passes, unlike a startup
 * option), and switches to PostgreSQL's choice only for a statement marked VALUE_DEPENDENT_PLAN
 * (outside a transaction, where a SET would be undone by a rollback).
 */
class PreparingClient extends pg.Client {
  /** Unknown until the connection's first statement, which a SET then precedes. */
  private planMode: keyof typeof PLAN_MODES | undefined;
  private inTransaction = false;

  override query(config: any, values?: any, callback?: any): any {
    const text: unknown = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const wanted = text.startsWith(VALUE_DEPENDENT_PLAN) ? 'byValue' : 'generic';
      // Decided before a BEGIN counts as inside its transaction: a connection left on PostgreSQL's
      // choice by a marked statement goes back to generic plans ahead of the BEGIN, where the SET
      // cannot be rolled back, so a transaction always runs on generic plans.
      const first = this.planMode === undefined;
      if (first || (wanted !== this.planMode && !this.inTransaction)) {
        // Queued ahead of the statement on this connection: one more round trip, only on a switch
        // (the first statement's carries the allocator's settling too).
        this.planMode = wanted;
        const set = `set plan_cache_mode = ${PLAN_MODES[wanted]}`;
        super.query(first ? `${set}; ${SETTLE_ALLOCATOR}` : set).catch(() => {});
      }
      if (/^\s*(begin|start transaction)\b/i.test(text)) this.inTransaction = true;
      else if (/^\s*(commit|rollback|end)\s*;?\s*$/i.test(text)) this.inTransaction = false;
    }
    // Only parameterised statements: a statement without values may hold several commands
    // (the simple protocol allows that, a prepared statement does not).
    if (config && typeof config === 'object' && typeof config.text === 'string' && config.name === undefined && Array.isArray(values) && values.length > 0) {
      const name = statementName(config.text);
      if (name) config = { ...config, name };
    }
    const result: any = super.query(config, values, callback);
    if (result && typeof result.then === 'function') result.then(undefined, (err: unknown) => this.releaseIfLost(err));
    return result;
  }

  /**
   * A client whose connection is gone goes back to the pool (which discards it) at once, not
   * when its user releases it: drizzle 0.45's transaction() never releases a client whose
   * `begin` failed, so each backend lost at that moment would leak one pool slot until the pool
   * is empty and every request waits forever. The user's own later release is then a no-op.
   */
  private releaseIfLost(err: unknown): void {
    const self = this as unknown as { release?: (err?: Error | boolean) => void };
    const release = self.release;
    if (typeof release !== 'function' || !isConnectionLost(err)) return;
    self.release = () => {};
    release.call(this, err as Error);
  }
}

function ignoreClientError(): void {}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const logger: Logger | undefined = options.onQuery
    ? { logQuery: (query, params) => options.onQuery!(query, params) }
    : undefined;
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
      Client: PreparingClient,
    });
    // An idle client losing its connection (server restart) must not crash the process.
    pool.on('error', (err) => console.error('[db] idle client error:', err.message));
    // Nor may a checked-out one: pg-pool listens for errors of idle clients only, and a backend
    // killed mid-transaction emits 'error' on its client with no listener, which kills the
    // process. The statement in flight is rejected with the error anyway (the request answers
    // SERVICE_UNAVAILABLE), and the pool drops the broken client when it is released.
    pool.on('connect', (client) => client.on('error', ignoreClientError));
    const db = drizzlePg({ client: pool, schema, logger }) as unknown as Db;
    return {
      db,
      driver: 'pg',
      raw: { kind: 'pg', pool, url: options.url },
      close: () => pool.end(),
    };
  }
  const client = new PGlite({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    // PostgreSQL's shared buffers live in PGlite's WebAssembly memory and are all touched at
    // start: the default 128 MB were ~95 MB of the hub's RSS and a quarter of a second of its
    // start. 32 MB still hold the demo database (11 MB) whole; the OS caches the data files too.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  await client.waitReady;
  const db = drizzlePglite({ client, schema, logger }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    raw: { kind: 'pglite', client },
    close: () => client.close(),
  };
}
