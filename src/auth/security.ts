import { eq, lt, sql } from 'drizzle-orm';
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { rateLimits } from '../db/schema.js';
import { RateLimitedError } from '../errors.js';
import { PasswordHasher } from './passwords.js';
import { blockSeconds, type GrowingBlock, type SecurityPolicy } from './policy.js';

/**
 * Consecutive failures per key, and a block that doubles with each failure past the free ones.
 * State lives in the `rate_limits` table, so every instance on the database sees the same counts.
 */
class GrowingBlockLimiter {
  private readonly failures: RateLimiterDrizzle;
  private readonly blocks: RateLimiterDrizzle;

  constructor(
    db: Db,
    name: string,
    private readonly rule: GrowingBlock,
  ) {
    const store = { storeClient: db, schema: rateLimits, clearExpiredByTimeout: false };
    // Points beyond any real count: this limiter only counts; `blocks` refuses.
    this.failures = new RateLimiterDrizzle({ ...store, keyPrefix: `${name}:failures`, points: 2 ** 30, duration: rule.windowSeconds });
    this.blocks = new RateLimiterDrizzle({ ...store, keyPrefix: `${name}:block`, points: 1, duration: 1 });
  }

  /** Seconds until `key` may try again; 0 when it may now. */
  async blockedFor(key: string): Promise<number> {
    const res = await this.blocks.get(key);
    return res && res.consumedPoints > 1 && res.msBeforeNext > 0 ? res.msBeforeNext / 1000 : 0;
  }

  /** Counts a failure; returns the block it starts (0 while failures are still free). */
  async fail(key: string): Promise<number> {
    const res = await this.failures.penalty(key, 1);
    const seconds = blockSeconds(this.rule, res.consumedPoints);
    if (seconds > 0) await this.blocks.block(key, seconds);
    return seconds;
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.failures.delete(key), this.blocks.delete(key)]);
  }
}

/** What is left of a user's hourly query budget after an operation was charged to it. */
export interface QueryBudget {
  limit: number;
  used: number;
  remaining: number;
  /** When the hour's window ends and the budget is whole again. */
  resetAt: Date;
}

const HOUR_SECONDS = 60 * 60;

/** The hub's defences against guessing and floods, one per app, shared by HTTP and WebSocket. */
/** See Security.moving. */
interface Moving {
  writes: Set<Promise<unknown>>;
  started: number;
  readers: number;
}

export class Security {
  readonly hasher: PasswordHasher;
  private readonly signInAccount: GrowingBlockLimiter;
  private readonly signInAddress: GrowingBlockLimiter;
  private readonly signUps: RateLimiterDrizzle;
  private readonly queryCost: RateLimiterAbstract;
  /** Query budget points charged on this instance and not yet written to the store, by user. */
  private readonly pending = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  /**
   * Per user whose points are on their way from `pending` to the store, or whose count is being
   * read: those writes, how many were started, and the reads under way (see storedCount).
   */
  private readonly moving = new Map<string, Moving>();

