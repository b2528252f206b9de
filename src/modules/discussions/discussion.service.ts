import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Context, Viewer } from '../../context.js';
import type { Tx } from '../../db/client.js';
import {
  circleMembers,
  circles,
  posts,
  reactions,
  threadSdgGoals,
  threads,
  type CircleRow,
  type PostRow,
  type ThreadRow,
} from '../../db/schema.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../../errors.js';
import { assertCan, circleFor, orgAdminOf, requireViewer } from '../../auth/guard.js';
import type { CircleFacts, CircleRole, Standing } from '../../auth/permissions.js';
import { appendActivity } from '../../realtime/activity-log.js';
import { claimIdempotencyKey, idempotencyKeyReused } from '../../shared/idempotency.js';
import { mentionedHandles } from '../../shared/handles.js';
import { fromGlobalId, optionalGlobalId, parseGlobalId } from '../../shared/ids.js';
import type { PageArgs, SortKey } from '../../shared/connection.js';
import { childConnection, pagePlanner, type ChildList } from '../../shared/lists.js';
import { binder, columnsOf, keepable, objectDecoder, prefetchable, ref, shapesOf, valuesOf, type Planner, type Prefetch, type Values } from '../../shared/prefetch.js';
import { preparable, prepared } from '../../db/prepared.js';
import { WriteBatcher } from './post-batch.js';
import { ThreadOrder } from '../../shared/graphql.js';
import { REACTION_CONTENTS, type Loaders, type ReactionContent, type ReactionGroup } from '../../loaders.js';
import { assertSdgGoal, readableCircle } from '../circles/circle.service.js';
import { assertNotHidden } from '../moderation/moderation.service.js';
import type { Logger } from '../../logger.js';
import type {
  AddReactionInput,
  CreatePostInput,
  CreateThreadInput,
  DeletePostInput,
  ThreadsArgs,
  UpdatePostInput,
  UpdateThreadInput,
} from './discussion.type.js';

const THREAD_ORDERS: Record<ThreadOrder, SortKey[]> = {
  LAST_ACTIVITY: [
    { column: threads.lastActivityAt, field: 'lastActivityAt', type: 'date', desc: true },
    { column: threads.id, field: 'id', type: 'uuid', desc: true },
  ],
  NEWEST: [
    { column: threads.createdAt, field: 'createdAt', type: 'date', desc: true },
    { column: threads.id, field: 'id', type: 'uuid', desc: true },
  ],
  OLDEST: [
    { column: threads.createdAt, field: 'createdAt', type: 'date' },
    { column: threads.id, field: 'id', type: 'uuid' },
  ],
};

const POST_KEYS: SortKey[] = [
  { column: posts.createdAt, field: 'createdAt', type: 'date' },
  { column: posts.id, field: 'id', type: 'uuid' },
];

/** An author join for a list when its nodes' `author` is selected (see ListSpec.author). */
function authorsIf(ctx: Context, wanted: boolean, column: PgColumn) {
  return wanted ? { column, into: ctx.loaders.user } : undefined;
}

/** A circle's threads in the order asked, as its resolver and its planner both read them. */
function circleThreadsList(ctx: Context, args: ThreadsArgs, withAuthors: boolean): ChildList {
  assertSdgGoal(args.sdgGoal);
  const order = args.orderBy ?? ThreadOrder.LAST_ACTIVITY;
  return {
    key: `threads:${order}:${args.sdgGoal ?? ''}:${withAuthors}`,
    spec: {
      table: threads,
      keys: THREAD_ORDERS[order],
      parent: threads.circleId,
      parentField: 'circleId',
      rowLoader: (l) => l.thread,
      author: authorsIf(ctx, withAuthors, threads.authorId),
      where:
        args.sdgGoal != null
          ? sql`exists (select 1 from ${threadSdgGoals} where ${threadSdgGoals.threadId} = ${threads.id} and ${threadSdgGoals.goal} = ${args.sdgGoal})`
          : undefined,
    },
  };
}

