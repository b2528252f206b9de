/**
 * The hub as the benchmark runs it: src/app.ts's buildApp over PostgreSQL in a process of its
 * own, started by bench/run.ts with `node --expose-gc --import tsx bench/hub-server.ts`.
 *
 * Bench-only hooks, none of which change what the hub does:
 * - SQL statements are attributed to the HTTP request that ran them (AsyncLocalStorage around
 *   the request listener, fed by createDatabase's onQuery), for "statements per operation";
 * - the time each commit's reply arrives is kept (a `commit`, or createPost's one statement), for
 *   "from the commit to the last delivery" in the fan-out;
 * - `memory` forces GC and reports process.memoryUsage(), for "bytes per idle subscriber";
 * - `profileStart` / `profileStop` run V8's CPU profiler (what `node --cpu-prof` runs) around
 *   one phase and write a .cpuprofile, so each profile covers one operation only.
 */
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import type http from 'node:http';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { createLogger, type LogLevel } from '../src/logger.js';
import { loadConfig } from '../src/config.js';
import { setLookahead } from '../src/shared/prefetch.js';
import { now, serveIpc } from './ipc.js';

interface Trace {
  id: string;
  statements: string[];
}

const TRACE_HEADER = 'x-bench-trace';
const traces = new AsyncLocalStorage<Trace>();
const finishedTraces = new Map<string, string[]>();
let lastCommitAt = 0;

/**
 * Statements whose reply means a commit: a transaction's `commit`, and createPost, which is one
 * statement outside any transaction block (migration 0017's function), committed before it answers.
 */
const COMMITS = /^(commit$|select hub_create_posts\()/;

// Every pool client is a pg.Client: note when a commit has been answered by the server, whether
// the statement was sent with a callback (pool.query, as createPost's is) or awaited (a transaction's).
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : first?.text;
  const commits = typeof text === 'string' && COMMITS.test(text);
  const callback = args.at(-1);
  if (commits && typeof callback === 'function') {
    args[args.length - 1] = (err: unknown, res: unknown) => {
      if (!err) lastCommitAt = now();
      (callback as (err: unknown, res: unknown) => void)(err, res);
    };
  }
  const result = query.apply(this, args);
  if (commits && result && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(
      () => (lastCommitAt = now()),
      () => {},
    );
  }
  return result;
} as typeof pg.Client.prototype.query;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  // As the README's LOOKAHEAD: `LOOKAHEAD=false npm run bench` measures the hub without it.
  const config = loadConfig({ LOOKAHEAD: process.env.LOOKAHEAD, RESPONSE_CACHE_MB: process.env.RESPONSE_CACHE_MB });
  setLookahead(config.lookahead);
  const database = await createDatabase({
    url,
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
    onQuery: (sql) => traces.getStore()?.statements.push(sql),
  });
  const app = await buildApp({
    database,
    logger: createLogger((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn'),
    port: 0,
    host: '127.0.0.1',
    // A load test from one account is what the hourly budget refuses: it is charged as usual
    // (so its cost is in the figures) but never runs out within a run.
    security: { limits: { queryCostPerHour: 1_000_000_000 } },
    responseCacheMb: config.responseCacheMb,
  });

  // Requests carrying the trace header run inside a trace; their statements are kept by id.
  const listeners = app.httpServer.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  app.httpServer.removeAllListeners('request');
  app.httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const id = req.headers[TRACE_HEADER];
    if (typeof id !== 'string') {
      for (const listener of listeners) listener(req, res);
      return;
    }
    const trace: Trace = { id, statements: [] };
    res.once('finish', () => {
      finishedTraces.set(id, trace.statements);
      // An enabled AsyncLocalStorage turns on promise hooks for every promise in the process:
      // off again, so the measured (untraced) requests run as they would without the benchmark.
      traces.disable();
    });
    traces.run(trace, () => {
      for (const listener of listeners) listener(req, res);
    });
  });

  /**
   * Resident bytes of malloc's main heap (the `[heap]` mapping) and of anonymous mappings (V8's
   * pages, malloc's other arenas and its large blocks), from /proc/self/smaps: where memory
   * outside V8's heap lives.
   */
  const residentByMapping = () => {
    let mapping = '';
    let mallocHeap = 0;
    let anonymous = 0;
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
        mapping = line.split(/\s+/)[5] ?? '';
        continue;
      }
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (!rss) continue;
      if (mapping === '[heap]') mallocHeap += Number(rss[1]) * 1024;
      else if (mapping === '') anonymous += Number(rss[1]) * 1024;
    }
    return { mallocHeap, anonymous };
  };

  const cacheBytes = app.responseCache.capacityBytes;
  const gc = (globalThis as { gc?: () => void }).gc;
  const inspector = new Session();
  inspector.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => inspector.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  serveIpc(
    {
      /** Statements of the traced request `id`, once its response has been sent. */
      statements: async ({ id }: { id: string }) => {
        for (let i = 0; i < 100 && !finishedTraces.has(id); i++) await new Promise((r) => setTimeout(r, 10));
        const statements = finishedTraces.get(id);
        if (!statements) throw new Error(`no traced request ${id}`);
        finishedTraces.delete(id);
        return statements;
      },
      lastCommitAt: () => lastCommitAt,
      /**
       * Starts the viewer's query budget afresh. Runs are charged as usual, but at the rates the
       * hub now reaches a whole run's worth of feeds costs more than the most a budget can hold
       * (a billion points); before each run it is whole again, before any in-memory block.
       */
      resetBudget: async () => {
        await app.security.flush();
        await database.db.execute(sql`delete from rate_limits where key like 'query-cost:%'`);
        return null;
      },
      /** Turns the response cache on (its default room) or off, empty either way. */
      responseCache: ({ on }: { on: boolean }) => {
        app.responseCache.capacityBytes = on ? cacheBytes : 0;
        app.responseCache.invalidate();
        return null;
      },
      profileStart: async () => {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 500 });
        await post('Profiler.start');
        return null;
      },
      profileStop: async ({ file }: { file: string }) => {
        const { profile } = await post('Profiler.stop');
        await writeFile(file, JSON.stringify(profile));
        return file;
      },
      subscribers: () => app.hub.subscriberCount,
      executions: () => app.hub.executions,
      memory: async () => {
        if (!gc) throw new Error('start the hub with --expose-gc');
        for (let i = 0; i < 4; i++) {
          gc();
          await new Promise((r) => setImmediate(r));
        }
        return { ...process.memoryUsage(), ...residentByMapping() };
      },
      shutdown: () => {
        setImmediate(async () => {
          const force = setTimeout(() => process.exit(0), 10_000);
          force.unref();
          await app.stop().catch(() => {});
          await database.close().catch(() => {});
          process.exit(0);
        });
        return null;
      },
    },
    { url: app.url, wsUrl: app.wsUrl, pid: process.pid },
  );
}

main().catch((err) => {
  console.error('[hub-server] failed to start:', err);
  process.exit(1);
});