  constructor(
    private readonly db: Db,
    readonly policy: SecurityPolicy,
    /** Told of every refusal, by limit name (the rate-limit refusal metric). */
    private readonly onRefused: (limit: string) => void = () => {},
    /**
     * Where the hourly query budget is kept. `database` (PostgreSQL) shares it among instances;
     * `memory` suits PGlite, where this process is the only one, and spares a write per request.
     */
    queryBudgetStore: 'database' | 'memory' = 'database',
    /**
     * With the database store, an operation the budget covers reads the user's count (a lookup,
     * no write) and adds its cost to what this instance has yet to write; those points are
     * written together at most this many ms later, instead of a write and a commit per request.
     * An operation the count would not cover, or the first of a window, is written at once and
     * the store decides. Every instance sees every other's spend but for their last few ms of
     * unwritten points; 0 writes every charge at once.
     */
    private readonly queryBudgetBatchMs = queryBudgetStore === 'database' ? 100 : 0,
  ) {
    this.hasher = new PasswordHasher(policy.hashing.concurrency, policy.hashing.queue);
    this.signInAccount = new GrowingBlockLimiter(db, 'sign-in:account', policy.limits.signInAccount);
    this.signInAddress = new GrowingBlockLimiter(db, 'sign-in:address', policy.limits.signInAddress);
    this.signUps = new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimits,
      clearExpiredByTimeout: false,
      keyPrefix: 'sign-up:address',
      points: policy.limits.signUpPerAddressPerHour,
      duration: 60 * 60,
    });
    const perHour = policy.limits.queryCostPerHour;
    const inMemory = new RateLimiterMemory({ keyPrefix: 'query-cost', points: perHour, duration: HOUR_SECONDS });
    this.queryCost =
      queryBudgetStore === 'memory'
        ? inMemory
        : new RateLimiterDrizzle({
            storeClient: db,
            schema: rateLimits,
            clearExpiredByTimeout: false,
            keyPrefix: 'query-cost',
            points: perHour,
            duration: HOUR_SECONDS,
            // Once this instance has seen the budget spent, it refuses until the window ends
            // without asking the database again: a client hammering while refused costs no writes.
            inMemoryBlockOnConsumed: perHour,
            // While the database is away the operation itself fails with SERVICE_UNAVAILABLE; the
            // budget is counted in memory meanwhile rather than failing it a different way first.
            insuranceLimiter: inMemory,
          });
  }

  /**
   * Charges an operation's cost to the user's budget for the hour, or refuses it with
   * RATE_LIMITED (retryAfter: until the hour's window ends) when the budget cannot cover it.
   * The hour starts with the first charged operation, as GitHub's does.
   */
  async chargeQueryCost(userId: string, cost: number): Promise<QueryBudget> {
    const limit = this.policy.limits.queryCostPerHour;
    if (this.queryBudgetBatchMs > 0) {
      const stored = await this.storedCount(userId);
      const pending = this.pending.get(userId) ?? 0;
      const now = Date.now();
      if (stored?.expire && stored.expire.getTime() > now && stored.points + pending + cost <= limit) {
        this.pending.set(userId, pending + cost);
        this.scheduleFlush();
        const used = stored.points + pending + cost;
        return { limit, used, remaining: limit - used, resetAt: stored.expire };
      }
    }
    // Charges counted here go along with this one: the store sees them before it decides.
    const carried = this.pending.get(userId) ?? 0;
    this.pending.delete(userId);
    try {
      const write = this.queryCost.consume(userId, cost + carried);
      if (carried) this.moves(userId, write);
      const res = await write;
      return { limit, used: res.consumedPoints, remaining: res.remainingPoints, resetAt: new Date(Date.now() + res.msBeforeNext) };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        if (carried) this.pending.set(userId, (this.pending.get(userId) ?? 0) + carried);
        throw err;
      }
      this.onRefused('queryCostPerHour');
      throw new RateLimitedError(
        `This operation costs ${cost}, more than is left of your query budget of ${limit} per hour; retry after the hour's window ends, or ask for less (smaller pages, fewer fields).`,
        err.msBeforeNext / 1000,
        { limit: 'queryCostPerHour', max: limit, cost },
      );
    }
  }

  /**
   * The user's count in the table, once none of their points counted here are on their way to it:
   * read while a write of them was under way, it could miss them (a count too low), so such a read
   * waits for the write and reads again. Only that user's writes are waited for: a flush of other
   * users' points, or a burst of first charges, holds no one up. Undefined when unreadable (the
   * database away) or still racing after three reads: the caller then writes at once and the
   * table decides.
   */
  private async storedCount(userId: string): Promise<{ points: number; expire: Date | null } | undefined> {
    const entry = this.movingOf(userId);
    entry.readers++;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (entry.writes.size > 0) await Promise.allSettled([...entry.writes]);
        const started = entry.started;
        const [stored] = await prepared(this.db, 'queryBudget:read', (name) =>
          this.db
            .select({ points: rateLimits.points, expire: rateLimits.expire })
            .from(rateLimits)
            .where(eq(rateLimits.key, sql.placeholder('key')))
            .prepare(name),
        )
          .execute({ key: this.queryCost.getKey(userId) })
          .catch(() => [undefined]);
        if (started === entry.started) return stored;
      }
      return undefined;
    } finally {
      entry.readers--;
      this.forget(userId, entry);
    }
  }

  private movingOf(userId: string): Moving {
    let entry = this.moving.get(userId);
    if (!entry) {
      entry = { writes: new Set(), started: 0, readers: 0 };
      this.moving.set(userId, entry);
    }
    return entry;
  }

  /** Kept while a read may compare `started`: dropped once no write or read of the user is under way. */
  private forget(userId: string, entry: Moving): void {
    if (entry.writes.size === 0 && entry.readers === 0 && this.moving.get(userId) === entry) this.moving.delete(userId);
  }

  /** Tracks a write of `userId`'s points taken from `pending` until it settles (see storedCount). */
  private moves(userId: string, write: Promise<unknown>): void {
    const entry = this.movingOf(userId);
    entry.started++;
    entry.writes.add(write);
    const settled = () => {
      entry.writes.delete(write);
      this.forget(userId, entry);
    };
    void write.then(settled, settled);
  }

  /**
   * Writes the points counted here. Their operations already ran: a refusal by the store now
   * only means the budget is spent, which the next charge reads. Points the store could not take
   * (the database away) wait for the next flush.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const batch = [...this.pending];
    if (batch.length === 0) return;
    this.pending.clear();
    // Every user's points in one statement, the store's own upsert (RateLimiterDrizzle's, which
    // starts a new hour where the last one expired) for many keys: a flush is one write however
    // many users it carries, and leaves the pool to the requests.
    const now = new Date();
    const fresh = new Date(now.getTime() + HOUR_SECONDS * 1000);
    const expired = sql`${rateLimits.expire} <= ${now.toISOString()}::timestamptz`;
    // A drizzle query runs again at every `then`: made a promise once, it runs once.
    const write = Promise.resolve(this.db.execute(sql`insert into ${rateLimits} (key, points, expire)
      select k, p, ${fresh.toISOString()}::timestamptz
      from unnest(${sql.param(batch.map(([userId]) => this.queryCost.getKey(userId)))}::text[], ${sql.param(batch.map(([, points]) => points))}::int[]) as t(k, p)
      on conflict (key) do update set
        points = case when ${expired} then excluded.points else ${rateLimits.points} + excluded.points end,
        expire = case when ${expired} then excluded.expire else ${rateLimits.expire} end`));
    for (const [userId] of batch) this.moves(userId, write);
    this.flushing = write.then(
      () => {
        this.flushing = undefined;
      },
      () => {
        // The database away: the points wait here for the next flush.
        for (const [userId, points] of batch) this.pending.set(userId, (this.pending.get(userId) ?? 0) + points);
        this.flushing = undefined;
      },
    );
    await this.flushing;
    if (this.pending.size > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.closed) return;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.queryBudgetBatchMs).unref();
  }

  /** Stops the timer and writes what is counted here (on shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  /** Refuses a sign-in while the account or the client's address is blocked, before any hashing. */
  async assertMaySignIn(account: string, address: string): Promise<void> {
    const [byAccount, byAddress] = await Promise.all([this.signInAccount.blockedFor(account), this.signInAddress.blockedFor(address)]);
    const wait = Math.max(byAccount, byAddress);
    if (wait > 0) {
      this.onRefused(byAccount >= byAddress ? 'signInAccount' : 'signInAddress');
      throw new RateLimitedError(
        byAccount >= byAddress
          ? 'Too many failed sign-ins to this account; wait before trying again.'
          : 'Too many failed sign-ins from your network; wait before trying again.',
        wait,
      );
    }
  }

  /** Counts a failed sign-in; returns the seconds the next attempt must wait (0: none). */
  async signInFailed(account: string, address: string): Promise<number> {
    const [byAccount, byAddress] = await Promise.all([this.signInAccount.fail(account), this.signInAddress.fail(address)]);
    return Math.max(byAccount, byAddress);
  }

  /**
   * A success forgets the account's failures. The address's are kept: otherwise one attacker
   * could wipe them by signing in to an account of their own between guesses.
   */
  async signInSucceeded(account: string): Promise<void> {
    await this.signInAccount.reset(account);
  }

  async consumeSignUp(address: string): Promise<void> {
    try {
      await this.signUps.consume(address);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        this.onRefused('signUp');
        throw new RateLimitedError('Too many new accounts from your network this hour; try again later.', err.msBeforeNext / 1000);
      }
      throw err;
    }
  }

  /** Drops limiter rows that expired over an hour ago (rate-limiter-flexible's own timer would outlive the app). */
  async sweep(): Promise<void> {
    await this.db.delete(rateLimits).where(lt(rateLimits.expire, new Date(Date.now() - 60 * 60 * 1000)));
  }
}
