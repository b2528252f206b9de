/**
 * The benchmark suite: `npm run bench` (full, data set x100) or `npm run bench -- --quick` (x10).
 *
 * Creates its own PostgreSQL database, loads a generated data set, then measures
 *   1. HTTP: circleFeed, threadPage and createPost on the hub beside PostGraphile 5;
 *   2. writes that notify: createPost and createThread into a circle of 500 members at
 *      notification level ALL, beside plain createPost, on the hub alone (--only notifications);
 *   3. fan-out: one createPost delivered to N circleActivity subscribers, beside a bare `ws`
 *      server broadcasting the same frame (the floor), and the hub's memory per idle subscriber;
 *   3. search: a two-word full-text search (bench/search.ts; `--only search` alone), with the
 *      EXPLAIN ANALYZE of its statement;
 * writes bench/results.json and BENCHMARKS.md, and drops the database (also on failure).
 * Method and flags: BENCHMARKS.md, written from bench/report.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../src/auth/passwords.js';
import { DEMO_COORDINATOR_EMAIL, DEMO_PASSWORD } from '../src/demo/seed.js';
import { createDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { toGlobalId } from '../src/shared/ids.js';
import {
  BENCH,
  BENCH_PASSWORD,
  benchToken,
  circleId,
  circleThreads,
  datasetSize,
  generateDataset,
  threadId,
  userEmail,
  userId,
  type DatasetSize,
} from './dataset.js';
import { cpuUse, sampleCpu } from './cpu.js';
import { Child, now } from './ipc.js';
import { measureSearch, type SearchRecord } from './search.js';
import { measureProgramReport, type ProgramReportRecord } from './program-report.js';
import { FANOUT_SUBSCRIPTION, operations, type Operation, type SideRequest } from './operations.js';
import { autocannon, BENCH_DIR, ensurePeers, PEERS, PEERS_DIR, REPO_ROOT, WORK_DIR, type AutocannonResult } from './peers.js';
import { summariseProfile } from './profile.js';
import { measureWeakLinks, type WeakLinkRecord } from './weak-link-measure.js';
import { measureDefaultPath, type DefaultPathRecord } from './default-path.js';
import { notificationCases, prepareNotifyCircle } from './notifications.js';
import {
  goals,
  resultsJson,
  writeReports,
  type FanoutRecord,
  type FanoutRound,
  type HttpRecord,
  type HttpRun,
  type Machine,
  type MemorySample,
  type NotificationRecord,
  type RunRecord,
} from './report.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    subscribers: { type: 'string' },
    rounds: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
  },
  strict: true,
});

const quick = flags.quick!;
const settings = {
  scale: Number(flags.scale ?? (quick ? 10 : 100)),
  durationSeconds: Number(flags.duration ?? (quick ? 10 : 30)),
  warmupSeconds: quick ? 3 : 5,
  runsPerSide: quick ? 2 : 3,
  connections: Number(flags.connections ?? 10),
  subscribers: (flags.subscribers ?? (quick ? '1000,5000' : '1000,5000,10000')).split(',').map(Number),
  fanoutRounds: Number(flags.rounds ?? 5),
  // Unmeasured rounds first, as the HTTP runs have a warm-up: each size starts a fresh hub,
  // whose delivery path is not yet compiled by V8 in its first rounds.
  fanoutWarmupRounds: 2,
  poolSize: 10,
};
const only = flags.only as 'http' | 'fanout' | 'weaklink' | 'startup' | 'search' | 'notifications' | 'report' | undefined;
if (only && !['http', 'fanout', 'weaklink', 'startup', 'search', 'notifications', 'report'].includes(only)) {
  throw new Error('--only takes http, fanout, weaklink, startup, search, notifications or report');
}

/** The README's demo circle and coordinator, for the default-path row. */
const DEMO_CIRCLE = 'lbb-lombok-tengah';
const DEMO_TARGETS = {
  feedCircleSlug: DEMO_CIRCLE,
  pageThreadGlobalId: '',
  pageThreadUuid: '',
  postThreadGlobalIds: [],
  postThreadUuids: [],
  viewerUuid: '',
};

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PROFILE_DIR = path.join(WORK_DIR, 'profiles');
const runStarted = Date.now();

