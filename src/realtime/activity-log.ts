import { sql } from 'drizzle-orm';
import { activity, type ActivityRow } from '../db/schema.js';
import type { Tx } from '../db/client.js';
import { notificationsCall, type NotificationHints } from './notification-rules.js';

export type ActivityKind = ActivityRow['kind'];
export type NewActivity = Omit<typeof activity.$inferInsert, 'id'> & NotificationHints;

/** Channel of the NOTIFY sent with every append; the payload is the newest cursor only. */
export const ACTIVITY_CHANNEL = 'hub_activity';

/**
 * Appends activity rows as the last step of a write's transaction.
 *
 * A sequence hands out ids at insert time, not commit time, so without care a transaction can
 * commit id 7 after id 8 was already delivered and a subscriber resuming "after 8" would never
 * see 7. A transaction-level advisory lock serialises appends until commit: whoever holds it
 * takes the next id and commits before anyone else can take one, so cursor order is commit order.
 * The database takes it itself, in a statement trigger that fires before the INSERT forms its
 * first row (migration 0010), so lock and insert cost one round trip. Call this last in the
 * transaction so the lock is held only for the commit itself. The notifications each entry
 * causes and the NOTIFY to listeners follow in one more statement, under the same lock, with a
 * snapshot taken after it: the notification rules see every append committed before this one.
 */
export async function appendActivity(tx: Tx, entries: NewActivity | NewActivity[]): Promise<ActivityRow[]> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return [];
  // now() is the transaction's start; under the lock the clock rises with the cursor.
  const rows = await tx
    .insert(activity)
    .values(list.map(({ mentions: _m, followUpAssigned: _f, resolvedReportIds: _r, ...e }) => ({ ...e, occurredAt: e.occurredAt ?? sql`clock_timestamp()` })))
    .returning();
  // Derived in the same transaction: a notification exists exactly when its activity does.
  await notifyAppended(tx, rows, list);
  return rows;
}

/**
 * The second step of an append: the notifications the rows cause and the NOTIFY, in a statement
 * of their own so that its snapshot is taken after the append's lock.
 */
export async function notifyAppended(tx: Tx, rows: ActivityRow[], hints: readonly NotificationHints[]): Promise<void> {
  const call = notificationsCall(rows, hints);
  await tx.execute(call ?? sql`select pg_notify(${ACTIVITY_CHANNEL}, ${rows.at(-1)!.id.toString()})`);
}
