import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
/** Scratch space of the benchmark (gitignored): peers, compiled hub, profiles, partial results. */
export const WORK_DIR = path.join(BENCH_DIR, '.work');
/**
 * What the hub does not depend on, installed by the benchmark. A folder of its own, so that
 * nothing else under bench/.work resolves PostGraphile's copies of graphql, pg or ws.
 */
export const PEERS_DIR = path.join(WORK_DIR, 'peers');

/** Pinned: PostGraphile 5 declares Node 22 and runs on Node 20 with bench/postgraphile/polyfill.cjs. */
export const PEERS = { postgraphile: '5.1.5', autocannon: '8.0.0' } as const;

function installedVersion(name: string): string | undefined {
  const file = path.join(PEERS_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

/** Installs the pinned peers into bench/.work on first use (never into the hub's package.json). */
export function ensurePeers(log: (msg: string) => void): void {
  const missing = Object.entries(PEERS).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) return;
  mkdirSync(PEERS_DIR, { recursive: true });
  const pkg = path.join(PEERS_DIR, 'package.json');
  if (!existsSync(pkg)) {
    writeFileSync(pkg, JSON.stringify({ name: 'hub-bench-peers', private: true, description: 'Installed by bench/run.ts' }, null, 2) + '\n');
  }
  const specs = Object.entries(PEERS).map(([name, version]) => `${name}@${version}`);
  log(`installing ${specs.join(', ')} into bench/.work/peers (first run only)`);
  const res = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    stdio: 'inherit',
    cwd: PEERS_DIR,
  });
  if (res.status !== 0) throw new Error(`npm install of ${specs.join(', ')} failed (exit ${res.status})`);
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body?: string;
  requests?: { setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
  verifyBody?: (body: string) => boolean;
}

type AutocannonFn = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

export function autocannon(opts: AutocannonOptions): Promise<AutocannonResult> {
  const run = createRequire(path.join(PEERS_DIR, 'package.json'))('autocannon') as AutocannonFn;
  return new Promise((resolve, reject) => run(opts, (err, result) => (err ? reject(err) : resolve(result))));
}