/** Posts under a thread (all of them) or under a post (its replies), oldest first. */
function postsList(ctx: Context, under: 'thread' | 'post', withAuthors: boolean): ChildList {
  return {
    key: `${under === 'thread' ? 'threadPosts' : 'postReplies'}:${withAuthors}`,
    spec: {
      table: posts,
      keys: POST_KEYS,
      parent: under === 'thread' ? posts.threadId : posts.replyToId,
      parentField: under === 'thread' ? 'threadId' : 'replyToId',
      rowLoader: (l) => l.post,
      author: authorsIf(ctx, withAuthors, posts.authorId),
    },
  };
}

export async function circleThreadsPage(ctx: Context, circle: CircleRow, args: ThreadsArgs, withAuthors = false, children: readonly Prefetch[] = []) {
  await readableCircle(ctx, circle.id);
  const { key, spec } = circleThreadsList(ctx, args, withAuthors);
  return childConnection<ThreadRow>(ctx, key, spec, args, circle.id, undefined, children);
}

/** All posts of a thread in the order they were written, replies included (see `replyTo`). */
export function threadPostsPage(ctx: Context, thread: ThreadRow, args: PageArgs, withAuthors = false, children: readonly Prefetch[] = []) {
  const { key, spec } = postsList(ctx, 'thread', withAuthors);
  return childConnection<PostRow>(ctx, key, spec, args, thread.id, undefined, children);
}

export function postRepliesPage(ctx: Context, post: PostRow, args: PageArgs, withAuthors = false, children: readonly Prefetch[] = []) {
  const { key, spec } = postsList(ctx, 'post', withAuthors);
  return childConnection<PostRow>(ctx, key, spec, args, post.id, undefined, children);
}

/**
 * Reaction groups of a thread or post read along with it: the same groups, counts and the
 * viewer's own reactions as the reactions loaders read, put in them.
 */
function reactionsPlanner(subject: PgColumn, into: (loaders: Loaders) => { prime(id: string, groups: ReactionGroup[]): unknown }): Planner {
  const order = (g: ReactionGroup) => REACTION_CONTENTS.indexOf(g.content);
  return (ctx, _field, prefix) => {
    const viewerId = ctx.viewer?.user.id ?? null;
    const values: Values = viewerId ? { [`${prefix}viewer`]: viewerId } : {};
    return {
      shape: `reactions(${subject.name}:${viewerId ? 'viewer' : 'anonymous'})`,
      values,
      inline: false,
      json: (parent, bind) => {
        const r = sql.identifier(`${prefix}r`);
        const mine = viewerId ? sql`bool_or(${r}.user_id = ${bind(`${prefix}viewer`)})` : sql`false`;
        return sql`(select coalesce(json_agg(json_build_array(g.content, g.n, g.mine)), '[]'::json) from (select ${r}.content, count(*)::int as n, ${mine} as mine from ${reactions} as ${r} where ${r}.${sql.identifier(subject.name)} = ${ref(parent, 'id')} group by ${r}.content) as g)`;
      },
      prime: (parentId, value) => {
        const groups = ((value ?? []) as [ReactionContent, number, boolean][]).map(([content, count, mine]) => ({ content, count, viewerHasReacted: Boolean(mine) }));
        into(ctx.loaders).prime(parentId, groups.sort((a, b) => order(a) - order(b)));
      },
      // Under a page: one grouped read over the page's ids, as the loader's own batch reads them.
      page: {
        json: (agg, bind) => {
          const r = sql.identifier(`${prefix}r`);
          const mine = viewerId ? sql`bool_or(${r}.user_id = ${bind(`${prefix}viewer`)})` : sql`false`;
          return sql`(select coalesce(json_agg(json_build_array(g.subject, g.content, g.n, g.mine)), '[]'::json) from (select ${r}.${sql.identifier(subject.name)} as subject, ${r}.content, count(*)::int as n, ${mine} as mine from ${reactions} as ${r} where ${r}.${sql.identifier(subject.name)} = any(${agg('id')}) group by 1, 2) as g)`;
        },
        prime: (rows, value) => {
          const bySubject = new Map<string, ReactionGroup[]>(rows.map((row) => [row.id as string, []]));
          for (const [subjectId, content, count, mine] of (value ?? []) as [string, ReactionContent, number, boolean][]) {
            bySubject.get(subjectId)?.push({ content, count, viewerHasReacted: Boolean(mine) });
          }
          for (const [id, groups] of bySubject) into(ctx.loaders).prime(id, groups.sort((a, b) => order(a) - order(b)));
        },
      },
    };
  };
}

