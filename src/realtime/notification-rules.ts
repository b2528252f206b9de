import { sql, type SQL } from 'drizzle-orm';
import type { ActivityRow } from '../db/schema.js';

/**
 * What a write knows about whom its activity concerns and the log does not keep; given with each
 * appended entry, not stored in the log itself.
 */
export interface NotificationHints {
  /** Handles the write's text mentions (see shared/handles.ts). */
  mentions?: readonly string[];
  /** The write gave the follow-up its owner: created it for them or handed it to them. */
  followUpAssigned?: boolean;
  /** Reports a moderator's decision resolved (hidden or dismissed): their reporters learn the outcome. */
  resolvedReportIds?: readonly string[];
}

/**
 * The call that writes the notifications an append causes and NOTIFYs the live feeds (null when
 * nothing appended can notify anyone: then only the NOTIFY is owed). The rules are the database
 * function `hub_notify_appended` (migrations 0013 and 0014), one INSERT ... SELECT whatever the number of
 * recipients; createPost's own function calls it too, so they are written once.
 */
export function notificationsCall(rows: ActivityRow[], hints: readonly NotificationHints[]): SQL | null {
  const mentionIds: string[] = [];
  const mentionHandles: string[] = [];
  const assignedIds: string[] = [];
  const resolvedIds: string[] = [];
  const resolvedReports: string[] = [];
  rows.forEach((row, i) => {
    const id = row.id.toString();
    const hint = hints[i] ?? {};
    for (const handle of hint.mentions ?? []) {
      mentionIds.push(id);
      mentionHandles.push(handle);
    }
    if (hint.followUpAssigned) assignedIds.push(id);
    for (const reportId of hint.resolvedReportIds ?? []) {
      resolvedIds.push(id);
      resolvedReports.push(reportId);
    }
  });
  if (!rows.some((r) => NOTIFYING_KINDS.has(r.kind)) && mentionIds.length + assignedIds.length + resolvedIds.length === 0) return null;
  const ids = rows.map((r) => r.id.toString());
  return sql`select hub_notify_appended(${sql.param(ids)}::bigint[], ${sql.param(mentionIds)}::bigint[], ${sql.param(mentionHandles)}::text[],
    ${sql.param(assignedIds)}::bigint[], ${sql.param(resolvedIds)}::bigint[], ${sql.param(resolvedReports)}::uuid[])`;
}

/** Activity kinds that notify someone without a hint from the write. */
const NOTIFYING_KINDS = new Set<ActivityRow['kind']>(['POST_CREATED', 'THREAD_CREATED', 'GATHERING_SCHEDULED', 'MEMBER_JOINED', 'MEMBER_ROLE_CHANGED']);
