/**
 * How long sessions live and how hard the hub pushes back on abuse. Defaults are production
 * values (see the README's table); tests lower limits through `buildApp({ security })`.
 */
export interface SecurityPolicy {
  session: {
    /** A session unused this long is expired. */
    idleMs: number;
    /** A session this old is expired however much it is used. */
    maxAgeMs: number;
    /** `lastUsedAt` moves forward at most this often, so a busy client costs no write per request. */
    touchEveryMs: number;
    /** How often each instance rechecks the sessions behind its open sockets (expiry, missed notices). */
    sweepMs: number;
  };
  /** Express's 'trust proxy': false (use the socket's address), a hop count, or addresses/subnets. */
  trustProxy: boolean | number | string;
  hashing: {
    /** Password hashes computed at once (each argon2id hash holds 19 MiB while it runs). */
    concurrency: number;
    /** Hashes waiting for a slot; beyond this a sign-in is refused with RATE_LIMITED. */
    queue: number;
  };
  limits: {
    /** Failed sign-ins to one account before each further failure blocks it, for a doubling time. */
    signInAccount: GrowingBlock;
    /** The same per client address: looser, since many people may share one address (a training's Wi-Fi). */
    signInAddress: GrowingBlock;
    /** Sign-ups from one client address per hour. */
    signUpPerAddressPerHour: number;
    /** WebSockets one user may hold open, on all instances together. */
    socketsPerUser: number;
    /**
     * How long an instance's claim on an open socket's place lasts unless renewed (every third of
     * it): after a crash, that instance's sockets stop counting against their users within this.
     */
    socketLeaseSeconds: number;
    /**
     * Query cost (shared/limits.ts `queryCost`, the unit of the per-document cost limit) one
     * signed-in user may spend per hour over HTTP and WebSocket together, on all instances: GitHub's
     * points per hour, in this hub's own unit.
     */
    queryCostPerHour: number;
  };
}

export interface GrowingBlock {
  /** Consecutive failures allowed before blocking starts. */
  freeFailures: number;
  /** The first block; each further failure doubles it. */
  firstBlockSeconds: number;
  /** Blocks grow no longer than this. */
  maxBlockSeconds: number;
  /** Failures are forgotten this long after the first of a run (a success forgets them at once). */
  windowSeconds: number;
}

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_POLICY: SecurityPolicy = {
  session: { idleMs: 30 * DAY, maxAgeMs: 90 * DAY, touchEveryMs: 60_000, sweepMs: 30_000 },
  trustProxy: false,
  hashing: { concurrency: 2, queue: 32 },
  limits: {
    signInAccount: { freeFailures: 5, firstBlockSeconds: 1, maxBlockSeconds: 15 * 60, windowSeconds: 24 * 60 * 60 },
    signInAddress: { freeFailures: 50, firstBlockSeconds: 1, maxBlockSeconds: 60 * 60, windowSeconds: 24 * 60 * 60 },
    signUpPerAddressPerHour: 50,
    socketsPerUser: 20,
    socketLeaseSeconds: 60,
    // 100 documents at the per-document cost limit (30,000), or the README's circle feed (about
    // 6,250) every 7.5 seconds for the whole hour, or some 300,000 small mutations (about 10 each).
    queryCostPerHour: 3_000_000,
  },
};

export type PolicyOverrides = {
  [K in keyof SecurityPolicy]?: SecurityPolicy[K] extends object ? { [L in keyof SecurityPolicy[K]]?: SecurityPolicy[K][L] } : SecurityPolicy[K];
};

export function policyWith(overrides: PolicyOverrides = {}): SecurityPolicy {
  return {
    session: { ...DEFAULT_POLICY.session, ...overrides.session },
    trustProxy: overrides.trustProxy ?? DEFAULT_POLICY.trustProxy,
    hashing: { ...DEFAULT_POLICY.hashing, ...overrides.hashing },
    limits: { ...DEFAULT_POLICY.limits, ...overrides.limits },
  };
}

/** Seconds of block after `failures` consecutive failures (0 while still free). */
export function blockSeconds(rule: GrowingBlock, failures: number): number {
  const over = failures - rule.freeFailures;
  if (over <= 0) return 0;
  return Math.min(rule.maxBlockSeconds, rule.firstBlockSeconds * 2 ** Math.min(over - 1, 30));
}
