import type { UserRow } from '../db/schema.js';

/** A session as `authenticate` read it: enough to decide, without the database, that it is live. */
export interface CachedSession {
  user: UserRow;
  sessionId: string;
  createdAt: Date;
  /** When this instance last knew the session used (it moves on when this instance touches it). */
  lastUsedAt: Date;
}

/**
 * Sessions this instance has recently authenticated, by token hash, so a request does not read
 * its session and user before its first real statement.
 *
 * It may answer only "live". Everything that ends a session or changes its user announces the
 * user's id on the sessions channel after commit; every instance drops that user's entries when
 * the notice arrives (and the instance that made the change drops them at once, so its own next
 * request cannot be served from before it). While the listener is away notices are lost, so the
 * cache is not used at all, and it is emptied when the listener is back. Expiry is computed from
 * the entry: past its age or idle limit it falls back to the database, which may know of a use on
 * another instance.
 *
 * A read that raced an invalidation must not be stored: each invalidation moves `generation`,
 * and `remember` takes the generation seen before the read.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();
  private gen = 0;

  constructor(
    /** Whether invalidations can arrive now (the notifier's listener is connected). */
    private readonly listening: () => boolean,
    private readonly capacity = 20_000,
  ) {}

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(tokenHash: string): CachedSession | undefined {
    if (!this.listening()) return undefined;
    const entry = this.entries.get(tokenHash);
    if (entry) {
      // Most recently used last, so the oldest is the first to go when the cache is full.
      this.entries.delete(tokenHash);
      this.entries.set(tokenHash, entry);
    }
    return entry;
  }

  remember(tokenHash: string, entry: CachedSession, generationBeforeRead: number): void {
    if (generationBeforeRead !== this.gen || !this.listening()) return;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  /** A user's sessions ended or their profile changed. */
  dropUser(userId: string): void {
    this.gen++;
    for (const [key, entry] of this.entries) if (entry.user.id === userId) this.entries.delete(key);
  }

  /** Notices may have been lost (the listener reconnected). */
  dropAll(): void {
    this.gen++;
    this.entries.clear();
  }
}
