-- createPost in one round trip, and the notification rules in one place.
--
-- hub_notify_appended: the notifications that appended activity causes, and the NOTIFY to the
-- live feeds, as one INSERT ... SELECT whatever the number of recipients (a new thread in a circle
-- of 500 members at level ALL is one statement, not 500 inserts). Called after the append, as a
-- statement of its own (or a statement of its own inside hub_create_post): a volatile function's
-- statements take their snapshot when they start, after the append's lock (migration 0010), so
-- the rules see every append committed before this one. The rules:
-- - candidates: @mentions (of handles the services found in the text), REPLY to the author of the
--   post replied to and of the thread, NEW_THREAD and GATHERING_SCHEDULED to ALL-level members,
--   FOLLOW_UP_ASSIGNED to the follow-up's owner when the write assigned it, REPORT_RESOLVED to
--   the reporter of each report the decision resolved (through the activity in the report's own
--   circle, for a resource shared with several), MEMBERSHIP_CHANGED to the member added or whose
--   role changed;
-- - one per person per activity, by rank: MENTION before REPLY before the rest;
-- - never the actor; only people who may read the circle (public, member, or ADMIN of an
--   organisation taking part), so an outsider is never told what they could not read;
-- - level NONE silences mentions, replies, new threads and gatherings; assignments, resolved
--   reports and membership changes always come;
-- - an edit notifies only people not yet mentioned in that thread or post (once per subject).
-- The hints (mentions, assignment, resolved reports) come from the write as parallel arrays:
-- (p_mention_ids[i], p_mention_handles[i]) and (p_resolved_ids[i], p_resolved_reports[i]).
CREATE FUNCTION "hub_notify_appended"(
  p_ids bigint[],
  p_mention_ids bigint[],
  p_mention_handles text[],
  p_assigned_ids bigint[],
  p_resolved_ids bigint[],
  p_resolved_reports uuid[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH appended AS (
    SELECT * FROM activity WHERE id = ANY (p_ids)
  ),
  candidates(activity_id, recipient_id, kind, rank) AS (
    SELECT m.activity_id, u.id, 'MENTION'::notification_kind, 1
    FROM unnest(p_mention_ids, p_mention_handles) AS m(activity_id, handle)
    JOIN users u ON u.handle = m.handle
    JOIN appended a ON a.id = m.activity_id
    WHERE NOT EXISTS (
      SELECT 1 FROM notifications earlier JOIN activity ea ON ea.id = earlier.activity_id
      WHERE earlier.recipient_id = u.id AND earlier.kind = 'MENTION' AND ea.id < a.id
        AND ea.thread_id IS NOT DISTINCT FROM a.thread_id AND ea.post_id IS NOT DISTINCT FROM a.post_id
    )
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
    FROM appended a JOIN circle_members cm ON cm.circle_id = a.circle_id AND cm.notification_level = 'ALL'
    WHERE a.kind IN ('THREAD_CREATED', 'GATHERING_SCHEDULED')
    UNION ALL
    SELECT a.id, f.owner_id, 'FOLLOW_UP_ASSIGNED', 4
    FROM appended a JOIN follow_ups f ON f.id = a.follow_up_id
    WHERE a.id = ANY (p_assigned_ids)
    UNION ALL
    SELECT a.id, cr.reporter_id, 'REPORT_RESOLVED', 4
    FROM unnest(p_resolved_ids, p_resolved_reports) AS r(activity_id, report_id)
    JOIN appended a ON a.id = r.activity_id
    JOIN content_reports cr ON cr.id = r.report_id AND cr.circle_id = a.circle_id AND cr.status <> 'OPEN'
    UNION ALL
    SELECT a.id, a.member_user_id, 'MEMBERSHIP_CHANGED', 4
    FROM appended a
    WHERE a.kind IN ('MEMBER_JOINED', 'MEMBER_ROLE_CHANGED')
  )
  INSERT INTO notifications (recipient_id, activity_id, kind, circle_id, actor_id)
  SELECT DISTINCT ON (c.recipient_id, c.activity_id) c.recipient_id, c.activity_id, c.kind, a.circle_id, a.actor_id
  FROM candidates c
  JOIN appended a ON a.id = c.activity_id
  JOIN circles ci ON ci.id = a.circle_id
  LEFT JOIN circle_members rm ON rm.circle_id = a.circle_id AND rm.user_id = c.recipient_id
  WHERE c.recipient_id IS NOT NULL
    AND c.recipient_id IS DISTINCT FROM a.actor_id
    AND (c.kind NOT IN ('MENTION', 'REPLY', 'NEW_THREAD', 'GATHERING_SCHEDULED')
         OR coalesce(rm.notification_level, 'MENTIONS_AND_REPLIES') <> 'NONE')
    AND (ci.visibility = 'PUBLIC' OR rm.user_id IS NOT NULL OR EXISTS (
      SELECT 1 FROM circle_organisations admin_co JOIN organisation_members admin_om
        ON admin_om.organisation_id = admin_co.organisation_id AND admin_om.user_id = c.recipient_id AND admin_om.role = 'ADMIN'
      WHERE admin_co.circle_id = a.circle_id))
  ORDER BY c.recipient_id, c.activity_id, c.rank
  ON CONFLICT DO NOTHING;
  -- The payload is the newest cursor only (src/realtime/activity-log.ts).
  PERFORM pg_notify('hub_activity', p_ids[cardinality(p_ids)]::text);
END
$$;--> statement-breakpoint
-- hub_create_post: createPost's checks and writes in one call, so a post costs one round trip
-- and one commit (it runs as a statement of its own, outside any transaction block):
-- 1. the retry key, claimed first (a retry returns the first post, whatever has changed since);
-- 2. the thread, locked (concurrent posts to it queue here, so its counter is exact), with its
--    circle, the viewer's standing and the post replied to;
-- 3. the checks of createPost (src/modules/discussions/discussion.service.ts `assertMayPost`, over
--    auth/permissions.ts `can('post')`: a member of an active circle, the thread not locked, a
--    hidden thread or parent only for moderators, the parent in the same thread). A refusal
--    raises HB001 with those facts as DETAIL: everything, the retry key too, is rolled back, and
--    the service derives the same error the policy gives (test/create-post-function.test.ts
--    holds the two to agreement over every standing);
-- 4. the post (a reply to a reply replies to its top-level post), its count and activity,
--    appended under the log's lock, then the notifications and NOTIFY in a statement after it.
-- Returns {"replay": {"mutation", "resultId"}} for a key already used, else {"post": row}.
CREATE FUNCTION "hub_create_post"(
  p_viewer uuid,
  p_thread uuid,
  p_reply_to uuid,
  p_id uuid,
  p_body text,
  p_now timestamptz,
  p_client_mutation_id text,
  p_mentions text[]
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  claimed uuid;
  facts json;
  v_circle uuid;
  v_locked boolean;
  v_thread_hidden timestamptz;
  v_status circle_status;
  v_role circle_role;
  v_parent uuid;
  v_parent_thread uuid;
  v_parent_top uuid;
  v_parent_hidden timestamptz;
  v_moderator boolean;
  v_post posts;
  v_entry bigint;
BEGIN
  IF p_client_mutation_id IS NOT NULL THEN
    INSERT INTO idempotency_keys (user_id, client_mutation_id, mutation, result_id)
    VALUES (p_viewer, p_client_mutation_id, 'createPost', p_id)
    ON CONFLICT DO NOTHING
    RETURNING result_id INTO claimed;
    IF claimed IS NULL THEN
      RETURN (SELECT json_build_object('replay', json_build_object('mutation', k.mutation, 'resultId', k.result_id))
        FROM idempotency_keys k WHERE k.user_id = p_viewer AND k.client_mutation_id = p_client_mutation_id);
    END IF;
  END IF;

  -- The facts only, no words: a refusal's DETAIL may reach the server's log.
  SELECT json_build_object(
      'thread', json_build_object('id', t.id, 'isLocked', t.is_locked, 'hiddenAt', t.hidden_at),
      'circle', json_build_object('visibility', c.visibility, 'status', c.status),
      'role', cm.role,
      'orgAdmin', EXISTS (
        SELECT 1 FROM circle_organisations admin_co JOIN organisation_members admin_om
          ON admin_om.organisation_id = admin_co.organisation_id AND admin_om.user_id = p_viewer AND admin_om.role = 'ADMIN'
        WHERE admin_co.circle_id = c.id),
      'parent', CASE WHEN pr.id IS NOT NULL THEN json_build_object('threadId', pr.thread_id, 'hiddenAt', pr.hidden_at) END),
    t.circle_id, t.is_locked, t.hidden_at, c.status, cm.role, pr.id, pr.thread_id, coalesce(pr.reply_to_id, pr.id), pr.hidden_at
  INTO facts, v_circle, v_locked, v_thread_hidden, v_status, v_role, v_parent, v_parent_thread, v_parent_top, v_parent_hidden
  FROM threads t
  JOIN circles c ON c.id = t.circle_id
  LEFT JOIN circle_members cm ON cm.circle_id = c.id AND cm.user_id = p_viewer
  LEFT JOIN posts pr ON pr.id = p_reply_to
  WHERE t.id = p_thread
  FOR UPDATE OF t;

  v_moderator := coalesce(v_role IN ('FACILITATOR', 'COORDINATOR'), false);
  IF facts IS NULL
    OR v_role IS NULL
    OR v_status <> 'ACTIVE'
    OR v_locked
    OR (v_thread_hidden IS NOT NULL AND NOT v_moderator)
    OR (p_reply_to IS NOT NULL AND (v_parent IS NULL OR v_parent_thread <> p_thread OR (v_parent_hidden IS NOT NULL AND NOT v_moderator)))
  THEN
    RAISE EXCEPTION 'createPost refused' USING ERRCODE = 'HB001', DETAIL = coalesce(facts::text, 'null');
  END IF;

  UPDATE threads SET post_count = post_count + 1, last_activity_at = p_now WHERE id = p_thread;
  INSERT INTO posts (id, thread_id, author_id, reply_to_id, body, created_at)
  VALUES (p_id, p_thread, p_viewer, v_parent_top, p_body, p_now)
  RETURNING * INTO v_post;
  -- clock_timestamp(): under the append lock the clock rises with the cursor.
  INSERT INTO activity (circle_id, kind, actor_id, thread_id, post_id, occurred_at)
  VALUES (v_circle, 'POST_CREATED', p_viewer, p_thread, p_id, clock_timestamp())
  RETURNING id INTO v_entry;
  PERFORM hub_notify_appended(
    ARRAY[v_entry],
    array_fill(v_entry, ARRAY[cardinality(p_mentions)]),
    p_mentions,
    '{}'::bigint[], '{}'::bigint[], '{}'::uuid[]);
  RETURN json_build_object('post', row_to_json(v_post));
END
$$;
