import { asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { activity, type ActivityRow } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Notifier } from './notifier.js';
import { MembershipView } from './memberships.js';

const BATCH = 500;
// A safety net only: NOTIFY (or the listener's reconnect) normally wakes the feed at once.
const SWEEP_MS = 5_000;

/**
 * The one reader of the activity log in this instance. On every signal it reads the rows after
 * its cursor, once for all subscribers, and hands them on in cursor order. Because appends are
 * serialised until commit (see activity-log.ts), nothing can later appear below the cursor.
 * `memberships` is loaded here with the starting cursor; whoever receives the rows applies them
 * to it one by one, so each row is judged by the memberships of its own moment.
 */
export class ActivityFeed {
  cursor = 0n;
  readonly memberships = new MembershipView();
  private reading: Promise<void> | undefined;
  private again = false;
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly deliver: (rows: ActivityRow[]) => void,
    private readonly metrics?: Metrics,
  ) {}

  get listening(): boolean {
    return this.notifier.connected;
  }

  async start(): Promise<void> {
    // Cursor first, memberships second: membership changes in between are read again by the
    // feed and re-applied, which the view tolerates.
    const [row] = await this.db.select({ max: sql<string | null>`max(${activity.id})::text` }).from(activity);
    this.cursor = BigInt(row.max ?? 0);
    await this.memberships.load(this.db);
    await this.notifier.start(() => this.poke());
    this.sweep = setInterval(() => this.poke(), SWEEP_MS);
    this.sweep.unref();
  }

  /** Something may have been committed: read it (once, however many signals arrive meanwhile). */
  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
    });
  }

  /** Resolves when everything committed before the call has been delivered. */
  async settle(): Promise<void> {
    this.poke();
    while (this.reading) await this.reading;
  }

  private async readAll(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          const rows = await this.readAfter(this.cursor);
          if (rows.length === 0) break;
          this.cursor = rows[rows.length - 1].id;
          if (this.metrics) {
            const now = Date.now();
            for (const row of rows) this.metrics.notifierLag.observe(Math.max(0, now - row.occurredAt.getTime()) / 1000);
          }
          this.deliver(rows);
          if (rows.length < BATCH) break;
        }
      } catch (err) {
        if (this.stopped) return;
        this.logger.error('activity feed read failed; retrying on the next signal', { err });
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Every instance runs this after every write anywhere, so it is built by drizzle once and kept
   * prepared: building it cost more of the hub's CPU than running it costs PostgreSQL.
   */
  private readAfter(cursor: bigint): Promise<ActivityRow[]> {
    return prepared(this.db, 'activityAfter', (name) =>
      this.db
        .select()
        .from(activity)
        .where(gt(activity.id, sql.placeholder('cursor')))
        .orderBy(asc(activity.id))
        .limit(BATCH)
        .prepare(name),
    ).execute({ cursor: cursor.toString() });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    await this.notifier.stop();
    await this.reading;
  }
}
