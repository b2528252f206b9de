import path from 'node:path';
import { DEFAULT_POLICY, type PolicyOverrides } from './auth/policy.js';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the hub runs on embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  /** NODE_ENV=production: safe defaults (no demo data unless asked for). */
  production: boolean;
  /** Load the demo data on start into an empty database: by default only outside production. */
  demoData: boolean;
  /** Origins whose pages may call the API from a browser (CORS); none by default. */
  corsOrigins: string[];
  /** Serve the GraphQL explorer to browsers at GET /graphql. */
  explorer: boolean;
  /** Read what a query selects under a row in the row's own statement (shared/prefetch.ts). */
  lookahead: boolean;
  /** Room for cached query answers, in MiB; 0 turns the response cache off (shared/response-cache.ts). */
  responseCacheMb: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Session lifetimes, proxies to trust and abuse limits (defaults in auth/policy.ts). */
  security: PolicyOverrides;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/**
 * Express's 'trust proxy': unset or false, the socket's own address; a hop count; or a
 * comma-separated list of addresses, subnets or names (loopback, linklocal, uniquelocal).
 */
function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError('TRUST_PROXY=true would let any client choose its address; give a hop count or the proxies\' addresses');
  }
  if (!/^[0-9A-Za-z.:/,\s]+$/.test(raw)) throw new ConfigError(`TRUST_PROXY must be a hop count or a list of addresses/subnets, got "${raw}"`);
  return raw;
}

/** CORS_ORIGINS: comma-separated origins (`https://app.example.org`, `http://localhost:5173`) or `*`. */
function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const origins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS takes origins like https://app.example.org (scheme, host and port, no path), or *; got "${origin}"`);
    }
  }
  return origins;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error, got "${env.LOG_LEVEL}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// connection string');
  }
  const production = env.NODE_ENV?.trim().toLowerCase() === 'production';
  return {
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    production,
    // The demo accounts' password is in the README: a production database gets them only when asked.
    demoData: bool(env, 'DEMO_DATA', !production),
    explorer: bool(env, 'EXPLORER', true),
    lookahead: bool(env, 'LOOKAHEAD', true),
    responseCacheMb: int(env, 'RESPONSE_CACHE_MB', 64, 0, 65_536),
    corsOrigins: corsOrigins(env),
    logLevel: logLevel as Config['logLevel'],
    security: {
      session: {
        idleMs: int(env, 'SESSION_IDLE_DAYS', DEFAULT_POLICY.session.idleMs / DAY_MS, 1, 3650) * DAY_MS,
        maxAgeMs: int(env, 'SESSION_MAX_DAYS', DEFAULT_POLICY.session.maxAgeMs / DAY_MS, 1, 3650) * DAY_MS,
      },
      trustProxy: trustProxy(env),
      hashing: {
        concurrency: int(env, 'PASSWORD_HASH_CONCURRENCY', DEFAULT_POLICY.hashing.concurrency, 1, 64),
        queue: int(env, 'PASSWORD_HASH_QUEUE', DEFAULT_POLICY.hashing.queue, 0, 10_000),
      },
      limits: {
        signUpPerAddressPerHour: int(env, 'SIGN_UPS_PER_ADDRESS_PER_HOUR', DEFAULT_POLICY.limits.signUpPerAddressPerHour, 1, 1_000_000),
        socketsPerUser: int(env, 'SOCKETS_PER_USER', DEFAULT_POLICY.limits.socketsPerUser, 1, 100_000),
        socketLeaseSeconds: int(env, 'SOCKET_LEASE_SECONDS', DEFAULT_POLICY.limits.socketLeaseSeconds, 3, 3600),
        // The store keeps the hour's total in a 32-bit integer; a billion leaves room for overshoot.
        queryCostPerHour: int(env, 'QUERY_COST_PER_HOUR', DEFAULT_POLICY.limits.queryCostPerHour, 1, 1_000_000_000),
      },
    },
  };
}
