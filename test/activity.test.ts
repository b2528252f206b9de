import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gt, sql } from 'drizzle-orm';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { activity, posts, resources, threads } from '../src/db/schema.js';
import { parseGlobalId } from '../src/shared/ids.js';

/**
 * The activity log as clients see it through `Circle.activity`: one entry per write, with the
 * right subject, in commit order, nothing for failed writes; unread counts and read marks.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
/** The bigint behind an Activity's global ID. */
const seq = (activityId: string) => BigInt(dbId(activityId));

const ACTIVITY_FIELDS = `id cursor kind occurredAt circle { id } actor { id } thread { id } post { id } resource { id }
  membership { user { id } role organisation { id } circle { id } }`;
const LOG = `query($slug: String!, $first: Int, $after: String) {
  circle(slug: $slug) {
    activity(first: $first, after: $after) {
      edges { cursor node { ${ACTIVITY_FIELDS} } }
      nodes { id }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

interface Entry {
  id: string;
  cursor: string;
  kind: string;
  occurredAt: string;
  circle: { id: string };
  actor: { id: string } | null;
  thread: { id: string } | null;
  post: { id: string } | null;
  resource: { id: string } | null;
  membership: { user: { id: string }; role: string; organisation: { id: string } | null; circle: { id: string } } | null;
}

/** Every entry of a circle's log after `after`, following pages of `first`. */
async function readLog(reader: Actor, circle: Ref, after: string | null = null, first = 100): Promise<Entry[]> {
  const out: Entry[] = [];
  for (let page = 0; page < 1000; page++) {
    const conn = ok(await reader.gql(LOG, { slug: circle.slug, first, after })).circle.activity;
    expect(conn.nodes.map((n: any) => n.id)).toEqual(conn.edges.map((e: any) => e.node.id));
    for (const edge of conn.edges) {
      // The entry's own cursor is the edge's cursor: either resumes the feed from here.
      expect(edge.node.cursor).toBe(edge.cursor);
      out.push(edge.node);
    }
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
    expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
    if (!conn.pageInfo.hasNextPage) return out;
    expect(conn.edges).toHaveLength(first);
    after = conn.pageInfo.endCursor;
  }
  throw new Error('the log does not end');
}

/** A reader's position in a circle's log: `next()` is what was appended since the last call. */
async function follow(reader: Actor, circle: Ref) {
  let cursor: string | null = (await readLog(reader, circle)).at(-1)?.cursor ?? null;
  return {
    async next(): Promise<Entry[]> {
      const entries = await readLog(reader, circle, cursor);
      if (entries.length) cursor = entries.at(-1)!.cursor;
      return entries;
    },
  };
}

/** An entry reduced to ids, for comparing with what a write should have logged. */
function shape(e: Entry) {
  return {
    kind: e.kind,
    circle: e.circle.id,
    actor: e.actor?.id ?? null,
    thread: e.thread?.id ?? null,
    post: e.post?.id ?? null,
    resource: e.resource?.id ?? null,
    membership: e.membership
      ? { user: e.membership.user.id, role: e.membership.role, organisation: e.membership.organisation?.id ?? null, circle: e.membership.circle.id }
      : null,
  };
}
const NONE = { thread: null, post: null, resource: null, membership: null };

async function count(table: typeof posts | typeof activity | typeof resources | typeof threads): Promise<number> {
  const [row] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(table as any);
  return row.n;
}

/**
 * Runs `body` with a trigger on the activity table of the test database, fired for `circle`'s
 * entries only (other tests' writes go on as usual): a real database condition inside the
 * append, not a mock.
 */
async function withActivityTrigger(circle: Ref, timing: 'before' | 'after', plpgsql: string, body: () => Promise<void>) {
  const name = `test_activity_${timing}_${Math.random().toString(36).slice(2, 8)}`;
  const db = hub.database.db;
  await db.execute(
    sql.raw(`create function ${name}() returns trigger language plpgsql as $$
      begin
        if new.circle_id = '${dbId(circle.id)}' then ${plpgsql} end if;
        return new;
      end $$`),
  );
  await db.execute(sql.raw(`create trigger ${name} ${timing} insert on activity for each row execute function ${name}()`));
  try {
    await body();
  } finally {
    await db.execute(sql.raw(`drop trigger ${name} on activity`));
    await db.execute(sql.raw(`drop function ${name}()`));
  }
}

const M = {
  createThread: `mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id } } }`,
  joinCircle: `mutation($input: JoinCircleInput!) { joinCircle(input: $input) { membership { role } } }`,
  addCircleMember: `mutation($input: AddCircleMemberInput!) { addCircleMember(input: $input) { membership { role } } }`,
  updateRole: `mutation($input: UpdateCircleMemberRoleInput!) { updateCircleMemberRole(input: $input) { membership { role } } }`,
  leave: `mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`,
  remove: `mutation($input: RemoveCircleMemberInput!) { removeCircleMember(input: $input) { circle { id } } }`,
  addOrg: `mutation($input: AddCircleOrganisationInput!) { addCircleOrganisation(input: $input) { circle { id } } }`,
  updateThread: `mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id isLocked isPinned } } }`,
  createPost: `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
  updatePost: `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`,
  deletePost: `mutation($input: DeletePostInput!) { deletePost(input: $input) { post { id isDeleted } } }`,
  addReaction: `mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { content count } } }`,
  removeReaction: `mutation($input: RemoveReactionInput!) { removeReaction(input: $input) { reactionGroups { content count } } }`,
  share: `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id } } }`,
  markRead: `mutation($input: MarkCircleReadInput!) { markCircleRead(input: $input) { circle { viewerUnreadCount } } }`,
};

