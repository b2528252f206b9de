import { sql, type SQL } from 'drizzle-orm';
import { activity, circleMembers, circles, contentReports, followUps, notifications, posts, threads, users, type ActivityRow } from '../db/schema.js';
import { orgAdminOf } from '../auth/guard.js';

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
 * The INSERT of the notifications an append causes (null when it causes none), run in the
 * append's transaction as ONE statement whatever the number of recipients (a new thread in a
 * circle of 500 members at level ALL is one INSERT ... SELECT, not 500 inserts). The rules, all in SQL so they see the write itself:
 * - candidates: @mentions (of handles the services found in the text), REPLY to the author of the
 *   post replied to and of the thread, NEW_THREAD and GATHERING_SCHEDULED to ALL-level members,
 *   FOLLOW_UP_ASSIGNED to the follow-up's owner when the write assigned it, REPORT_RESOLVED to
 *   the reporter of each report the decision resolved (through the activity in the report's own
 *   circle, for a resource shared with several), MEMBERSHIP_CHANGED to the member added or whose
 *   role changed;
 * - one per person per activity, by rank: MENTION before REPLY before the rest;
 * - never the actor; only people who may read the circle (public, member, or ADMIN of an
 *   organisation taking part), so an outsider is never told what they could not read;
 * - level NONE silences mentions, replies, new threads and gatherings; assignments, resolved
 *   reports and membership changes always come;
 * - an edit notifies only people not yet mentioned in that thread or post (once per subject).
 */
export function notificationsInsert(rows: ActivityRow[], hints: readonly NotificationHints[]): SQL | null {
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
  return sql`
    with appended as (
      select * from ${activity} where ${activity.id} = any(${sql.param(ids)}::bigint[])
    ),
    candidates(activity_id, recipient_id, kind, rank) as (
      select m.activity_id, u.id, 'MENTION'::notification_kind, 1
      from unnest(${sql.param(mentionIds)}::bigint[], ${sql.param(mentionHandles)}::text[]) as m(activity_id, handle)
      join ${users} u on u.handle = m.handle
      join appended a on a.id = m.activity_id
      where not exists (
        select 1 from ${notifications} earlier join ${activity} ea on ea.id = earlier.activity_id
        where earlier.recipient_id = u.id and earlier.kind = 'MENTION' and ea.id < a.id
          and ea.thread_id is not distinct from a.thread_id and ea.post_id is not distinct from a.post_id
      )
      union all
      select a.id, parent.author_id, 'REPLY', 2
      from appended a join ${posts} p on p.id = a.post_id join ${posts} parent on parent.id = p.reply_to_id
      where a.kind = 'POST_CREATED'
      union all
      select a.id, t.author_id, 'REPLY', 2
      from appended a join ${threads} t on t.id = a.thread_id
      where a.kind = 'POST_CREATED'
      union all
      select a.id, cm.user_id, case a.kind when 'THREAD_CREATED' then 'NEW_THREAD'::notification_kind else 'GATHERING_SCHEDULED' end, 3
      from appended a join ${circleMembers} cm on cm.circle_id = a.circle_id and cm.notification_level = 'ALL'
      where a.kind in ('THREAD_CREATED', 'GATHERING_SCHEDULED')
      union all
      select a.id, f.owner_id, 'FOLLOW_UP_ASSIGNED', 4
      from appended a join ${followUps} f on f.id = a.follow_up_id
      where a.id = any(${sql.param(assignedIds)}::bigint[])
      union all
      select a.id, cr.reporter_id, 'REPORT_RESOLVED', 4
      from unnest(${sql.param(resolvedIds)}::bigint[], ${sql.param(resolvedReports)}::uuid[]) as r(activity_id, report_id)
      join appended a on a.id = r.activity_id
      join ${contentReports} cr on cr.id = r.report_id and cr.circle_id = a.circle_id and cr.status <> 'OPEN'
      union all
      select a.id, a.member_user_id, 'MEMBERSHIP_CHANGED', 4
      from appended a
      where a.kind in ('MEMBER_JOINED', 'MEMBER_ROLE_CHANGED')
    )
    insert into ${notifications} (recipient_id, activity_id, kind, circle_id, actor_id)
    select distinct on (c.recipient_id, c.activity_id) c.recipient_id, c.activity_id, c.kind, a.circle_id, a.actor_id
    from candidates c
    join appended a on a.id = c.activity_id
    join ${circles} ci on ci.id = a.circle_id
    left join ${circleMembers} rm on rm.circle_id = a.circle_id and rm.user_id = c.recipient_id
    where c.recipient_id is not null
      and c.recipient_id is distinct from a.actor_id
      and (c.kind not in ('MENTION', 'REPLY', 'NEW_THREAD', 'GATHERING_SCHEDULED')
           or coalesce(rm.notification_level, 'MENTIONS_AND_REPLIES') <> 'NONE')
      and (ci.visibility = 'PUBLIC' or rm.user_id is not null or ${orgAdminOf(sql`c.recipient_id`, sql`a.circle_id`)})
    order by c.recipient_id, c.activity_id, c.rank
    on conflict do nothing`;
}

/** Activity kinds that notify someone without a hint from the write. */
const NOTIFYING_KINDS = new Set<ActivityRow['kind']>(['POST_CREATED', 'THREAD_CREATED', 'GATHERING_SCHEDULED', 'MEMBER_JOINED', 'MEMBER_ROLE_CHANGED']);