function log(msg: string): void {
  const s = Math.round((Date.now() - runStarted) / 1000);
  console.log(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${msg}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ clean-up, whatever happens

const children: Child[] = [];
let dropDatabase: (() => Promise<void>) | undefined;
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(children.map((c) => c.stop(5_000).catch(() => c.kill())));
    if (dropDatabase) await dropDatabase().catch((err) => console.error('could not drop the benchmark database:', err.message));
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------ setup

async function createBenchDatabase(): Promise<string> {
  const name = `hub_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  if (!flags['keep-db']) {
    dropDatabase = async () => {
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
        log(`dropped database ${name}`);
      } finally {
        await a.end();
      }
    };
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  log(`created database ${name}`);
  return url.toString();
}

async function machine(databaseUrl: string): Promise<Machine> {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: os.cpus() it is
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  await client.end();
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0].server_version,
    os: `${os.type()} ${os.release()}`,
  };
}

async function loadData(databaseUrl: string, size: DatasetSize) {
  const started = performance.now();
  const database = await createDatabase({ url: databaseUrl, poolSize: 2 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  log(`migrated; generating the x${size.scale} data set`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counts = await generateDataset(client, size, await hashPassword(BENCH_PASSWORD), log);
    const generateMs = performance.now() - started;
    log(`data set ready in ${(generateMs / 1000).toFixed(1)} s: ${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ')}`);
    return { counts, generateMs };
  } finally {
    await client.end();
  }
}

const tsx = ['--import', 'tsx'];

interface HubLauncher {
  entry: string;
  execArgv: string[];
  how: string;
}

/**
 * The hub runs as production runs it: compiled by tsc (bench/tsconfig.hub.json, the repo's
 * settings) and started with plain node. Under tsx every dynamic import() goes through its
 * loader thread, which costs the hub real time per request (type-graphql imports
 * class-validator on each validated argument); --tsx measures that way instead.
 */
function prepareHub(): HubLauncher {
  if (flags.tsx) {
    return { entry: path.join(BENCH_DIR, 'hub-server.ts'), execArgv: ['--expose-gc', ...tsx], how: 'node --expose-gc --import tsx bench/hub-server.ts' };
  }
  const started = performance.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');
  const res = spawnSync(process.execPath, [tsc, '-p', path.join(BENCH_DIR, 'tsconfig.hub.json')], { cwd: REPO_ROOT, encoding: 'utf8' });
  const entry = path.join(WORK_DIR, 'build', 'bench', 'hub-server.js');
  // Exit 2: type errors, output written anyway (src may be mid-edit); the run can go on.
  if ((res.status !== 0 && res.status !== 2) || !existsSync(entry)) {
    throw new Error(`compiling the hub failed (exit ${res.status}):\n${res.stdout}${res.stderr}`);
  }
  if (res.status === 2) log(`warning: tsc reported type errors; benchmarking the emitted JavaScript anyway:\n${res.stdout.slice(0, 1000)}`);
  log(`compiled the hub in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { entry, execArgv: ['--expose-gc'], how: 'node --expose-gc bench/.work/build/bench/hub-server.js (tsc, bench/tsconfig.hub.json)' };
}

function serverEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(settings.poolSize) };
}

async function startHub(launcher: HubLauncher, databaseUrl: string): Promise<Child> {
  const hub = await Child.start('hub', launcher.entry, {
    execArgv: launcher.execArgv,
    env: { ...serverEnv(databaseUrl), DEMO_DATA: 'false', LOG_LEVEL: 'warn' },
    cwd: REPO_ROOT,
  });
  children.push(hub);
  return hub;
}

async function startPostGraphile(databaseUrl: string): Promise<Child> {
  const postgraphile = await Child.start('postgraphile', path.join(BENCH_DIR, 'postgraphile', 'server.mjs'), {
    env: {
      ...serverEnv(databaseUrl),
      NODE_OPTIONS: `--require ${path.join(BENCH_DIR, 'postgraphile', 'polyfill.cjs')}`,
      BENCH_PEERS_DIR: PEERS_DIR,
    },
    cwd: REPO_ROOT,
    timeoutMs: 120_000,
  });
  children.push(postgraphile);
  return postgraphile;
}

/** The machine is shared: one-minute load averages over the run say how quiet it was. */
function sampleLoad(): { stop(): { start: number; mean: number; max: number } } {
  const samples = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0]);
      const r = (x: number) => Math.round(x * 100) / 100;
      return { start: r(samples[0]), mean: r(samples.reduce((a, b) => a + b, 0) / samples.length), max: r(Math.max(...samples)) };
    },
  };
}

// ------------------------------------------------------------------ HTTP

interface Response {
  status: number;
  text: string;
  json: any;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** One real request, checked: HTTP 200, no GraphQL errors, the data the operation is for. */
async function checkedRequest(what: string, url: string, side: SideRequest, n: number, headers: Record<string, string>): Promise<Response> {
  const res = await post(url, JSON.stringify({ query: side.query, variables: side.variables(n) }), headers);
  try {
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    if (res.json?.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.json.errors).slice(0, 500)}`);
    side.check(res.json?.data);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}\n${res.text.slice(0, 1000)}`);
  }
  return res;
}

function toRun(r: AutocannonResult, cpu: HttpRun['cpu']): HttpRun {
  return {
    cpu,
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    averageMs: r.latency.average,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    timeouts: r.timeouts,
  };
}

const describeRun = (r: HttpRun) =>
  `${r.rps.toFixed(1)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms; CPU per request: server ${r.cpu.serverMsPerRequest.toFixed(2)} ms, ` +
  `PostgreSQL ${r.cpu.postgresMsPerRequest.toFixed(2)} ms; other work ${Math.round(r.cpu.otherShare * 100)} % of the cores`;

/**
 * One autocannon run against one server: `fixed` sends the same body every time (reads), else
 * each request takes the next variables (writes spread over several targets). Fails on any error.
 */
async function loadRun(
  what: string,
  url: string,
  headers: Record<string, string>,
  request: SideRequest,
  pid: number,
  database: string,
  seconds: number,
  next: () => number,
  fixed: boolean,
): Promise<HttpRun> {
  const cpuBefore = sampleCpu(pid, database);
  const fixedBody = fixed ? JSON.stringify({ query: request.query, variables: request.variables(0) }) : undefined;
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: seconds,
    method: 'POST',
    headers,
    ...(fixedBody
      ? { body: fixedBody }
      : {
          requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: request.query, variables: request.variables(next()) }) }) }],
        }),
    verifyBody: (body) => !body.includes('"errors"'),
  });
  const cpu = cpuUse(cpuBefore, sampleCpu(pid, database), result.requests.total, os.cpus().length);
  // Requests autocannon gave up on at the end may still be running: let them finish before the next run.
  await sleep(1_000);
  const run = toRun(result, cpu);
  if (run.errors || run.non2xx || run.mismatches || run.timeouts) {
    throw new Error(`${what}: ${run.errors} errors, ${run.non2xx} non-2xx, ${run.mismatches} responses with GraphQL errors, ${run.timeouts} timeouts`);
  }
  return run;
}

async function measureHttp(op: Operation, hub: Child, postgraphile: Child, token: string, database: string): Promise<HttpRecord> {
  const pgUrl: string = postgraphile.info.url;
  const hubHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const pgHeaders = { 'content-type': 'application/json' };
  let counter = 0;

  // Statements of the second request: the first also brings the session into the instance's
  // session cache, which every later request of the run finds there.
  await checkedRequest(`hub ${op.name}`, hub.info.url, op.hub, counter++, hubHeaders);
  // Traced with the response cache emptied first: the statements of running the operation.
  await hub.call('responseCache', { on: true });
  const traceId = `${op.name}-${Date.now()}`;
  const hubCheck = await checkedRequest(`hub ${op.name}`, hub.info.url, op.hub, counter++, { ...hubHeaders, 'x-bench-trace': traceId });
  const statements = await hub.call<string[]>('statements', { id: traceId });
  const reads = op.name !== 'createPost';
  // ...and, for reads, of answering it again from the cache (the query budget's charge).
  let cachedStatements: string[] | undefined;
  if (reads) {
    const hitId = `${op.name}-hit-${Date.now()}`;
    await checkedRequest(`hub ${op.name} (cached)`, hub.info.url, op.hub, counter++, { ...hubHeaders, 'x-bench-trace': hitId });
    cachedStatements = await hub.call<string[]>('statements', { id: hitId });
  }
  const pgCheck = await checkedRequest(`PostGraphile ${op.name}`, pgUrl, op.postgraphile, counter++, pgHeaders);
  log(`${op.name}: both sides answer correctly (hub ${hubCheck.text.length} B in ${statements.length} SQL statements, PostGraphile ${pgCheck.text.length} B)`);

  const load = async (side: 'hub' | 'hub, cache off' | 'postgraphile', seconds: number): Promise<HttpRun> => {
    if (side === 'postgraphile') return loadRun(`PostGraphile ${op.name}`, pgUrl, pgHeaders, op.postgraphile, postgraphile.proc.pid!, database, seconds, () => counter++, reads);
    await hub.call('responseCache', { on: side === 'hub' });
    await hub.call('resetBudget');
    return loadRun(`${side} ${op.name}`, hub.info.url, hubHeaders, op.hub, hub.proc.pid!, database, seconds, () => counter++, reads);
  };

  // Reads run twice on the hub: as configured by default (the same request again and again is
  // answered from the response cache after the first, nothing being written meanwhile), and with
  // the cache off, every request executed, which is what a read costs after any write.
  const hubSides = reads ? (['hub', 'hub, cache off'] as const) : (['hub'] as const);
  for (const side of hubSides) await load(side, settings.warmupSeconds);
  await load('postgraphile', settings.warmupSeconds);
  const hubRuns: HttpRun[] = [];
  const uncachedRuns: HttpRun[] = [];
  const postgraphileRuns: HttpRun[] = [];
  for (let i = 0; i < settings.runsPerSide; i++) {
    hubRuns.push(await load('hub', settings.durationSeconds));
    log(`${op.name} hub run ${i + 1}: ${describeRun(hubRuns[i])}`);
    if (reads) {
      uncachedRuns.push(await load('hub, cache off', settings.durationSeconds));
      log(`${op.name} hub run ${i + 1}, response cache off: ${describeRun(uncachedRuns[i])}`);
    }
    postgraphileRuns.push(await load('postgraphile', settings.durationSeconds));
    log(`${op.name} PostGraphile run ${i + 1}: ${describeRun(postgraphileRuns[i])}`);
  }
  await hub.call('responseCache', { on: true });
  // Still answering correctly after the load (createPost has changed the data meanwhile).
  await checkedRequest(`hub ${op.name} after the runs`, hub.info.url, op.hub, counter++, hubHeaders);
  await checkedRequest(`PostGraphile ${op.name} after the runs`, pgUrl, op.postgraphile, counter++, pgHeaders);

  const best = (runs: HttpRun[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const record: HttpRecord = {
    operation: op.name,
    description: op.description,
    hubRuns,
    postgraphileRuns,
    hub: best(hubRuns),
    postgraphile: best(postgraphileRuns),
    ratio: best(hubRuns).rps / best(postgraphileRuns).rps,
    ...(reads
      ? { uncachedRuns, uncached: best(uncachedRuns), uncachedRatio: best(uncachedRuns).rps / best(postgraphileRuns).rps, cachedStatements }
      : {}),
    sqlStatements: statements.length,
    statements,
    hubResponseBytes: Buffer.byteLength(hubCheck.text),
    postgraphileResponseBytes: Buffer.byteLength(pgCheck.text),
  };

  if (flags.profile) {
    const file = path.join(PROFILE_DIR, `hub-${op.name}.cpuprofile`);
    await hub.call('profileStart');
    // A read's profile executes every request: answered from the cache there is little to see.
    await load(reads ? 'hub, cache off' : 'hub', settings.durationSeconds);
    await hub.call('profileStop', { file });
    record.profile = await summariseProfile(file);
    log(`${op.name}: profile written to ${path.relative(REPO_ROOT, file)}`);
  }
  return record;
}

// ------------------------------------------------------------------ writes that notify

/** Bytes as MiB with one decimal, for the log. */
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/**
 * createPost and createThread into a circle of 500 members at level ALL beside plain createPost,
 * on the hub alone: runs of the same length as the HTTP runs, best of `runsPerSide`.
 */
async function measureNotifications(
  hub: Child,
  token: string,
  databaseUrl: string,
  size: DatasetSize,
  plainThreads: string[],
): Promise<NotificationRecord[]> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await prepareNotifyCircle(client, size);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const count = async () => Number((await client.query('select count(*) from notifications')).rows[0].count);
    const records: NotificationRecord[] = [];
    let counter = 0;
    for (const c of notificationCases(size, plainThreads)) {
      const traceId = `notify-${records.length}-${Date.now()}`;
      // Notifications per request from one request alone: a timed run ends with requests in flight.
      const countBefore = await count();
      await checkedRequest(c.name, hub.info.url, c.request, counter++, { ...headers, 'x-bench-trace': traceId });
      const perRequest = (await count()) - countBefore;
      const statements = await hub.call<string[]>('statements', { id: traceId });
      await loadRun(c.name, hub.info.url, headers, c.request, hub.proc.pid!, database, settings.warmupSeconds, () => counter++, false);
      const runs: HttpRun[] = [];
      for (let i = 0; i < settings.runsPerSide; i++) {
        const run = await loadRun(c.name, hub.info.url, headers, c.request, hub.proc.pid!, database, settings.durationSeconds, () => counter++, false);
        runs.push(run);
        log(`${c.name} run ${i + 1}: ${describeRun(run)}`);
      }
      const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
      records.push({ name: c.name, description: c.description, runs, best, sqlStatements: statements.length, notificationsPerRequest: perRequest });
      log(`${c.name}: best ${best.rps.toFixed(1)} req/s, ${perRequest} notifications per request, ${statements.length} SQL statements`);
    }
    return records;
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------ fan-out

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(50);
  }
}

interface Delivery {
  count: number;
  first: number;
  last: number;
  minBytes: number;
  maxBytes: number;
  frame: string;
  unexpectedCloses: number;
}

const WARMUP_SUBSCRIBERS = 1_000;

async function measureFanout(
  n: number,
  ctx: { launcher: HubLauncher; databaseUrl: string; client: Child; floor: Child; size: DatasetSize; viewerToken: string },
): Promise<FanoutRecord> {
  const { client, floor, size, viewerToken } = ctx;
  // A fresh hub per size: its RSS before the sockets is not inflated by earlier phases.
  const hub = await startHub(ctx.launcher, ctx.databaseUrl);
  const tokens = Array.from({ length: Math.min(n, size.users) }, (_, u) => benchToken(u));
  const fanoutCircle = toGlobalId('Circle', circleId(BENCH.fanoutCircle));
  const thread = toGlobalId('Thread', threadId(circleThreads(size, BENCH.fanoutCircle, 1)[0]));
  const mutation = JSON.stringify({
    query: 'mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
    variables: { input: { threadId: thread, body: 'Kabar baru untuk semua anggota lingkar. (benchmark)' } },
  });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${viewerToken}` };

  const subscribe = (count: number, hold = false) =>
    client.call<{ ms: number }>('connect', {
      url: hub.info.wsUrl,
      n: count,
      mode: 'graphql',
      tokens,
      query: FANOUT_SUBSCRIPTION,
      variables: { circleId: fanoutCircle },
      hold,
    });
  const subscribed = (count: number) => until(`${count} subscribers on the hub`, async () => (await hub.call<number>('subscribers')) === count, 180_000);

  // Memory per idle subscriber is the marginal cost on a hub that already holds subscribers.
  // The first burst of connections grows the process once, by 9-15 MB outside the V8 heap
  // whether 5,000 or 10,000 sockets follow: counted against the subscribers, it made the
  // figure depend on N. The warm-up sockets stay open while N more are measured, so the N do
  // not fill memory the warm-up freed either; they close before the rounds (see bench/notes.md).
  await subscribe(WARMUP_SUBSCRIBERS, true);
  await subscribed(WARMUP_SUBSCRIBERS);
  const memoryBefore = await hub.call<MemorySample>('memory');
  const hubConnect = await subscribe(n);
  await subscribed(WARMUP_SUBSCRIBERS + n);
  await sleep(1_000);
  const memoryAfter = await hub.call<MemorySample>('memory');
  await client.call('release');
  await subscribed(n);
  log(
    `fan-out ${n}: subscribed in ${(hubConnect.ms / 1000).toFixed(1)} s; ` +
      `RSS ${mib(memoryBefore.rss)} -> ${mib(memoryAfter.rss)} MiB ` +
      // Where the growth is: V8's heap as reserved and as used, and memory outside it.
      `(heap total +${mib(memoryAfter.heapTotal - memoryBefore.heapTotal)}, used +${mib(memoryAfter.heapUsed - memoryBefore.heapUsed)}, ` +
      `external +${mib(memoryAfter.external - memoryBefore.external)}, array buffers +${mib(memoryAfter.arrayBuffers - memoryBefore.arrayBuffers)} MiB; ` +
      `resident in malloc's main heap +${mib((memoryAfter.mallocHeap ?? 0) - (memoryBefore.mallocHeap ?? 0))}, in anonymous mappings +${mib((memoryAfter.anonymous ?? 0) - (memoryBefore.anonymous ?? 0))} MiB)`,
  );

  const hubRound = async () => {
    await client.call('arm', { expect: n });
    const cpuBefore = await hub.call<number>('cpu');
    const res = await post(hub.info.url, mutation, headers);
    const responseAt = now();
    if (res.status !== 200 || res.json?.errors || !res.json?.data?.createPost?.post?.id) {
      throw new Error(`fan-out createPost failed: ${res.text.slice(0, 500)}`);
    }
    const commitAt = await hub.call<number>('lastCommitAt');
    const d = await client.call<Delivery>('wait', { timeoutMs: 120_000 });
    const cpuMs = (await hub.call<number>('cpu')) - cpuBefore;
    const frame = JSON.parse(d.frame);
    if (frame.type !== 'next' || frame.payload?.errors || frame.payload?.data?.circleActivity?.kind !== 'POST_CREATED') {
      throw new Error(`unexpected delivery: ${d.frame.slice(0, 500)}`);
    }
    if (d.unexpectedCloses) throw new Error(`${d.unexpectedCloses} hub sockets closed during the round`);
    return { commitAt, responseAt, d, cpuMs };
  };

  for (let i = 0; i < settings.fanoutWarmupRounds; i++) {
    await hubRound();
    await sleep(300);
  }
  const executionsBefore = await hub.call<number>('executions');
  const hubRounds: { lastMs: number; firstMs: number; fromResponseMs: number; cpuMs: number }[] = [];
  let frame = '';
  for (let i = 0; i < settings.fanoutRounds; i++) {
    const { commitAt, responseAt, d, cpuMs } = await hubRound();
    frame = d.frame;
    hubRounds.push({ lastMs: d.last - commitAt, firstMs: d.first - commitAt, fromResponseMs: d.last - responseAt, cpuMs });
    await sleep(300);
  }
  const executionsPerEvent = ((await hub.call<number>('executions')) - executionsBefore) / settings.fanoutRounds;

  let profile: FanoutRecord['profile'];
  if (flags.profile) {
    const file = path.join(PROFILE_DIR, `hub-fanout-${n}.cpuprofile`);
    await hub.call('profileStart');
    await hubRound();
    await hub.call('profileStop', { file });
    profile = await summariseProfile(file);
  }

  await client.call('close');
  await until('the hub to drop its subscribers', async () => (await hub.call<number>('subscribers')) === 0, 60_000);
  await hub.stop();

  // Floor: the same client process, N plain sockets, the hub's frame byte for byte.
  const floorConnect = await client.call<{ ms: number }>('connect', { url: floor.info.url, n, mode: 'raw' });
  await until(`${n} sockets on the floor server`, async () => (await floor.call<number>('clients')) === n, 120_000);
  await sleep(500);
  const floorRound = async () => {
    await client.call('arm', { expect: n });
    const cpuBefore = await floor.call<number>('cpu');
    const b = await floor.call<{ startedAt: number; sentAt: number }>('broadcast', { frame });
    const d = await client.call<Delivery>('wait', { timeoutMs: 120_000 });
    const cpuMs = (await floor.call<number>('cpu')) - cpuBefore;
    if (d.frame !== frame) throw new Error('the floor delivered another frame than it was given');
    await sleep(300);
    return { lastMs: d.last - b.startedAt, firstMs: d.first - b.startedAt, sendLoopMs: b.sentAt - b.startedAt, cpuMs };
  };
  for (let i = 0; i < settings.fanoutWarmupRounds; i++) await floorRound();
  const floorRounds: { lastMs: number; firstMs: number; sendLoopMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < settings.fanoutRounds; i++) floorRounds.push(await floorRound());
  await client.call('close');
  await until('the floor to drop its sockets', async () => (await floor.call<number>('clients')) === 0, 60_000);

  const rounds: FanoutRound[] = hubRounds.map((h, i) => ({
    hubLastMs: h.lastMs,
    hubFirstMs: h.firstMs,
    hubFromResponseMs: h.fromResponseMs,
    floorLastMs: floorRounds[i].lastMs,
    floorFirstMs: floorRounds[i].firstMs,
    floorSendLoopMs: floorRounds[i].sendLoopMs,
    hubCpuMs: h.cpuMs,
    floorCpuMs: floorRounds[i].cpuMs,
  }));
  const hubLastDeliveryMs = median(hubRounds.map((r) => r.lastMs));
  const floorMs = median(floorRounds.map((r) => r.lastMs));
  const record: FanoutRecord = {
    subscribers: n,
    hubLastDeliveryMs,
    floorMs,
    ratio: hubLastDeliveryMs / floorMs,
    bytesPerSubscriber: (memoryAfter.rss - memoryBefore.rss) / n,
    heapBytesPerSubscriber: (memoryAfter.heapUsed + memoryAfter.external - memoryBefore.heapUsed - memoryBefore.external) / n,
    frameBytes: Buffer.byteLength(frame),
    hubConnectMs: hubConnect.ms,
    floorConnectMs: floorConnect.ms,
    executionsPerEvent,
    rounds,
    memoryBefore,
    memoryAfter,
    profile,
  };
  log(
    `fan-out ${n}: hub ${hubLastDeliveryMs.toFixed(1)} ms, floor ${floorMs.toFixed(1)} ms (${record.ratio.toFixed(2)}x), ` +
      `${Math.round(record.bytesPerSubscriber)} B RSS per idle subscriber, frame ${record.frameBytes} B`,
  );
  return record;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  log(
    `${quick ? 'quick' : 'full'} benchmark: data set x${settings.scale}, ${settings.connections} connections, ` +
      `${settings.durationSeconds} s runs, subscribers ${settings.subscribers.join(', ')}`,
  );
  ensurePeers(log);
  if (flags.profile) await mkdir(PROFILE_DIR, { recursive: true });
  const launcher = prepareHub();

  let defaultPath: DefaultPathRecord | undefined;
  if (!only || only === 'startup') {
    // First, on a quiet machine: nothing else of the benchmark runs yet.
    defaultPath = await measureDefaultPath({
      restarts: quick ? 3 : 5,
      feed: { query: operations(DEMO_TARGETS)[0].hub.query, slug: DEMO_CIRCLE, email: DEMO_COORDINATOR_EMAIL, password: DEMO_PASSWORD },
      durationSeconds: settings.durationSeconds,
      connections: settings.connections,
      log,
    });
    if (only === 'startup') {
      const record = { startedAt: new Date(runStarted).toISOString(), durationMs: Date.now() - runStarted, defaultPath };
      writeFileSync(path.join(WORK_DIR, 'results.partial.json'), JSON.stringify(record, null, 2) + '\n');
      log('wrote bench/.work/results.partial.json');
      return;
    }
  }

  const databaseUrl = await createBenchDatabase();
  const size = datasetSize(settings.scale);
  const dataset = await loadData(databaseUrl, size);
  const machineInfo = await machine(databaseUrl);
  const load = sampleLoad();

  const hub = await startHub(launcher, databaseUrl);
  // The HTTP viewer signs in through the API, as a client would.
  const signIn = await post(
    hub.info.url,
    JSON.stringify({
      query: 'mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { token } }',
      variables: { email: userEmail(BENCH.viewerUser), password: BENCH_PASSWORD },
    }),
    { 'content-type': 'application/json' },
  );
  const token: string | undefined = signIn.json?.data?.signIn?.token;
  if (!token) throw new Error(`signIn failed: ${signIn.text.slice(0, 500)}`);

  const http: HttpRecord[] = [];
  const ops = operations({
    feedCircleSlug: `circle-${BENCH.feedCircle}`,
    pageThreadGlobalId: toGlobalId('Thread', threadId(BENCH.pageThread)),
    pageThreadUuid: threadId(BENCH.pageThread),
    postThreadGlobalIds: circleThreads(size, BENCH.feedCircle, 50).map((t) => toGlobalId('Thread', threadId(t))),
    postThreadUuids: circleThreads(size, BENCH.feedCircle, 50).map(threadId),
    viewerUuid: userId(BENCH.viewerUser),
  });
  if (!only || only === 'http') {
    const postgraphile = await startPostGraphile(databaseUrl);
    log(`hub at ${hub.info.url}, PostGraphile at ${postgraphile.info.url}`);
    for (const op of ops) http.push(await measureHttp(op, hub, postgraphile, token, new URL(databaseUrl).pathname.slice(1)));
    await postgraphile.stop();
  }

  // The weak link, search and the report measure what one request costs to run: each request
  // executes, as the first after a write does, not the response cache's copy of the one before.
  await hub.call('responseCache', { on: false });
  const weakLink: WeakLinkRecord[] = [];
  if (!only || only === 'weaklink') {
    const feed = ops.find((o) => o.name === 'circleFeed')!;
    weakLink.push(
      ...(await measureWeakLinks({
        hubUrl: hub.info.url,
        token,
        operation: feed.name,
        query: feed.hub.query,
        variables: feed.hub.variables(0),
        repeats: quick ? 1 : 3,
        log,
      })),
    );
  }
  let search: SearchRecord | undefined;
  if (!only || only === 'search') {
    search = await measureSearch({
      url: hub.info.url,
      token,
      databaseUrl,
      viewerUuid: userId(BENCH.viewerUser),
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      log,
    });
  }

  let programReport: ProgramReportRecord | undefined;
  if (!only || only === 'report') {
    programReport = await measureProgramReport({ url: hub.info.url, requests: quick ? 10 : 30, log });
  }
  await hub.call('responseCache', { on: true });

  const notifications: NotificationRecord[] = [];
  if (!only || only === 'notifications') {
    const plainThreads = circleThreads(size, BENCH.feedCircle, 50).map((t) => toGlobalId('Thread', threadId(t)));
    notifications.push(...(await measureNotifications(hub, token, databaseUrl, size, plainThreads)));
  }
  await hub.stop();

  const fanout: FanoutRecord[] = [];
  if (!only || only === 'fanout') {
    const client = await Child.start('fanout-client', path.join(BENCH_DIR, 'fanout-client.ts'), { execArgv: tsx, cwd: REPO_ROOT });
    children.push(client);
    const floor = await Child.start('floor', path.join(BENCH_DIR, 'floor-server.ts'), { execArgv: tsx, cwd: REPO_ROOT });
    children.push(floor);
    for (const n of [...settings.subscribers].sort((a, b) => a - b)) {
      fanout.push(await measureFanout(n, { launcher, databaseUrl, client, floor, size, viewerToken: token }));
    }
  }
  const loadAverage = load.stop();

  await cleanUp();

  const run: RunRecord = {
    mode: quick ? 'quick' : 'full',
    scale: settings.scale,
    startedAt: new Date(runStarted).toISOString(),
    durationMs: Date.now() - runStarted,
    machine: { ...machineInfo, loadAverage },
    hubProcess: launcher.how,
    dataset,
    settings: {
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      runsPerSide: settings.runsPerSide,
      fanoutRounds: settings.fanoutRounds,
      fanoutWarmupRounds: settings.fanoutWarmupRounds,
      poolSize: settings.poolSize,
      peers: { ...PEERS },
    },
    http,
    fanout,
    weakLink,
    defaultPath,
    notifications,
    search,
    programReport,
  };
  const partial = Boolean(only);
  writeFileSync(path.join(WORK_DIR, partial ? 'last-run.partial.json' : quick ? 'last-run.quick.json' : 'last-run.json'), JSON.stringify(run, null, 2) + '\n');
  const files = reportFiles(partial, quick);
  writeReports(run, files);
  console.log(JSON.stringify(resultsJson(run), null, 2));
  for (const g of goals(run)) log(`goal ${g.met ? 'met   ' : 'MISSED'} ${g.goal}: ${g.figure}`);
  log(`wrote ${path.relative(REPO_ROOT, files.results)} and ${path.relative(REPO_ROOT, files.markdown)} in ${((Date.now() - runStarted) / 60_000).toFixed(1)} minutes`);
}

/**
 * A partial run (--only) or a quick one must not overwrite the figures of a complete full run:
 * a quick run's figures go to bench/results-quick.json, its report to bench/.work.
 */
function reportFiles(partial: boolean, quickRun = false) {
  return {
    results: partial ? path.join(WORK_DIR, 'results.partial.json') : quickRun ? path.join(BENCH_DIR, 'results-quick.json') : path.join(BENCH_DIR, 'results.json'),
    markdown: partial ? path.join(WORK_DIR, 'BENCHMARKS.partial.md') : quickRun ? path.join(WORK_DIR, 'BENCHMARKS.quick.md') : path.join(REPO_ROOT, 'BENCHMARKS.md'),
    notes: path.join(BENCH_DIR, 'notes.md'),
  };
}

/** --report: BENCHMARKS.md and results.json again from the last complete run (after editing bench/notes.md). */
function reportOnly(): void {
  const file = path.join(WORK_DIR, 'last-run.json');
  if (!existsSync(file)) throw new Error('no complete run recorded in bench/.work/last-run.json yet');
  writeReports(JSON.parse(readFileSync(file, 'utf8')) as RunRecord, reportFiles(false));
  log('rewrote bench/results.json and BENCHMARKS.md from bench/.work/last-run.json');
}

(flags.report ? Promise.resolve().then(reportOnly) : main()).then(
  () => process.exit(0),
  async (err) => {
    console.error('benchmark failed:', err instanceof Error ? err.stack : err);
    await cleanUp();
    process.exit(1);
  },
);