describe('every write appends its activity', () => {
  let coordinator: Actor;
  let org: Ref;
  let circle: Ref;
  let member: Actor;
  let log: Awaited<ReturnType<typeof follow>>;

  beforeAll(async () => {
    ({ coordinator, org, circle } = await kit.circleWithCoordinator());
    member = await kit.user('Member');
    await coordinator.addMember(circle, member);
  });

  it('createCircle logs MEMBER_JOINED for its coordinator', async () => {
    const fresh = await coordinator.createCircle({ orgs: [org] });
    const entries = await readLog(coordinator, fresh);
    expect(entries.map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_JOINED',
        circle: fresh.id,
        actor: coordinator.id,
        membership: { user: coordinator.id, role: 'COORDINATOR', organisation: org.id, circle: fresh.id },
      },
    ]);
  });

  it('joinCircle logs MEMBER_JOINED by the joiner, for the organisation named', async () => {
    log = await follow(coordinator, circle);
    const joiner = await kit.user('Joiner');
    await coordinator.addToOrg(org, joiner);
    ok(await joiner.gql(M.joinCircle, { input: { circleId: circle.id, organisationId: org.id } }));
    expect((await log.next()).map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_JOINED',
        circle: circle.id,
        actor: joiner.id,
        membership: { user: joiner.id, role: 'PARTICIPANT', organisation: org.id, circle: circle.id },
      },
    ]);
  });

  it('addCircleMember logs MEMBER_JOINED by the coordinator with the role given', async () => {
    const added = await kit.user('Added');
    ok(await coordinator.gql(M.addCircleMember, { input: { circleId: circle.id, userId: added.id, role: 'FACILITATOR' } }));
    expect((await log.next()).map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_JOINED',
        circle: circle.id,
        actor: coordinator.id,
        membership: { user: added.id, role: 'FACILITATOR', organisation: null, circle: circle.id },
      },
    ]);
  });

  it('updateCircleMemberRole logs MEMBER_ROLE_CHANGED with the new role, and nothing when the role stays', async () => {
    const person = await kit.user('Promoted');
    await coordinator.addMember(circle, person);
    await log.next();
    ok(await coordinator.gql(M.updateRole, { input: { circleId: circle.id, userId: person.id, role: 'FACILITATOR' } }));
    expect((await log.next()).map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_ROLE_CHANGED',
        circle: circle.id,
        actor: coordinator.id,
        membership: { user: person.id, role: 'FACILITATOR', organisation: null, circle: circle.id },
      },
    ]);
    ok(await coordinator.gql(M.updateRole, { input: { circleId: circle.id, userId: person.id, role: 'FACILITATOR' } }));
    expect(await log.next()).toEqual([]);
  });

  it('leaveCircle logs MEMBER_LEFT by the leaver with the membership as it was', async () => {
    const leaver = await kit.user('Leaver');
    await coordinator.addToOrg(org, leaver);
    ok(await leaver.gql(M.joinCircle, { input: { circleId: circle.id, organisationId: org.id } }));
    await log.next();
    ok(await leaver.gql(M.leave, { input: { circleId: circle.id } }));
    expect((await log.next()).map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_LEFT',
        circle: circle.id,
        actor: leaver.id,
        membership: { user: leaver.id, role: 'PARTICIPANT', organisation: org.id, circle: circle.id },
      },
    ]);
  });

  it('removeCircleMember logs MEMBER_LEFT by the coordinator with the membership as it was', async () => {
    const removed = await kit.user('Removed');
    await coordinator.addMember(circle, removed, 'FACILITATOR');
    await log.next();
    ok(await coordinator.gql(M.remove, { input: { circleId: circle.id, userId: removed.id } }));
    expect((await log.next()).map(shape)).toEqual([
      {
        ...NONE,
        kind: 'MEMBER_LEFT',
        circle: circle.id,
        actor: coordinator.id,
        membership: { user: removed.id, role: 'FACILITATOR', organisation: null, circle: circle.id },
      },
    ]);
  });

  it('addCircleOrganisation logs CIRCLE_UPDATED by the coordinator', async () => {
    const second = await coordinator.createOrg({ kind: 'VILLAGE_GOVERNMENT' });
    ok(await coordinator.gql(M.addOrg, { input: { circleId: circle.id, organisationId: second.id } }));
    expect((await log.next()).map(shape)).toEqual([{ ...NONE, kind: 'CIRCLE_UPDATED', circle: circle.id, actor: coordinator.id }]);
  });

  it('createThread and updateThread log THREAD_CREATED and THREAD_UPDATED with the thread', async () => {
    const thread = await member.createThread(circle, { title: 'Musrenbang desa' });
    expect((await log.next()).map(shape)).toEqual([{ ...NONE, kind: 'THREAD_CREATED', circle: circle.id, actor: member.id, thread: thread.id }]);
    ok(await member.gql(M.updateThread, { input: { threadId: thread.id, title: 'Musrenbang desa 2024' } }));
    ok(await coordinator.gql(M.updateThread, { input: { threadId: thread.id, isPinned: true } }));
    ok(await coordinator.gql(M.updateThread, { input: { threadId: thread.id, isLocked: true } }));
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'THREAD_UPDATED', circle: circle.id, actor: member.id, thread: thread.id },
      { ...NONE, kind: 'THREAD_UPDATED', circle: circle.id, actor: coordinator.id, thread: thread.id },
      { ...NONE, kind: 'THREAD_UPDATED', circle: circle.id, actor: coordinator.id, thread: thread.id },
    ]);
  });

  it('post writes log POST_CREATED, POST_UPDATED and POST_DELETED with the thread and post', async () => {
    const thread = await coordinator.createThread(circle);
    await log.next();
    const post = await member.createPost(thread, { body: 'Jadwal musdes?' });
    const reply = await coordinator.createPost(thread, { replyTo: post, body: 'Minggu depan.' });
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'POST_CREATED', circle: circle.id, actor: member.id, thread: thread.id, post: post.id },
      { ...NONE, kind: 'POST_CREATED', circle: circle.id, actor: coordinator.id, thread: thread.id, post: reply.id },
    ]);
    ok(await member.gql(M.updatePost, { input: { postId: post.id, body: 'Jadwal musdes kapan?' } }));
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'POST_UPDATED', circle: circle.id, actor: member.id, thread: thread.id, post: post.id },
    ]);
    ok(await coordinator.gql(M.deletePost, { input: { postId: post.id } }));
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'POST_DELETED', circle: circle.id, actor: coordinator.id, thread: thread.id, post: post.id },
    ]);
  });

  it('reactions log REACTION_ADDED and REACTION_REMOVED once each, on threads and on posts', async () => {
    const thread = await coordinator.createThread(circle);
    const post = await coordinator.createPost(thread);
    await log.next();
    const before = await count(activity);
    ok(await member.gql(M.addReaction, { input: { subjectId: thread.id, content: 'HEART' } }));
    // Reacting the same way twice is a no-op: still one reaction, one activity.
    const again = ok(await member.gql(M.addReaction, { input: { subjectId: thread.id, content: 'HEART' } })) as any;
    expect(again.addReaction.reactionGroups).toEqual([{ content: 'HEART', count: 1 }]);
    ok(await member.gql(M.addReaction, { input: { subjectId: post.id, content: 'THUMBS_UP' } }));
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'REACTION_ADDED', circle: circle.id, actor: member.id, thread: thread.id },
      { ...NONE, kind: 'REACTION_ADDED', circle: circle.id, actor: member.id, thread: thread.id, post: post.id },
    ]);
    expect(await count(activity)).toBe(before + 2);
    ok(await member.gql(M.removeReaction, { input: { subjectId: post.id, content: 'THUMBS_UP' } }));
    ok(await member.gql(M.removeReaction, { input: { subjectId: post.id, content: 'THUMBS_UP' } }));
    ok(await member.gql(M.removeReaction, { input: { subjectId: thread.id, content: 'HEART' } }));
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'REACTION_REMOVED', circle: circle.id, actor: member.id, thread: thread.id, post: post.id },
      { ...NONE, kind: 'REACTION_REMOVED', circle: circle.id, actor: member.id, thread: thread.id },
    ]);
  });

  it('shareResource logs one RESOURCE_SHARED in each circle it is shared with', async () => {
    const second = await coordinator.createCircle({ orgs: [org] });
    const bystander = await coordinator.createCircle({ orgs: [org] });
    const secondLog = await follow(coordinator, second);
    const bystanderLog = await follow(coordinator, bystander);
    const resource = await coordinator.shareResource([circle, second]);
    expect((await log.next()).map(shape)).toEqual([
      { ...NONE, kind: 'RESOURCE_SHARED', circle: circle.id, actor: coordinator.id, resource: resource.id },
    ]);
    expect((await secondLog.next()).map(shape)).toEqual([
      { ...NONE, kind: 'RESOURCE_SHARED', circle: second.id, actor: coordinator.id, resource: resource.id },
    ]);
    expect(await bystanderLog.next()).toEqual([]);
  });

  it('lists the log oldest first and pages it with after without gaps or duplicates', async () => {
    const all = await readLog(coordinator, circle, null, 100);
    expect(all.length).toBeGreaterThan(20);
    const rows = await hub.database.db
      .select({ id: activity.id })
      .from(activity)
      .where(eq(activity.circleId, dbId(circle.id)))
      .orderBy(activity.id);
    expect(all.map((e) => seq(e.id))).toEqual(rows.map((r) => r.id));
    for (let i = 1; i < all.length; i++) {
      expect(seq(all[i].id) > seq(all[i - 1].id)).toBe(true);
      expect(Date.parse(all[i].occurredAt)).toBeGreaterThanOrEqual(Date.parse(all[i - 1].occurredAt));
    }
    for (const first of [2, 7]) {
      expect((await readLog(coordinator, circle, null, first)).map((e) => e.id)).toEqual(all.map((e) => e.id));
    }
    // Resuming from any entry gives exactly what follows it.
    for (const i of [0, 5, all.length - 2, all.length - 1]) {
      expect((await readLog(coordinator, circle, all[i].cursor, 4)).map((e) => e.id)).toEqual(all.slice(i + 1).map((e) => e.id));
    }
  });

  it('gives every entry a cursor equal to its edge cursor', async () => {
    const conn = (await coordinator.must(LOG, { slug: circle.slug, first: 100 })).circle.activity;
    expect(conn.edges.length).toBeGreaterThan(20);
    for (const edge of conn.edges) expect(edge.node.cursor).toBe(edge.cursor);
  });

  it('refuses bad first and after arguments of the log', async () => {
    for (const first of [0, -1, 101]) {
      const res = await coordinator.gql(LOG, { slug: circle.slug, first });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions?.field).toBe('first');
    }
    for (const after of ['garbage', Buffer.from('["x"]').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      const res = await coordinator.gql(LOG, { slug: circle.slug, first: 5, after });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions?.field).toBe('after');
    }
  });
});

