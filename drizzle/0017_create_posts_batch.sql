-- hub_create_posts: createPost's checks and writes for one post or for several, in one call and
-- one commit. It replaces hub_create_post (migration 0013), doing for each post what that did.
--
-- Why several: every post appends to the activity log under its lock, held until the commit, so
-- posts commit one after another and each waits for the last one's commit to reach the disk:
-- with ten clients posting, the lock and not the work set the pace. The posts that reach one
-- server while its previous call is still in the database go together
-- (src/modules/discussions/post-batch.ts) and share one commit, one append (one turn at the
-- lock), one notification statement and one NOTIFY.
--
-- Each post gets its own checks and its own answer, in the order given: {"post": row},
-- {"replay": {"mutation", "resultId"}} for a retry key already used (a retry returns the first
-- post, whatever has changed since), or {"refused": facts} when it may not be written (the
-- facts read, no words, from which the service derives the error the policy gives;
-- test/create-post.test.ts holds the two to agreement over every standing). A refused post
-- writes nothing and gives back its retry key; the others go on. Any other error fails the whole
-- call, and the server writes those posts again one by one (nothing was written).
--
-- 1. the retry keys, claimed first;
-- 2. the threads, locked (concurrent posts to one queue here, so its counter is exact), then per
--    post its circle, the viewer's standing and the post replied to;
-- 3. the checks of createPost (src/modules/discussions/discussion.service.ts `assertMayPost`, over
--    auth/permissions.ts `can('post')`: a member of an active circle, the thread not locked, a
--    hidden thread or parent only for moderators, the parent in the same thread);
-- 4. the post (a reply to a reply replies to its top-level post) and its thread's count; then
--    the activity entries of all, appended under the log's lock, then their notifications and
--    NOTIFY in a statement after it (whose snapshot so follows the lock, migration 0010).
--
-- Locks are taken in the one order every writer takes them, so two calls never wait on each
-- other in a circle: retry keys (sorted), then the threads (sorted), then the log's append lock.
-- The caller never puts two posts with the same retry key of the same user in one call.
--
-- Mentions come flattened: (p_mention_items[j], p_mention_handles[j]) is a handle named by the
-- post at position p_mention_items[j] (1-based).
CREATE FUNCTION "hub_create_posts"(
  p_viewers uuid[],
  p_threads uuid[],
  p_reply_tos uuid[],
  p_ids uuid[],
  p_bodies text[],
  p_nows timestamptz[],
  p_client_mutation_ids text[],
  p_mention_items int[],
  p_mention_handles text[]
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  n int := cardinality(p_ids);
  results json[] := array_fill(NULL::json, ARRAY[n]);
  written boolean[] := array_fill(false, ARRAY[n]);
  i int;
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
  v_circles uuid[] := array_fill(NULL::uuid, ARRAY[n]);
  v_entry_of bigint[] := array_fill(NULL::bigint, ARRAY[n]);
BEGIN
  -- 1. Retry keys, in one order for every caller.
  FOR i IN
    SELECT k.ord FROM unnest(p_viewers, p_client_mutation_ids) WITH ORDINALITY AS k(viewer, key, ord)
    WHERE k.key IS NOT NULL ORDER BY k.viewer, k.key
  LOOP
    claimed := NULL;
    INSERT INTO idempotency_keys (user_id, client_mutation_id, mutation, result_id)
    VALUES (p_viewers[i], p_client_mutation_ids[i], 'createPost', p_ids[i])
    ON CONFLICT DO NOTHING
    RETURNING result_id INTO claimed;
    IF claimed IS NULL THEN
      results[i] := (SELECT json_build_object('replay', json_build_object('mutation', k.mutation, 'resultId', k.result_id))
        FROM idempotency_keys k WHERE k.user_id = p_viewers[i] AND k.client_mutation_id = p_client_mutation_ids[i]);
    END IF;
  END LOOP;

  -- 2. The threads, locked in id order (concurrent posts to one queue here; its counter stays exact).
  PERFORM 1 FROM threads t WHERE t.id = ANY (p_threads) ORDER BY t.id FOR UPDATE;

  -- 3. Each post's checks and writes.
  FOR i IN 1..n LOOP
    CONTINUE WHEN results[i] IS NOT NULL;
    SELECT json_build_object(
        'thread', json_build_object('id', t.id, 'isLocked', t.is_locked, 'hiddenAt', t.hidden_at),
        'circle', json_build_object('visibility', c.visibility, 'status', c.status),
        'role', cm.role,
        'orgAdmin', EXISTS (
          SELECT 1 FROM circle_organisations admin_co JOIN organisation_members admin_om
            ON admin_om.organisation_id = admin_co.organisation_id AND admin_om.user_id = p_viewers[i] AND admin_om.role = 'ADMIN'
          WHERE admin_co.circle_id = c.id),
        'parent', CASE WHEN pr.id IS NOT NULL THEN json_build_object('threadId', pr.thread_id, 'hiddenAt', pr.hidden_at) END),
      t.circle_id, t.is_locked, t.hidden_at, c.status, cm.role, pr.id, pr.thread_id, coalesce(pr.reply_to_id, pr.id), pr.hidden_at
    INTO facts, v_circle, v_locked, v_thread_hidden, v_status, v_role, v_parent, v_parent_thread, v_parent_top, v_parent_hidden
    FROM threads t
    JOIN circles c ON c.id = t.circle_id
    LEFT JOIN circle_members cm ON cm.circle_id = c.id AND cm.user_id = p_viewers[i]
    LEFT JOIN posts pr ON pr.id = p_reply_tos[i]
    WHERE t.id = p_threads[i];

    v_moderator := coalesce(v_role IN ('FACILITATOR', 'COORDINATOR'), false);
    IF facts IS NULL
      OR v_role IS NULL
      OR v_status <> 'ACTIVE'
      OR v_locked
      OR (v_thread_hidden IS NOT NULL AND NOT v_moderator)
      OR (p_reply_tos[i] IS NOT NULL AND (v_parent IS NULL OR v_parent_thread <> p_threads[i] OR (v_parent_hidden IS NOT NULL AND NOT v_moderator)))
    THEN
      -- Nothing of this post was written but its key: give it back, as a rollback would.
      IF p_client_mutation_ids[i] IS NOT NULL THEN
        DELETE FROM idempotency_keys k WHERE k.user_id = p_viewers[i] AND k.client_mutation_id = p_client_mutation_ids[i];
      END IF;
      results[i] := json_build_object('refused', facts);
      CONTINUE;
    END IF;

    UPDATE threads SET post_count = post_count + 1, last_activity_at = p_nows[i] WHERE id = p_threads[i];
    INSERT INTO posts (id, thread_id, author_id, reply_to_id, body, created_at)
    VALUES (p_ids[i], p_threads[i], p_viewers[i], v_parent_top, p_bodies[i], p_nows[i])
    RETURNING * INTO v_post;
    results[i] := json_build_object('post', row_to_json(v_post));
    written[i] := true;
    v_circles[i] := v_circle;
  END LOOP;

  -- 4. One append for them all, in the order they came (the lock is taken here, as late as it can
  -- be), then their notifications and the NOTIFY in one statement after it.
  IF true = ANY (written) THEN
    WITH entries AS (
      INSERT INTO activity (circle_id, kind, actor_id, thread_id, post_id, occurred_at)
      SELECT v_circles[w.ord], 'POST_CREATED', p_viewers[w.ord], p_threads[w.ord], p_ids[w.ord], clock_timestamp()
      FROM generate_subscripts(p_ids, 1) AS w(ord)
      WHERE written[w.ord]
      ORDER BY w.ord
      RETURNING id, post_id
    )
    SELECT array_agg(e.id ORDER BY w.ord) INTO v_entry_of
    FROM unnest(p_ids) WITH ORDINALITY AS w(post_id, ord) LEFT JOIN entries e ON e.post_id = w.post_id;
    PERFORM hub_notify_appended(
      ARRAY(SELECT e FROM unnest(v_entry_of) AS e WHERE e IS NOT NULL ORDER BY e),
      ARRAY(SELECT v_entry_of[m.item] FROM unnest(p_mention_items) WITH ORDINALITY AS m(item, j)
        WHERE written[m.item] ORDER BY m.j),
      ARRAY(SELECT p_mention_handles[m.j] FROM unnest(p_mention_items) WITH ORDINALITY AS m(item, j)
        WHERE written[m.item] ORDER BY m.j),
      '{}'::bigint[], '{}'::bigint[], '{}'::uuid[]);
  END IF;
  RETURN array_to_json(results);
END
$$;--> statement-breakpoint
DROP FUNCTION "hub_create_post"(uuid, uuid, uuid, uuid, text, timestamptz, text, text[]);
