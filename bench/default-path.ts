/**
 * The README's default path, measured as a new user meets it: `npm start` (scripts/start.mjs) on
 * the embedded PGlite with the demo data. Two figures:
 * - a warm restart (the data folder exists and is migrated and seeded) to the first answer, in
 *   wall time and in CPU time of the process (the CPU time is what a loaded machine cannot
 *   inflate), with the RSS at that moment and the hub's own account of where the time went;
 * - circleFeed on it under the same load as the PostgreSQL runs, as a row of its own (there is
 *   no PostGraphile on PGlite to set beside it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { autocannon, REPO_ROOT } from './peers.js';

export interface StartupRun {
  /** From spawn to the first answered GraphQL request. */
  wallMs: number;
  /** CPU time of the process (user + system) by then. */
  cpuMs: number;
  rssMiB: number;
  /** The hub's 'hub listening' log line: where its start went, by phase. */
  phases: Record<string, number>;
}

export interface DefaultPathRecord {
  command: string;
  coldStart: StartupRun;
  warmRestarts: StartupRun[];
  warmRestart: StartupRun;
  circleFeed?: { rps: number; p50Ms: number; p99Ms: number; requests: number; responseBytes: number };
}

const CLK_TCK = 100;

/** utime + stime of a process and its reaped children, from /proc (Linux). */
async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
  return ((utime + stime + cutime + cstime) * 1000) / CLK_TCK;
}

interface Started {
  child: ChildProcess;
  url: string;
  run: StartupRun;
}

async function startOnce(dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', 'scripts/start.mjs'], {
    cwd: REPO_ROOT,
    // One account sending thousands of feeds a minute is what the hourly query budget refuses:
    // opened wide here, as bench/hub-server.ts does, since this measures speed, not the budget.
    env: {
      ...process.env,
      NODE_ENV: '',
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      QUERY_COST_PER_HOUR: '1000000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const listening = await new Promise<{ url: string; line: any }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 300 s:\n${log}`)), 300_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const line = log.split('\n').find((l) => l.includes('hub listening on'));
      if (!line) return;
      clearTimeout(timer);
      const url = /(http:\/\/[^"\s]+)/.exec(line)![1];
      let parsed: any = {};
      try {
        parsed = JSON.parse(line);
      } catch {
        // a log format without JSON: no phases then
      }
      resolve({ url, line: parsed });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${log}`)));
  });
  // Listening is not answering: the first request pays for what is still lazy.
  const res = await fetch(listening.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  if (res.status !== 200) throw new Error(`first request: HTTP ${res.status}`);
  await res.text();
  const wallMs = performance.now() - t0;
  const cpuMs = await cpuMsOf(child.pid!);
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  return { child, url: listening.url, run: { wallMs, cpuMs, rssMiB, phases: listening.line.phases ?? {} } };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function measureDefaultPath(opts: {
  restarts: number;
  feed: { query: string; slug: string; email: string; password: string } | undefined;
  durationSeconds: number;
  connections: number;
  log: (msg: string) => void;
}): Promise<DefaultPathRecord> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-pglite-'));
  try {
    const cold = await startOnce(dataDir);
    opts.log(`npm start, empty folder: first answer after ${Math.round(cold.run.wallMs)} ms (${Math.round(cold.run.cpuMs)} ms CPU), RSS ${Math.round(cold.run.rssMiB)} MiB`);
    await stop(cold.child);
    const warm: StartupRun[] = [];
    let last: Started | undefined;
    for (let i = 0; i < opts.restarts; i++) {
      last = await startOnce(dataDir);
      warm.push(last.run);
      opts.log(
        `npm start, warm restart ${i + 1}: first answer after ${Math.round(last.run.wallMs)} ms (${Math.round(last.run.cpuMs)} ms CPU), ` +
          `RSS ${Math.round(last.run.rssMiB)} MiB; phases ${JSON.stringify(last.run.phases)}`,
      );
      if (i < opts.restarts - 1) await stop(last.child);
    }
    const byWall = [...warm].sort((a, b) => a.wallMs - b.wallMs);
    const record: DefaultPathRecord = {
      command: 'npm start (node scripts/start.mjs) on PGlite in a data folder, demo data',
      coldStart: cold.run,
      warmRestarts: warm,
      warmRestart: byWall[Math.floor((byWall.length - 1) / 2)],
    };
    if (opts.feed && last) {
      const signIn = await fetch(last.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { token } }',
          variables: { email: opts.feed.email, password: opts.feed.password },
        }),
      }).then((r) => r.json() as Promise<any>);
      const token = signIn.data?.signIn?.token;
      if (!token) throw new Error(`demo sign-in failed: ${JSON.stringify(signIn)}`);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const body = JSON.stringify({ query: opts.feed.query, variables: { slug: opts.feed.slug } });
      const check = await fetch(last.url, { method: 'POST', headers, body }).then((r) => r.text());
      if (check.includes('"errors"') || !JSON.parse(check).data?.circle?.threads?.nodes?.length) throw new Error(`demo circleFeed: ${check.slice(0, 500)}`);
      await autocannon({ url: last.url, connections: opts.connections, duration: 3, method: 'POST', headers, body });
      const r = await autocannon({
        url: last.url,
        connections: opts.connections,
        duration: opts.durationSeconds,
        method: 'POST',
        headers,
        body,
        verifyBody: (b) => !b.includes('"errors"'),
      });
      if (r.errors || r.non2xx || r.mismatches || r.timeouts) throw new Error(`demo circleFeed under load: ${JSON.stringify(r).slice(0, 300)}`);
      record.circleFeed = { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, responseBytes: Buffer.byteLength(check) };
      opts.log(`npm start, circleFeed of the demo circle: ${r.requests.average.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
    }
    if (last) await stop(last.child);
    return record;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