describe('a failed write', () => {
  let coordinator: Actor;
  let circle: Ref;
  let member: Actor;

  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    member = await kit.user('Member');
    await coordinator.addMember(circle, member);
  });

  /** Runs a write that must fail with `code`, and checks it left no row behind in any table named. */
  async function expectNothingWritten(write: () => Promise<GraphQLResponse>, code: string, field?: string) {
    const tables = [posts, activity, resources, threads] as const;
    const before = await Promise.all(tables.map(count));
    const log = await follow(coordinator, circle);
    const res = await write();
    expect(codeOf(res), JSON.stringify(res)).toBe(code);
    if (field) expect(res.errors![0].extensions?.field).toBe(field);
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect(await log.next()).toEqual([]);
  }

  it('leaves no post and no activity when the thread is locked', async () => {
    const thread = await member.createThread(circle);
    await member.createPost(thread);
    ok(await coordinator.gql(M.updateThread, { input: { threadId: thread.id, isLocked: true } }));
    await expectNothingWritten(() => member.gql(M.createPost, { input: { threadId: thread.id, body: 'Too late' } }), 'FORBIDDEN');
    const d = await member.must(`query($id: ID!) { node(id: $id) { ... on Thread { postCount posts { totalCount } } } }`, { id: thread.id });
    expect(d.node).toEqual({ postCount: 1, posts: { totalCount: 1 } });
  });

  it('leaves no post and no activity when replyToId is a post of another thread', async () => {
    const thread = await member.createThread(circle);
    const elsewhere = await member.createPost(await member.createThread(circle));
    await expectNothingWritten(
      () => member.gql(M.createPost, { input: { threadId: thread.id, body: 'Reply', replyToId: elsewhere.id } }),
      'BAD_USER_INPUT',
      'replyToId',
    );
    await expectNothingWritten(
      () => member.gql(M.createPost, { input: { threadId: thread.id, body: 'Reply', replyToId: 'not-an-id' } }),
      'BAD_USER_INPUT',
      'replyToId',
    );
  });

  it('leaves nothing when a non-member posts, a member is added twice or the last coordinator leaves', async () => {
    const outsider = await kit.user('Outsider');
    const thread = await member.createThread(circle);
    await expectNothingWritten(() => outsider.gql(M.createPost, { input: { threadId: thread.id, body: 'Hi' } }), 'FORBIDDEN');
    await expectNothingWritten(
      () => coordinator.gql(M.addCircleMember, { input: { circleId: circle.id, userId: member.id, role: 'PARTICIPANT' } }),
      'CONFLICT',
      'userId',
    );
    await expectNothingWritten(() => coordinator.gql(M.leave, { input: { circleId: circle.id } }), 'CONFLICT');
    const d = await coordinator.must(`query($slug: String!) { circle(slug: $slug) { viewerRole } }`, { slug: circle.slug });
    expect(d.circle.viewerRole).toBe('COORDINATOR');
  });

  it('rolls the whole write back when its activity cannot be appended: no thread, no post, no resource', async () => {
    const thread = await member.createThread(circle);
    await withActivityTrigger(circle, 'before', `raise exception 'activity append refused (test)';`, async () => {
      await expectNothingWritten(
        () => member.gql(M.createThread, { input: { circleId: circle.id, title: 'Tidak tercatat', body: 'Isi' } }),
        'INTERNAL_SERVER_ERROR',
      );
      await expectNothingWritten(() => member.gql(M.createPost, { input: { threadId: thread.id, body: 'Tidak tercatat' } }), 'INTERNAL_SERVER_ERROR');
      await expectNothingWritten(
        () => member.gql(M.share, { input: { title: 'Tidak tercatat', kind: 'DOCUMENT', url: 'https://example.org/t.pdf', circleIds: [circle.id] } }),
        'INTERNAL_SERVER_ERROR',
      );
    });
    const [titled] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(threads).where(eq(threads.title, 'Tidak tercatat'));
    expect(titled.n).toBe(0);
    const d = await member.must(`query($id: ID!) { node(id: $id) { ... on Thread { postCount } } }`, { id: thread.id });
    expect(d.node.postCount).toBe(0);
    // Once the database takes appends again, the same writes go through.
    ok(await member.gql(M.createPost, { input: { threadId: thread.id, body: 'Tercatat' } }));
  });

  it('shares nothing when one of the circles refuses the resource', async () => {
    const other = await kit.circleWithCoordinator();
    await expectNothingWritten(
      () =>
        member.gql(M.share, {
          input: { title: 'Panduan', kind: 'DOCUMENT', url: 'https://example.org/p.pdf', circleIds: [circle.id, other.circle.id] },
        }),
      'FORBIDDEN',
    );
  });
});