prefetchable('Circle', 'threads', pagePlanner('Thread', circleThreadsList));
prefetchable('Thread', 'posts', pagePlanner('Post', (ctx, _args, withAuthors) => postsList(ctx, 'thread', withAuthors)));
prefetchable('Post', 'replies', pagePlanner('Post', (ctx, _args, withAuthors) => postsList(ctx, 'post', withAuthors)));
prefetchable('Thread', 'reactionGroups', reactionsPlanner(reactions.threadId, (l) => l.threadReactions));
prefetchable('Post', 'reactionGroups', reactionsPlanner(reactions.postId, (l) => l.postReactions));

/**
 * A thread with its circle and the viewer's standing in it, and whatever the query selects under
 * the thread that can be read along (its posts with their authors and reactions, see
 * shared/prefetch.ts), in one statement, into the request's loaders: `node(id)` on a thread then
 * checks and answers from them. Nothing is decided here; the resolvers decide as always.
 */
export async function readThreadWith(ctx: Context, threadId: string, plans: readonly Prefetch[]): Promise<void> {
  const viewerId = requireViewer(ctx).user.id;
  const all: Values = { id: threadId, viewer: viewerId, ...valuesOf(plans) };
  const key = `threadWith:${shapesOf(plans)}`;
  const prepare = keepable(plans) && preparable(key);
  const bind = binder(prepare, all);
  const query = () =>
    ctx.db
      .select({
        thread: threads,
        circle: circles,
        role: circleMembers.role,
        orgAdmin: orgAdminOf(bind('viewer'), circles.id),
        prefetched: sql<unknown[]>`json_build_array(${sql.join(plans.map((p) => p.json('threads', bind)), sql`, `)})`,
      })
      .from(threads)
      .innerJoin(circles, eq(circles.id, threads.circleId))
      .leftJoin(circleMembers, and(eq(circleMembers.circleId, circles.id), eq(circleMembers.userId, bind('viewer') as string)))
      .where(eq(threads.id, bind('id') as string));
  const [row] = prepare ? await prepared(ctx.db, key, (name) => query().prepare(name)).execute(all) : await query();
  ctx.loaders.thread.prime(threadId, row?.thread ?? null);
  if (!row) return;
  ctx.loaders.circle.prime(row.circle.id, row.circle);
  ctx.loaders.viewerStanding.prime(row.circle.id, { role: row.role ?? null, orgAdmin: Boolean(row.orgAdmin) });
  plans.forEach((p, i) => p.prime(threadId, row.prefetched[i]));
}

/** A thread the viewer may read, or NOT_FOUND. */
export async function readableThread(ctx: Context, threadId: string, field = 'threadId'): Promise<ThreadRow> {
  const thread = await ctx.loaders.thread.load(threadId);
  if (!thread) throw new NotFoundError('Thread', field);
  await readableCircle(ctx, thread.circleId, field).catch(() => {
    throw new NotFoundError('Thread', field);
  });
  return thread;
}

async function lockedThread(tx: Tx, threadId: string, field: string): Promise<ThreadRow> {
  const [thread] = await tx.select().from(threads).where(eq(threads.id, threadId)).for('update');
  if (!thread) throw new NotFoundError('Thread', field);
  return thread;
}

const POST_COLUMNS = columnsOf(posts);
const postFromJson = objectDecoder<PostRow>(POST_COLUMNS);

/** What `hub_create_posts` read before refusing a post (null: no such thread). */
interface PostFacts {
  thread: { id: string; isLocked: boolean; hiddenAt: string | null };
  circle: CircleFacts;
  role: CircleRole | null;
  orgAdmin: boolean;
  parent: { threadId: string; hiddenAt: string | null } | null;
}

