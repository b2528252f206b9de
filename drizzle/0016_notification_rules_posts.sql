-- The notification rules for what most appends are: posts naming nobody. Such a post can only
-- notify by REPLY (its parent's author and its thread's author), yet it ran the whole rules
-- statement, every kind's branch started and shut down on every call, under the log's append lock.
-- Measured with pgbench calling hub_create_post on the x10 benchmark data (generic plans, four
-- clients, CPU of all PostgreSQL processes per post, six alternating 5-second runs a side):
-- 1.29-1.60 ms a post (median 1.40) against 1.37-1.72 (median 1.68) with the whole statement,
-- and 11 % more posts a second. The whole statement still decides every other append, and a post that
-- mentions someone (a MENTION outranks a REPLY for the same person). What is decided is the
-- same: the REPLY branches and the final filter are the whole statement's, for REPLY.
CREATE OR REPLACE FUNCTION "hub_notify_appended"(
  p_ids bigint[],
  p_mention_ids bigint[],
  p_mention_handles text[],
  p_assigned_ids bigint[],
  p_resolved_ids bigint[],
  p_resolved_reports uuid[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_posts_only boolean := false;
BEGIN
  IF cardinality(p_mention_ids) = 0 AND cardinality(p_assigned_ids) = 0 AND cardinality(p_resolved_ids) = 0 THEN
    SELECT coalesce(bool_and(a.kind = 'POST_CREATED'), false) INTO v_posts_only FROM activity a WHERE a.id = ANY (p_ids);
  END IF;
  IF v_posts_only THEN
    WITH appended AS (
      SELECT a.*, (SELECT c.visibility FROM circles c WHERE c.id = a.circle_id) AS circle_visibility
      FROM activity a WHERE a.id = ANY (p_ids)
    ),
    candidates(activity_id, recipient_id) AS (
      SELECT a.id, parent.author_id
      FROM appended a JOIN posts p ON p.id = a.post_id JOIN posts parent ON parent.id = p.reply_to_id
      UNION ALL
      SELECT a.id, t.author_id
      FROM appended a JOIN threads t ON t.id = a.thread_id
    )
    INSERT INTO notifications (recipient_id, activity_id, kind, circle_id, actor_id)
    SELECT DISTINCT ON (c.recipient_id, c.activity_id) c.recipient_id, c.activity_id, 'REPLY', a.circle_id, a.actor_id
    FROM candidates c
    JOIN appended a ON a.id = c.activity_id
    LEFT JOIN LATERAL (
      SELECT m.user_id, m.notification_level FROM circle_members m
      WHERE m.circle_id = a.circle_id AND m.user_id = c.recipient_id OFFSET 0
    ) rm ON true
    WHERE c.recipient_id IS NOT NULL
      AND c.recipient_id IS DISTINCT FROM a.actor_id
      AND coalesce(rm.notification_level, 'MENTIONS_AND_REPLIES') <> 'NONE'
      AND (a.circle_visibility = 'PUBLIC' OR rm.user_id IS NOT NULL OR EXISTS (
          SELECT 1 FROM circle_organisations admin_co JOIN organisation_members admin_om
            ON admin_om.organisation_id = admin_co.organisation_id AND admin_om.user_id = c.recipient_id AND admin_om.role = 'ADMIN'
          WHERE admin_co.circle_id = a.circle_id))
    ORDER BY c.recipient_id, c.activity_id
    ON CONFLICT DO NOTHING;
  ELSE
    WITH appended AS (
      SELECT a.*, (SELECT c.visibility FROM circles c WHERE c.id = a.circle_id) AS circle_visibility
      FROM activity a WHERE a.id = ANY (p_ids)
    ),
    candidates(activity_id, recipient_id, kind, rank) AS (
      SELECT m.activity_id, u.id, 'MENTION'::notification_kind, 1
      FROM unnest(p_mention_ids, p_mention_handles) AS m(activity_id, handle)
      JOIN appended a ON a.id = m.activity_id
      CROSS JOIN LATERAL (
        SELECT mentioned.id FROM users mentioned
        WHERE mentioned.handle = m.handle
          AND NOT EXISTS (
            SELECT 1 FROM notifications earlier JOIN activity ea ON ea.id = earlier.activity_id
            WHERE earlier.recipient_id = mentioned.id AND earlier.kind = 'MENTION' AND earlier.activity_id < a.id
              AND ea.thread_id IS NOT DISTINCT FROM a.thread_id AND ea.post_id IS NOT DISTINCT FROM a.post_id
          )
        OFFSET 0
      ) u
      UNION ALL
      SELECT a.id, parent.author_id, 'REPLY', 2
      FROM appended a JOIN posts p ON p.id = a.post_id JOIN posts parent ON parent.id = p.reply_to_id
      WHERE a.kind = 'POST_CREATED'
      UNION ALL
      SELECT a.id, t.author_id, 'REPLY', 2
      FROM appended a JOIN threads t ON t.id = a.thread_id
      WHERE a.kind = 'POST_CREATED'
      UNION ALL
      SELECT a.id, cm.user_id, CASE a.kind WHEN 'THREAD_CREATED' THEN 'NEW_THREAD'::notification_kind ELSE 'GATHERING_SCHEDULED' END, 3
      FROM appended a
      CROSS JOIN LATERAL (
        SELECT m.user_id FROM circle_members m WHERE m.circle_id = a.circle_id AND m.notification_level = 'ALL' OFFSET 0
      ) cm
      WHERE a.kind IN ('THREAD_CREATED', 'GATHERING_SCHEDULED')
      UNION ALL
      SELECT a.id, f.owner_id, 'FOLLOW_UP_ASSIGNED', 4
      FROM appended a
      CROSS JOIN LATERAL (SELECT fu.owner_id FROM follow_ups fu WHERE fu.id = a.follow_up_id OFFSET 0) f
      WHERE a.id = ANY (p_assigned_ids)
      UNION ALL
      SELECT a.id, cr.reporter_id, 'REPORT_RESOLVED', 4
      FROM unnest(p_resolved_ids, p_resolved_reports) AS r(activity_id, report_id)
      JOIN appended a ON a.id = r.activity_id
      CROSS JOIN LATERAL (
        SELECT rep.reporter_id FROM content_reports rep
        WHERE rep.id = r.report_id AND rep.circle_id = a.circle_id AND rep.status <> 'OPEN' OFFSET 0
      ) cr
      UNION ALL
      SELECT a.id, a.member_user_id, 'MEMBERSHIP_CHANGED', 4
      FROM appended a
      WHERE a.kind IN ('MEMBER_JOINED', 'MEMBER_ROLE_CHANGED')
    )
    INSERT INTO notifications (recipient_id, activity_id, kind, circle_id, actor_id)
    SELECT DISTINCT ON (c.recipient_id, c.activity_id) c.recipient_id, c.activity_id, c.kind, a.circle_id, a.actor_id
    FROM candidates c
    JOIN appended a ON a.id = c.activity_id
    LEFT JOIN LATERAL (
      SELECT m.user_id, m.notification_level FROM circle_members m
      WHERE m.circle_id = a.circle_id AND m.user_id = c.recipient_id OFFSET 0
    ) rm ON true
    WHERE c.recipient_id IS NOT NULL
      AND c.recipient_id IS DISTINCT FROM a.actor_id
      AND (c.kind NOT IN ('MENTION', 'REPLY', 'NEW_THREAD', 'GATHERING_SCHEDULED')
           OR coalesce(rm.notification_level, 'MENTIONS_AND_REPLIES') <> 'NONE')
      AND (a.circle_visibility = 'PUBLIC' OR rm.user_id IS NOT NULL OR EXISTS (
        SELECT 1 FROM circle_organisations admin_co JOIN organisation_members admin_om
          ON admin_om.organisation_id = admin_co.organisation_id AND admin_om.user_id = c.recipient_id AND admin_om.role = 'ADMIN'
        WHERE admin_co.circle_id = a.circle_id))
    ORDER BY c.recipient_id, c.activity_id, c.rank
    ON CONFLICT DO NOTHING;
  END IF;
  -- The payload is the newest cursor only (src/realtime/activity-log.ts).
  PERFORM pg_notify('hub_activity', p_ids[cardinality(p_ids)]::text);
END
$$;
--> statement-breakpoint
-- CREATE OR REPLACE resets the function's settings: no JIT, as migration 0014 says why.
ALTER FUNCTION "hub_notify_appended"(bigint[], bigint[], text[], bigint[], bigint[], uuid[]) SET jit = off;