describe('unread counts and read marks', () => {
  let coordinator: Actor;
  let circle: Ref;
  let reader: Actor;
  let outsider: Actor;
  const UNREAD = `query($slug: String!) { circle(slug: $slug) { viewerUnreadCount } }`;
  const unread = async (who: Actor) => (await who.must(UNREAD, { slug: circle.slug })).circle.viewerUnreadCount as number;
  const markRead = (who: Actor, upTo?: string) => who.gql(M.markRead, { input: { circleId: circle.id, upTo } });

  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    reader = await kit.user('Reader');
    outsider = await kit.user('Outsider');
    await reader.join(circle);
  });

  it('counts what others did since the last markCircleRead and ignores the viewer’s own', async () => {
    expect(ok(await markRead(reader)) as any).toEqual({ markCircleRead: { circle: { viewerUnreadCount: 0 } } });
    expect(await unread(reader)).toBe(0);
    const thread = await coordinator.createThread(circle);
    await coordinator.createPost(thread);
    expect(await unread(reader)).toBe(2);
    // The reader's own writes are not news to them.
    const own = await reader.createPost(thread);
    ok(await reader.gql(M.addReaction, { input: { subjectId: own.id, content: 'EYES' } }));
    expect(await unread(reader)).toBe(2);
    const third = await kit.user('Third');
    await third.join(circle);
    ok(await third.gql(M.addReaction, { input: { subjectId: own.id, content: 'HEART' } }));
    expect(await unread(reader)).toBe(4);
    // The coordinator has read nothing yet, but their own entries never count for them.
    const others = (await readLog(coordinator, circle)).filter((e) => e.actor?.id !== coordinator.id);
    expect(await unread(coordinator)).toBe(others.length);
    expect(ok(await markRead(reader)) as any).toEqual({ markCircleRead: { circle: { viewerUnreadCount: 0 } } });
    expect(await unread(reader)).toBe(0);
    await coordinator.createPost(thread);
    expect(await unread(reader)).toBe(1);
  });

  it('counts only what happened after joining for a member who joins a circle with history and never marked it read', async () => {
    const { coordinator: host, circle: old } = await kit.circleWithCoordinator();
    const thread = await host.createThread(old);
    for (let i = 0; i < 3; i++) await host.createPost(thread);
    const count = async (who: Actor) => (await who.must(UNREAD, { slug: old.slug })).circle.viewerUnreadCount as number;
    const history = (await readLog(host, old)).length;
    expect(history).toBe(5);

    // Joining on their own: their own MEMBER_JOINED is not news to them, the history is not theirs to read.
    const joiner = await kit.user('Joiner');
    await joiner.join(old);
    expect(await count(joiner)).toBe(0);
    // Added by the coordinator: being added is the one thing that happened since.
    const added = await kit.user('Added');
    await host.addMember(old, added);
    expect(await count(added)).toBe(1);
    expect(await count(joiner)).toBe(1);

    await host.createPost(thread);
    await host.createThread(old);
    expect(await count(joiner)).toBe(3);
    expect(await count(added)).toBe(3);
    // Through a circle list, batched with other circles, the same figures.
    const listed = await joiner.must(`{ viewer { circles(first: 20) { nodes { circle { slug viewerUnreadCount } } } } }`);
    expect(listed.viewer.circles.nodes.find((n: any) => n.circle.slug === old.slug).circle.viewerUnreadCount).toBe(3);
    // Leaving and joining again starts afresh: what happened while away is not counted.
    ok(await joiner.gql(M.leave, { input: { circleId: old.id } }));
    await host.createPost(thread);
    await joiner.join(old);
    expect(await count(joiner)).toBe(0);
  });

  it('is 0 for someone who is not a member', async () => {
    await coordinator.createThread(circle);
    expect(await unread(outsider)).toBe(0);
  });

  it('markCircleRead with upTo sets the read mark at that cursor', async () => {
    const entries = await readLog(reader, circle);
    const othersAfter = (i: number) => entries.slice(i + 1).filter((e) => e.actor?.id !== reader.id).length;
    for (const i of [2, 0, entries.length - 3, entries.length - 1]) {
      const res = ok(await markRead(reader, entries[i].cursor)) as any;
      expect(res.markCircleRead.circle.viewerUnreadCount).toBe(othersAfter(i));
      expect(await unread(reader)).toBe(othersAfter(i));
    }
    expect(othersAfter(0)).toBeGreaterThan(3);
  });

  it('markCircleRead refuses a garbage upTo naming the field upTo', async () => {
    const threadCursor = Buffer.from('["2024-01-01T00:00:00.000Z","00000000-0000-4000-8000-000000000000"]').toString('base64url');
    for (const upTo of ['garbage', threadCursor, Buffer.from('["-1"]').toString('base64url')]) {
      const res = await markRead(reader, upTo);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions?.field).toBe('upTo');
    }
  });
});

