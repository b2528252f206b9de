import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { circleMembers, contentReports, notifications, type CircleRow, type ContentReportRow, type NotificationRow, type UserRow } from '../../db/schema.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { circleFor, circleVisibleTo, requireViewer } from '../../auth/guard.js';
import { countAll, type SortKey } from '../../shared/connection.js';
import { rootConnection } from '../../shared/lists.js';
import { fromGlobalId } from '../../shared/ids.js';
import type { MarkNotificationsReadInput, NotificationLevel, NotificationsArgs, UpdateNotificationLevelInput } from './notification.type.js';

/**
 * Newest first by activity id: the cursor of a notification is its activity's, in commit order,
 * so the same string resumes `myNotifications`.
 */
export const NOTIFICATION_KEYS: SortKey[] = [{ column: notifications.activityId, field: 'activityId', type: 'bigint', desc: true }];

/**
 * The user's notifications that they may still read: one from a members-only circle they have
 * since left stays out of the inbox, its count and the live feed, like the circle itself.
 */
export function inboxOf(userId: string): SQL {
  return and(eq(notifications.recipientId, userId), circleVisibleTo(userId, notifications.circleId))!;
}

function ownUser(ctx: Context, user: UserRow): string | null {
  return ctx.viewer && ctx.viewer.user.id === user.id ? user.id : null;
}

export async function notificationsPage(ctx: Context, user: UserRow, args: NotificationsArgs) {
  const userId = ownUser(ctx, user);
  if (!userId) return null;
  const where = and(inboxOf(userId), args.unreadOnly ? isNull(notifications.readAt) : undefined);
  return rootConnection<NotificationRow>(ctx, { table: notifications, keys: NOTIFICATION_KEYS, where }, args);
}

export async function unreadNotificationCount(ctx: Context, user: UserRow): Promise<number | null> {
  const userId = ownUser(ctx, user);
  if (!userId) return null;
  return countAll(ctx.db, notifications, and(inboxOf(userId), isNull(notifications.readAt)));
}

/** One of the viewer's own notifications, or null (anyone else's looks the same as none). */
export async function ownNotification(ctx: Context, id: string): Promise<NotificationRow | null> {
  if (!ctx.viewer) return null;
  const [row] = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), inboxOf(ctx.viewer.user.id)));
  return row ?? null;
}

export async function markNotificationsRead(ctx: Context, input: MarkNotificationsReadInput): Promise<UserRow> {
  const viewer = requireViewer(ctx);
  const ids = input.notificationIds ? [...new Set(input.notificationIds.map((id) => fromGlobalId(id, 'Notification', 'notificationIds')))] : null;
  await ctx.db.transaction(async (tx) => {
    const mine = and(eq(notifications.recipientId, viewer.user.id), ids ? sql`${notifications.id} = any(${sql.param(ids)}::uuid[])` : undefined);
    if (ids) {
      // All or nothing: an ID that is not the viewer's is NOT_FOUND and marks none.
      const found = await countAll(tx, notifications, mine);
      if (found !== ids.length) throw new NotFoundError('Notification', 'notificationIds');
    }
    // Already read ones keep the time they were first read.
    await tx
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(mine, isNull(notifications.readAt)));
  });
  return viewer.user;
}

export async function updateNotificationLevel(ctx: Context, input: UpdateNotificationLevelInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  return ctx.db.transaction(async (tx) => {
    const { circle, standing } = await circleFor(tx, viewer, circleId, 'read');
    if (standing.role === null) throw new ForbiddenError('Only members choose a notification level; join the circle first.');
    await tx
      .update(circleMembers)
      .set({ notificationLevel: input.level })
      .where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.userId, viewer.user.id)));
    ctx.loaders.circleMembership.clear(`${circleId}:${viewer.user.id}`);
    return circle;
  });
}

export async function viewerNotificationLevel(ctx: Context, circle: CircleRow): Promise<NotificationLevel | null> {
  if (!ctx.viewer) return null;
  const membership = await ctx.loaders.circleMembership.load(`${circle.id}:${ctx.viewer.user.id}`);
  return (membership?.notificationLevel as NotificationLevel | undefined) ?? null;
}

/**
 * The recipient's own report behind a REPORT_RESOLVED: a member reports a subject once, so the
 * activity's subject and the recipient name it.
 */
export async function notificationReport(ctx: Context, n: NotificationRow): Promise<ContentReportRow | null> {
  if (n.kind !== 'REPORT_RESOLVED' || ctx.viewer?.user.id !== n.recipientId) return null;
  const a = await ctx.loaders.activity.load(n.activityId.toString());
  if (!a) return null;
  // A post's activity names its thread too; the report names the post alone.
  const subject = a.postId
    ? eq(contentReports.postId, a.postId)
    : a.threadId
      ? eq(contentReports.threadId, a.threadId)
      : a.resourceId
        ? eq(contentReports.resourceId, a.resourceId)
        : undefined;
  if (!subject) return null;
  const [report] = await ctx.db
    .select()
    .from(contentReports)
    .where(and(subject, eq(contentReports.reporterId, n.recipientId)));
  return report ?? null;
}