/**
 * Throws the error the API gives when the viewer may not post to the thread (or reply to
 * `replyToId` in it), in the order the checks are made: NOT_FOUND for a thread the viewer may not
 * see, FORBIDDEN when they see it but may not post. `hub_create_posts` (migration 0017) makes the
 * same checks in the database and, refusing, hands over what it read: this names the refusal.
 */
function assertMayPost(facts: PostFacts | null, replyToId: string | null): void {
  if (!facts) throw new NotFoundError('Thread', 'threadId');
  const { thread, parent } = facts;
  const standing: Standing = { signedIn: true, role: facts.role ?? null, orgAdmin: Boolean(facts.orgAdmin) };
  const date = (at: string | null) => (at ? new Date(at) : null);
  try {
    assertCan('post', facts.circle, standing, 'threadId');
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError('Thread', 'threadId');
    throw err;
  }
  if (thread.isLocked) throw new ForbiddenError('This thread is locked and takes no new posts.');
  assertNotHidden(date(thread.hiddenAt), standing, 'thread');
  if (replyToId) {
    if (!parent || parent.threadId !== thread.id) throw new BadInputError('replyToId', 'must be a post of the same thread');
    assertNotHidden(date(parent.hiddenAt), standing, 'post');
  }
}

type CreatePostResult = { post: Record<string, unknown>; replay?: undefined } | { replay: { mutation: string; resultId: string }; post?: undefined };
/** What the database answers for one post: written, a retry's first result, or refused with the facts it read. */
type PostOutcome = CreatePostResult | { refused: PostFacts | null; post?: undefined; replay?: undefined };

interface PostWrite {
  viewer: string;
  thread: string;
  replyTo: string | null;
  id: string;
  body: string;
  now: string;
  clientMutationId: string | null;
  mentions: string[];
  /** The request's id and log, should the call it shares fail. */
  requestId: string;
  log?: Logger;
}

/**
 * createPost's claims of the retry keys, checks and writes (the posts, their threads' counts, the
 * activity entries under the log's lock, the notifications and NOTIFY) in one database function,
 * called as a statement of its own: one round trip and one commit for one post or for several
 * that arrived together, each checked and answered on its own (migrations 0013 and 0017).
 */
async function writePosts(db: Context['db'], ws: PostWrite[]): Promise<PostOutcome[]> {
  // Built by drizzle once per handle and kept prepared: building it on every post cost the hub
  // more CPU than any other part of the call. Drizzle's select wants a FROM: one row.
  const call = prepared(db, 'createPosts', (name) =>
    db
      .select({
        result: sql<PostOutcome[]>`hub_create_posts(${sql.placeholder('viewers')}::uuid[], ${sql.placeholder('threads')}::uuid[],
          ${sql.placeholder('replyTos')}::uuid[], ${sql.placeholder('ids')}::uuid[], ${sql.placeholder('bodies')}::text[],
          ${sql.placeholder('nows')}::timestamptz[], ${sql.placeholder('clientMutationIds')}::text[],
          ${sql.placeholder('mentionItems')}::int[], ${sql.placeholder('mentionHandles')}::text[])`,
      })
      .from(sql`(select 1) as one`)
      .prepare(name),
  );
  const mentionItems: number[] = [];
  const mentionHandles: string[] = [];
  ws.forEach((w, i) => {
    for (const handle of w.mentions) {
      mentionItems.push(i + 1);
      mentionHandles.push(handle);
    }
  });
  const [row] = await call.execute({
    viewers: ws.map((w) => w.viewer),
    threads: ws.map((w) => w.thread),
    replyTos: ws.map((w) => w.replyTo),
    ids: ws.map((w) => w.id),
    bodies: ws.map((w) => w.body),
    nows: ws.map((w) => w.now),
    clientMutationIds: ws.map((w) => w.clientMutationId),
    mentionItems,
    mentionHandles,
  });
  return row.result;
}

const postBatchers = new WeakMap<Context['db'], WriteBatcher<PostWrite, PostOutcome>>();