describe('an activity as a node', () => {
  const NODE = `query($id: ID!) { node(id: $id) { id ... on Activity { kind cursor circle { id } } } }`;

  it('is found by members and hidden from outsiders of a MEMBERS_ONLY circle', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY' });
    const member = await kit.user('Member');
    const outsider = await kit.user('Outsider');
    await coordinator.addMember(circle, member);
    await member.createThread(circle);
    const [first, , last] = await readLog(coordinator, circle);
    for (const entry of [first, last]) {
      for (const viewer of [coordinator, member]) {
        expect((await viewer.must(NODE, { id: entry.id })).node).toEqual({
          id: entry.id,
          kind: entry.kind,
          cursor: entry.cursor,
          circle: { id: circle.id },
        });
      }
      expect(ok(await outsider.gql(NODE, { id: entry.id })).node).toBeNull();
      expect(ok(await hub.gql(NODE, { id: entry.id })).node).toBeNull();
    }
    const d = await outsider.must(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [first.id, last.id] });
    expect(d.nodes).toEqual([null, null]);
  });

  it('is found by any signed-in user in a PUBLIC circle', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const passerby = await kit.user('Passer-by');
    const [entry] = await readLog(coordinator, circle);
    expect((await passerby.must(NODE, { id: entry.id })).node).toMatchObject({ id: entry.id, kind: 'MEMBER_JOINED' });
  });
});

