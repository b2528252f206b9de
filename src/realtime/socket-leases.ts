import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { liveSockets } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { flatUuid } from '../shared/ids.js';

// Any fixed number, used for nothing else; the second key is the user's.
const SOCKETS_LOCK = 7_426_003;

/**
 * The signed-in WebSockets of every instance, one row each in `live_sockets`, so that the
 * per-user limit holds across instances. A row is a lease: its instance renews the leases of
 * its open sockets every third of the lease, deletes a socket's row when it closes, and a
 * crashed instance's rows count no more once their lease runs out (and are swept later).
 */
export class SocketLeases {
  /** This process; in each row for operators asking which instance holds a user's sockets. */
  readonly instanceId = flatUuid();
  /** Open sockets' leases held here: lease id to user id. */
  private readonly held = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  /** Releases under way, which `stop` waits for before the database closes. */
  private readonly releasing = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly limit: number,
    private readonly leaseSeconds: number,
    private readonly logger: Logger,
  ) {}

  /**
   * A lease for one more socket of `userId`, or null when the user already holds `limit` live
   * ones on all instances together. The count and the insert run under a lock on the user, so
   * two instances admitting at once cannot both take the last place.
   */
  async acquire(userId: string): Promise<string | null> {
    const id = flatUuid();
    const admitted = await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SOCKETS_LOCK}, hashtext(${userId}))`);
      const [{ live }] = await tx
        .select({ live: sql<number>`count(*)::int` })
        .from(liveSockets)
        .where(and(eq(liveSockets.userId, userId), sql`${liveSockets.leaseUntil} > now()`));
      if (live >= this.limit) return false;
      await tx.insert(liveSockets).values({ id, userId, instanceId: this.instanceId, leaseUntil: this.leaseEnd() });
      return true;
    });
    if (!admitted) return null;
    this.held.set(id, userId);
    return id;
  }

  /** Gives a closed socket's place back at once; if that fails, its lease runs out unrenewed. */
  release(id: string): void {
    if (!this.held.delete(id)) return;
    const done = this.db
      .delete(liveSockets)
      .where(eq(liveSockets.id, id))
      .catch((err) => this.logger.warn('socket lease release failed; it expires unrenewed', { err: (err as Error).message }))
      .finally(() => this.releasing.delete(done));
    this.releasing.add(done);
  }

  private leaseEnd() {
    return sql`now() + make_interval(secs => ${this.leaseSeconds})`;
  }

  /**
   * Extends the leases of this instance's open sockets, writing back any row that went missing
   * (swept while the database was away longer than a lease), and sweeps long-expired rows.
   */
  async renew(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length > 0) {
      const users = ids.map((id) => this.held.get(id)!);
      await this.db.execute(sql`
        insert into ${liveSockets} (id, user_id, instance_id, lease_until)
        select id, user_id, ${this.instanceId}::uuid, ${this.leaseEnd()}
        from unnest(${sql.param(ids)}::uuid[], ${sql.param(users)}::uuid[]) as held(id, user_id)
        on conflict (id) do update set lease_until = excluded.lease_until`);
    }
    await this.db.delete(liveSockets).where(lt(liveSockets.leaseUntil, sql`now() - make_interval(secs => ${this.leaseSeconds})`));
  }

  /**
   * Starts renewing. `alone`: no other process uses this database (PGlite), so every row left is
   * of an earlier run of this one, killed before it could release them.
   */
  async start(opts: { alone: boolean }): Promise<void> {
    if (opts.alone) await this.db.delete(liveSockets);
    this.timer = setInterval(
      () => this.renew().catch((err) => this.logger.warn('socket lease renewal failed; retrying at the next', { err: (err as Error).message })),
      (this.leaseSeconds * 1000) / 3,
    );
    this.timer.unref();
  }

  /** On shutdown: this instance's sockets are closing, so their places are given back. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const ids = [...this.held.keys()];
    this.held.clear();
    if (ids.length > 0) await this.db.delete(liveSockets).where(sql`${liveSockets.id} = any(${sql.param(ids)}::uuid[])`);
    await Promise.all(this.releasing);
  }

  /** Leases held by this instance (the sockets it counts). */
  get size(): number {
    return this.held.size;
  }
}