async function writePost(ctx: Context, viewer: Viewer, input: { id: string; threadId: string; replyToId: string | null; body: string; clientMutationId: string | null }) {
  const db = ctx.db;
  let batcher = postBatchers.get(db);
  if (!batcher) {
    batcher = new WriteBatcher<PostWrite, PostOutcome>(
      (ws) => writePosts(db, ws),
      (w) => (w.clientMutationId === null ? null : `${w.viewer}:${w.clientMutationId}`),
      {
        onSplit: (err, ws) =>
          ws.find((w) => w.log)?.log?.warn('posts written together failed; writing each again alone', {
            err: err instanceof Error ? err.message : String(err),
            requestIds: ws.map((w) => w.requestId),
          }),
      },
    );
    postBatchers.set(db, batcher);
  }
  const outcome = await batcher.submit({
    viewer: viewer.user.id,
    thread: input.threadId,
    replyTo: input.replyToId,
    id: input.id,
    body: input.body,
    now: new Date().toISOString(),
    clientMutationId: input.clientMutationId,
    mentions: mentionedHandles(input.body),
    requestId: ctx.requestId,
    log: ctx.request?.log,
  });
  if (outcome.post || outcome.replay) return outcome as CreatePostResult;
  assertMayPost(outcome.refused, input.replyToId);
  // The database's checks and the policy's must agree (test/create-post.test.ts holds them to it).
  throw new Error(`createPost: the database refused a post the policy allows (${JSON.stringify(outcome.refused)})`);
}

/** The circle of a thread or post, for an action; anything the viewer cannot see is NOT_FOUND. */
async function circleOf(tx: Tx, viewer: Viewer, circleId: string, action: Parameters<typeof circleFor>[3], what: string, field: string) {
  try {
    return await circleFor(tx, viewer, circleId, action, field);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(what, field);
    throw err;
  }
}

async function setGoals(tx: Tx, threadId: string, goals: number[]) {
  await tx.delete(threadSdgGoals).where(eq(threadSdgGoals.threadId, threadId));
  const unique = [...new Set(goals)];
  if (unique.length) await tx.insert(threadSdgGoals).values(unique.map((goal) => ({ threadId, goal })));
}

export async function createThread(ctx: Context, input: CreateThreadInput): Promise<ThreadRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const id = randomUUID();
  let replayed = false;
  const threadId = await ctx.db.transaction(async (tx) => {
    const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'createThread', id);
    if (first) {
      replayed = true;
      return first;
    }
    await circleFor(tx, viewer, circleId, 'post');
    await tx.insert(threads).values({ id, circleId, authorId: viewer.user.id, title: input.title.trim(), body: input.body });
    if (input.sdgGoals?.length) await setGoals(tx, id, input.sdgGoals);
    await appendActivity(tx, {
      circleId,
      kind: 'THREAD_CREATED',
      actorId: viewer.user.id,
      threadId: id,
      mentions: mentionedHandles(`${input.title}\n${input.body}`),
    });
    return id;
  });
  // A retry gets the first result only while the viewer may still see it (not after removal).
  if (replayed) return readableThread(ctx, threadId, 'clientMutationId');
  return (await ctx.loaders.thread.clear(threadId).load(threadId))!;
}