describe('the append', () => {
  it('is two statements: the insert, whose trigger takes the append lock, then the notifications and the NOTIFY together', async () => {
    const { circle } = await kit.circleWithCoordinator({ quick: true });
    const member = await kit.quickUser('Pembalas');
    // A member joining is a kind that notifies: the notifications call is not skipped.
    const before = hub.statements.length;
    await member.join(circle);
    // Left out: the feed's read of the log, and the session's and the query budget's statements
    // (the budget's timer may write in between).
    const ran = hub.statements.slice(before).filter((s) => !/from "activity" where "activity"."id" >|"sessions"|rate_limits/.test(s));
    expect(ran.filter((s) => /pg_advisory_xact_lock/.test(s)), 'no separate lock statement').toEqual([]);
    const insert = ran.findIndex((s) => /insert into "activity"/.test(s));
    expect(insert).toBeGreaterThanOrEqual(0);
    expect(ran[insert + 1]).toMatch(/select hub_notify_appended\(/);
    expect(ran.slice(insert + 2).filter((s) => /activity|notif/.test(s))).toEqual([]);
    const result = await hub.database.db.execute(
      sql`select tgenabled from pg_trigger where tgname = 'activity_append_lock' and tgrelid = 'activity'::regclass`,
    );
    const [trigger] = (result as unknown as { rows: { tgenabled: string }[] }).rows;
    expect(trigger?.tgenabled).toBe('O');
  });

  it('of a post is one statement of its own, outside any transaction block: the database function that checks and writes it', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const member = await kit.quickUser('Pembalas');
    await member.join(circle);
    const thread = await coordinator.createThread(circle);
    const before = hub.statements.length;
    await member.createPost(thread, { body: 'Balasan' });
    const ran = hub.statements.slice(before).filter((s) => !/from "activity" where "activity"."id" >/.test(s));
    // The session and the query budget are not its own.
    const own = ran.filter((s) => !/"sessions"|rate_limits/i.test(s));
    expect(own.map((s) => s.slice(0, 40)), 'createPost statements').toHaveLength(1);
    expect(own[0]).toMatch(/^select hub_create_posts\(/);
    // Inside it the append comes before the notifications, whose statement then snapshots after the lock.
    const result = await hub.database.db.execute(sql`select prosrc from pg_proc where proname = 'hub_create_posts'`);
    const [fn] = (result as unknown as { rows: { prosrc: string }[] }).rows;
    const body = fn.prosrc.replace(/--.*$/gm, '');
    expect(body.indexOf('INSERT INTO activity')).toBeGreaterThan(body.indexOf('INSERT INTO posts'));
    expect(body.indexOf('PERFORM hub_notify_appended')).toBeGreaterThan(body.indexOf('INSERT INTO activity'));
  });
});

describe('a write answered with its author', () => {
  it('reads no user row: the viewer\'s own, read with the session, is already in the user loader', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const thread = await coordinator.createThread(circle);
    const before = hub.statements.length;
    const made = ok<any>(
      await coordinator.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { author { id displayName } } } }`, {
        input: { threadId: thread.id, body: 'Catatan sendiri' },
      }),
    ).createPost.post;
    expect(made.author.id).toBe(coordinator.id);
    const userReads = hub.statements.slice(before).filter((s) => /from "users"/.test(s) && !/"sessions"/.test(s));
    expect(userReads).toEqual([]);
  });
});

describe('concurrent writers', () => {
  it('commit in id order: a reader following the log never sees an id appear below one it already saw', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const writers = await Promise.all(Array.from({ length: 20 }, (_, i) => kit.quickUser(`Penulis ${i}`)));
    await Promise.all(writers.map((w) => w.join(circle)));
    // A thread each: posts to one thread queue on its row lock before they append, which would
    // order them whether or not the append itself does.
    const threadsOfWriters = await Promise.all(writers.map(() => coordinator.createThread(circle)));
    const circleId = dbId(circle.id);
    const [{ max }] = await hub.database.db.select({ max: sql<string>`max(${activity.id})::text` }).from(activity);
    const seen = new Set<bigint>();
    const late: string[] = [];
    let done = false;
    /** What a subscriber or a client paging with `after` does: read what is there past the cursor, again and again. */
    const reader = (async () => {
      let highest = BigInt(max);
      while (!done) {
        const rows = await hub.database.db
          .select({ id: activity.id })
          .from(activity)
          .where(and(eq(activity.circleId, circleId), gt(activity.id, BigInt(max))));
        for (const { id } of rows) {
          if (seen.has(id)) continue;
          seen.add(id);
          if (id < highest) late.push(`${id} appeared after ${highest} had been read`);
        }
        for (const id of seen) if (id > highest) highest = id;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    // Between taking its id and committing, each append waits a random while: without the
    // append lock, a later id would commit (and be read) while an earlier one is still waiting.
    await withActivityTrigger(circle, 'after', 'perform pg_sleep(random() * 0.04);', async () => {
      await Promise.all(writers.map((w, i) => w.createPost(threadsOfWriters[i], { body: `Berurutan ${i}` })));
    });
    done = true;
    await reader;
    expect(late).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(20);
  });

  // Commit order itself is the test above: contiguity alone holds without the append lock too.
  it('get distinct activity ids, contiguous in order of occurrence, each post logged once', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const writers = await Promise.all(Array.from({ length: 20 }, (_, i) => kit.user(`Writer ${i}`)));
    await Promise.all(writers.map((w) => w.join(circle)));
    const threadsOfCircle: Ref[] = [];
    for (let i = 0; i < 5; i++) threadsOfCircle.push(await coordinator.createThread(circle));
    const before = (await readLog(coordinator, circle)).at(-1)!;
    const [{ max }] = await hub.database.db.select({ max: sql<string>`max(${activity.id})::text` }).from(activity);

    const created = await Promise.all(writers.map((w, i) => w.createPost(threadsOfCircle[i % 5], { body: `Catatan ${i}` })));
    const postIds = created.map((p) => p.id);
    expect(new Set(postIds).size).toBe(20);

    const rows = await hub.database.db
      .select()
      .from(activity)
      .where(and(eq(activity.circleId, dbId(circle.id)), gt(activity.id, BigInt(max))));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.kind === 'POST_CREATED')).toBe(true);
    expect(new Set(rows.map((r) => r.id)).size).toBe(20);
    expect(rows.map((r) => r.postId).sort()).toEqual(postIds.map(dbId).sort());
    // In order of occurrence the ids climb one by one: occurred_at and the cursor tell one story.
    const byTime = [...rows].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
    const lowest = rows.reduce((min, r) => (r.id < min ? r.id : min), rows[0].id);
    expect(
      byTime.map((r) => `${r.id} @ ${r.occurredAt.toISOString()}`),
      'activity ids in order of occurred_at',
    ).toEqual(byTime.map((r, i) => `${lowest + BigInt(i)} @ ${r.occurredAt.toISOString()}`));

    // Through the API: exactly these 20 entries follow the last one seen before, in id order.
    const after = await readLog(coordinator, circle, before.cursor, 6);
    expect(after.map((e) => seq(e.id))).toEqual([...rows].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => r.id));
    expect(after.map((e) => e.post!.id).sort()).toEqual([...postIds].sort());
    expect(new Set(after.map((e) => e.actor!.id)).size).toBe(20);
  });
});
