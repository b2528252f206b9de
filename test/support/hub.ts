import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, type App, type AppOptions } from '../../src/app.js';
import { createDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; [k: string]: unknown } }[];
}

export interface TestHub {
  app: App;
  database: Database;
  url: string;
  /** PostgreSQL URL of this hub's own database; undefined on PGlite. */
  databaseUrl?: string;
  /** SQL statements run so far (all connections); tests diff it around a request. */
  statements: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * Every test hub seeds many users from 127.0.0.1 and opens many sockets per user, which the
 * production limits per address and per user would throttle: those limits are opened wide
 * here, and the tests of the limits (abuse-limits.test.ts) set their own. The production
 * defaults themselves are asserted in policy.unit.test.ts.
 */
const OPEN_LIMITS = {
  signUpPerAddressPerHour: 1_000_000,
  socketsPerUser: 1_000_000,
  signInAddress: { freeFailures: 1_000_000, firstBlockSeconds: 1, maxBlockSeconds: 1, windowSeconds: 60 },
};

/** A fresh database (copied from the migrated template) and a hub on a free port. */
export async function startHub(
  options: { webSocket?: AppOptions['webSocket']; logger?: AppOptions['logger']; security?: AppOptions['security']; queryLimits?: AppOptions['queryLimits']; explorer?: AppOptions['explorer']; corsOrigins?: AppOptions['corsOrigins'] } = {},
): Promise<TestHub> {
  const testDb = inject('testDb');
  const statements: string[] = [];
  const onQuery = (query: string) => void statements.push(query);
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (testDb.kind === 'pg') {
    const name = `${testDb.template.replace('tmpl_', '')}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testDb.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${testDb.template}`);
    await admin.end();
    const url = new URL(testDb.adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    database = await createDatabase({ url: databaseUrl, poolSize: 10, onQuery });
    drop = async () => {
      const a = new pg.Client({ connectionString: testDb.adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    const dump = new Blob([await readFile(testDb.dump)]);
    database = await createDatabase({ loadDataDir: dump, onQuery });
  }
  const app = await buildApp({
    database,
    logger: options.logger ?? createLogger((process.env.LOG_LEVEL as any) ?? 'error'),
    webSocket: options.webSocket,
    security: { ...options.security, limits: { ...OPEN_LIMITS, ...options.security?.limits } },
    queryLimits: options.queryLimits,
    explorer: options.explorer,
    corsOrigins: options.corsOrigins,
  });
  return {
    app,
    database,
    url: app.url,
    databaseUrl,
    statements,
    async gql(query, variables, token) {
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse;
    },
    async stop() {
      await app.stop();
      await database.close();
      await drop?.();
    },
  };
}

/**
 * Another instance of the hub on `hub`'s PostgreSQL database (its own pool, listener and caches),
 * as a second server behind a load balancer would be; `stop` also closes its pool.
 */
export async function secondInstance(hub: TestHub, options: { security?: AppOptions['security'] } = {}): Promise<App & { database: Database }> {
  const database = await createDatabase({ url: hub.databaseUrl! });
  const app = await buildApp({ database, logger: createLogger('error'), security: options.security });
  return {
    ...app,
    database,
    async stop() {
      await app.stop();
      await database.close();
    },
  };
}