export async function updateThread(ctx: Context, input: UpdateThreadInput): Promise<ThreadRow> {
  const viewer = requireViewer(ctx);
  const threadId = fromGlobalId(input.threadId, 'Thread', 'threadId');
  return ctx.db.transaction(async (tx) => {
    const thread = await lockedThread(tx, threadId, 'threadId');
    const { circle, standing } = await circleOf(tx, viewer, thread.circleId, 'read', 'Thread', 'threadId');
    const editsContent = input.title != null || input.body != null || input.sdgGoals != null;
    const moderates = input.isPinned != null || input.isLocked != null;
    if (moderates) assertCan('moderate', circle, standing, 'threadId');
    if (editsContent) {
      // Like a post, a thread's words are its author's: moderators pin, lock and delete, never rewrite.
      if (thread.authorId !== viewer.user.id) throw new ForbiddenError('Only its author may edit a thread.');
      assertCan('editOwn', circle, standing, 'threadId');
      assertNotHidden(thread.hiddenAt, standing, 'thread');
    }
    if (!editsContent && !moderates) return thread;
    const now = new Date();
    const [updated] = await tx
      .update(threads)
      .set({
        ...(input.title != null && { title: input.title.trim() }),
        ...(input.body != null && { body: input.body }),
        ...(input.isPinned != null && { isPinned: input.isPinned }),
        ...(input.isLocked != null && { isLocked: input.isLocked }),
        updatedAt: now,
        lastActivityAt: now,
      })
      .where(eq(threads.id, threadId))
      .returning();
    if (input.sdgGoals != null) await setGoals(tx, threadId, input.sdgGoals);
    await appendActivity(tx, {
      circleId: thread.circleId,
      kind: 'THREAD_UPDATED',
      actorId: viewer.user.id,
      threadId,
      // Only what the author wrote mentions; a pin or a lock tells no one new.
      mentions: editsContent ? mentionedHandles(`${updated.title}\n${updated.body}`) : undefined,
    });
    return updated;
  });
}

export async function createPost(ctx: Context, input: CreatePostInput): Promise<PostRow> {
  const viewer = requireViewer(ctx);
  const threadId = fromGlobalId(input.threadId, 'Thread', 'threadId');
  const replyToId = optionalGlobalId(input.replyToId, 'Post', 'replyToId') ?? null;
  const result = await writePost(ctx, viewer, { id: randomUUID(), threadId, replyToId, body: input.body, clientMutationId: input.clientMutationId ?? null });
  if (result.post) {
    const written = postFromJson(result.post);
    ctx.loaders.post.clear(written.id).prime(written.id, written);
    return written;
  }
  if (result.replay.mutation !== 'createPost') throw idempotencyKeyReused(result.replay.mutation);
  // A retry gets the first result, read again, only while the viewer may still see it (not after removal).
  const post = (await ctx.loaders.post.clear(result.replay.resultId).load(result.replay.resultId))!;
  await readableThread(ctx, post.threadId).catch(() => {
    throw new NotFoundError('Post', 'clientMutationId');
  });
  return post;
}

async function lockedPost(tx: Tx, viewer: Viewer, postId: string) {
  const [row] = await tx
    .select({ post: posts, circleId: threads.circleId })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .where(eq(posts.id, postId))
    .for('update', { of: posts });
  if (!row) throw new NotFoundError('Post', 'postId');
  const access = await circleOf(tx, viewer, row.circleId, 'read', 'Post', 'postId');
  if (row.post.deletedAt) throw new NotFoundError('Post', 'postId');
  return { post: row.post, ...access };
}

export async function updatePost(ctx: Context, input: UpdatePostInput): Promise<PostRow> {
  const viewer = requireViewer(ctx);
  const postId = fromGlobalId(input.postId, 'Post', 'postId');
  return ctx.db.transaction(async (tx) => {
    const { post, circle, standing } = await lockedPost(tx, viewer, postId);
    if (post.authorId !== viewer.user.id) throw new ForbiddenError('Only its author may edit a post.');
    assertCan('editOwn', circle, standing, 'postId');
    assertNotHidden(post.hiddenAt, standing, 'post');
    const [updated] = await tx.update(posts).set({ body: input.body, editedAt: new Date() }).where(eq(posts.id, postId)).returning();
    await appendActivity(tx, {
      circleId: circle.id,
      kind: 'POST_UPDATED',
      actorId: viewer.user.id,
      threadId: post.threadId,
      postId,
      mentions: mentionedHandles(input.body),
    });
    return updated;
  });
}

export async function deletePost(ctx: Context, input: DeletePostInput): Promise<PostRow> {
  const viewer = requireViewer(ctx);
  const postId = fromGlobalId(input.postId, 'Post', 'postId');
  return ctx.db.transaction(async (tx) => {
    const { post, circle, standing } = await lockedPost(tx, viewer, postId);
    assertCan(post.authorId === viewer.user.id ? 'editOwn' : 'moderate', circle, standing, 'postId');
    // Soft delete: replies keep their place in the thread; the text is gone for good.
    // (A hidden post already left postCount when it was hidden.)
    const [deleted] = await tx
      .update(posts)
      .set({ body: '', deletedAt: new Date() })
      .where(eq(posts.id, postId))
      .returning();
    await tx
      .update(threads)
      .set({ postCount: post.hiddenAt ? threads.postCount : sql`greatest(${threads.postCount} - 1, 0)` })
      .where(eq(threads.id, post.threadId));
    await appendActivity(tx, { circleId: circle.id, kind: 'POST_DELETED', actorId: viewer.user.id, threadId: post.threadId, postId });
    return deleted;
  });
}

/** Thread or post behind a reaction's subject ID, with the circle it lives in. */
async function reactionSubject(tx: Tx, viewer: Viewer, subjectId: string) {
  const parsed = parseGlobalId(subjectId);
  if (!parsed) throw new BadInputError('subjectId', 'is not a valid Thread or Post ID');
  if (parsed.type === 'Thread') {
    const [thread] = await tx.select().from(threads).where(eq(threads.id, parsed.id));
    if (!thread) throw new NotFoundError('Thread', 'subjectId');
    const access = await circleOf(tx, viewer, thread.circleId, 'react', 'Thread', 'subjectId');
    assertNotHidden(thread.hiddenAt, access.standing, 'thread');
    return { threadId: thread.id, postId: null, thread, ...access };
  }
  if (parsed.type === 'Post') {
    const [row] = await tx
      .select({ post: posts, thread: threads })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(and(eq(posts.id, parsed.id), isNull(posts.deletedAt)));
    if (!row) throw new NotFoundError('Post', 'subjectId');
    const access = await circleOf(tx, viewer, row.thread.circleId, 'react', 'Post', 'subjectId');
    assertNotHidden(row.post.hiddenAt, access.standing, 'post');
    return { threadId: row.thread.id, postId: row.post.id, thread: row.thread, ...access };
  }
  throw new NotFoundError('Thread or Post', 'subjectId');
}

async function groupsAfter(ctx: Context, subject: { threadId: string; postId: string | null }): Promise<ReactionGroup[]> {
  const loader = subject.postId ? ctx.loaders.postReactions : ctx.loaders.threadReactions;
  const id = subject.postId ?? subject.threadId;
  return loader.clear(id).load(id);
}

export async function addReaction(ctx: Context, input: AddReactionInput): Promise<ReactionGroup[]> {
  const viewer = requireViewer(ctx);
  const subject = await ctx.db.transaction(async (tx) => {
    const s = await reactionSubject(tx, viewer, input.subjectId);
    const added = await tx
      .insert(reactions)
      .values({ userId: viewer.user.id, threadId: s.postId ? null : s.threadId, postId: s.postId, content: input.content })
      .onConflictDoNothing()
      .returning({ id: reactions.id });
    // Reacting twice is a no-op, so a retried request neither fails nor logs twice.
    if (added.length) {
      await appendActivity(tx, { circleId: s.circle.id, kind: 'REACTION_ADDED', actorId: viewer.user.id, threadId: s.threadId, postId: s.postId });
    }
    return s;
  });
  return groupsAfter(ctx, subject);
}

export async function removeReaction(ctx: Context, input: { subjectId: string; content: ReactionContent }): Promise<ReactionGroup[]> {
  const viewer = requireViewer(ctx);
  const subject = await ctx.db.transaction(async (tx) => {
    const s = await reactionSubject(tx, viewer, input.subjectId);
    const removed = await tx
      .delete(reactions)
      .where(
        and(
          eq(reactions.userId, viewer.user.id),
          eq(reactions.content, input.content),
          s.postId ? eq(reactions.postId, s.postId) : and(eq(reactions.threadId, s.threadId), isNull(reactions.postId)),
        ),
      )
      .returning({ id: reactions.id });
    if (removed.length) {
      await appendActivity(tx, { circleId: s.circle.id, kind: 'REACTION_REMOVED', actorId: viewer.user.id, threadId: s.threadId, postId: s.postId });
    }
    return s;
  });
  return groupsAfter(ctx, subject);
}
