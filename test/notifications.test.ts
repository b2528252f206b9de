import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';

/**
 * Notifications as a member sees them in `viewer.notifications`: derived from activities in the
 * same transaction, one per person per activity, never for one's own action, never for someone
 * who may not read the circle, governed by the circle's level.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean) {
  viewer {
    unreadNotificationCount
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      totalCount
      edges { cursor node { id cursor kind readAt createdAt circle { id } actor { id }
        activity { kind thread { id } post { id } membership { role } } } }
      nodes { id }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface Note {
  id: string;
  cursor: string;
  kind: string;
  readAt: string | null;
  circle: { id: string } | null;
  actor: { id: string } | null;
  activity: { kind: string; thread: { id: string } | null; post: { id: string } | null; membership: { role: string } | null };
}

async function inbox(who: Actor, vars: Record<string, unknown> = {}): Promise<Note[]> {
  const conn = ok(await who.gql(INBOX, { first: 100, ...vars })).viewer.notifications;
  for (const e of conn.edges) expect(e.node.cursor).toBe(e.cursor);
  return conn.edges.map((e: any) => e.node);
}
const kinds = (notes: Note[]) => notes.map((n) => n.kind);

async function handleOf(who: Actor): Promise<string> {
  return ok(await who.gql(`{ viewer { handle } }`)).viewer.handle;
}

const LEVEL = `mutation($input: UpdateNotificationLevelInput!) { updateNotificationLevel(input: $input) { circle { id viewerNotificationLevel } } }`;
async function setLevel(who: Actor, circle: Ref, level: string) {
  const d = ok(await who.gql(LEVEL, { input: { circleId: circle.id, level } }));
  expect(d.updateNotificationLevel.circle.viewerNotificationLevel).toBe(level);
}

/** A circle with a coordinator and two participants. */
async function circleOfThree(visibility = 'MEMBERS_ONLY') {
  const { coordinator, org, circle } = await kit.circleWithCoordinator({ visibility });
  const ana = await kit.user('Ana Member');
  const budi = await kit.user('Budi Member');
  await coordinator.addMember(circle, ana);
  await coordinator.addMember(circle, budi);
  return { coordinator, org, circle, ana, budi };
}

describe('notification kinds', () => {
  it('MEMBERSHIP_CHANGED when added and when one\u2019s role changes, not when removed, not when joining oneself', async () => {
    const { coordinator, circle, ana } = await circleOfThree('PUBLIC');
    let notes = await inbox(ana);
    expect(kinds(notes)).toEqual(['MEMBERSHIP_CHANGED']);
    expect(notes[0]).toMatchObject({ circle: { id: circle.id }, actor: { id: coordinator.id }, readAt: null });
    expect(notes[0].activity).toMatchObject({ kind: 'MEMBER_JOINED', membership: { role: 'PARTICIPANT' } });

    await coordinator.must(
      `mutation($input: UpdateCircleMemberRoleInput!) { updateCircleMemberRole(input: $input) { membership { role } } }`,
      { input: { circleId: circle.id, userId: ana.id, role: 'FACILITATOR' } },
    );
    notes = await inbox(ana);
    expect(kinds(notes)).toEqual(['MEMBERSHIP_CHANGED', 'MEMBERSHIP_CHANGED']);
    expect(notes[0].activity).toMatchObject({ kind: 'MEMBER_ROLE_CHANGED', membership: { role: 'FACILITATOR' } });

    const joiner = await kit.user();
    await joiner.join(circle);
    expect(await inbox(joiner)).toEqual([]);
    await coordinator.must(`mutation($input: RemoveCircleMemberInput!) { removeCircleMember(input: $input) { circle { id } } }`, {
      input: { circleId: circle.id, userId: joiner.id },
    });
    expect(await inbox(joiner)).toEqual([]);
    // The coordinator created the circle: their own action.
    expect(await inbox(coordinator)).toEqual([]);
  });

  it('REPLY to the author of the post replied to and to the thread\u2019s author, once each; nobody for their own post', async () => {
    const { coordinator, circle, ana, budi } = await circleOfThree();
    const thread = await ana.createThread(circle);
    const first = await budi.createPost(thread, { body: 'Budi writes' });
    // Ana started the thread.
    expect(kinds(await inbox(ana))).toEqual(['REPLY', 'MEMBERSHIP_CHANGED']);
    expect(kinds(await inbox(budi))).toEqual(['MEMBERSHIP_CHANGED']);

    const reply = await coordinator.createPost(thread, { body: 'To Budi', replyTo: first });
    const budiNotes = await inbox(budi);
    expect(kinds(budiNotes)).toEqual(['REPLY', 'MEMBERSHIP_CHANGED']);
    expect(budiNotes[0].activity).toMatchObject({ kind: 'POST_CREATED', thread: { id: thread.id }, post: { id: reply.id } });
    expect(budiNotes[0].actor).toEqual({ id: coordinator.id });
    expect(kinds(await inbox(ana))).toEqual(['REPLY', 'REPLY', 'MEMBERSHIP_CHANGED']);

    // Ana replies in her own thread to her own... no: to Budi's post. Budi is told; Ana is not.
    await ana.createPost(thread, { body: 'Me too', replyTo: first });
    expect(kinds(await inbox(budi))).toEqual(['REPLY', 'REPLY', 'MEMBERSHIP_CHANGED']);
    expect(kinds(await inbox(ana))).toEqual(['REPLY', 'REPLY', 'MEMBERSHIP_CHANGED']);
    expect(await inbox(coordinator)).toEqual([]);
  });

  it('MENTION of @handle in a post and in a thread, before REPLY, one per person per activity', async () => {
    const { coordinator, circle, ana, budi } = await circleOfThree();
    const thread = await ana.createThread(circle, { title: `Tanya @${await handleOf(budi)}`, body: `halo @${await handleOf(budi)}` });
    expect(kinds(await inbox(budi))).toEqual(['MENTION', 'MEMBERSHIP_CHANGED']);
    // Ana started the thread and is mentioned: one notification, MENTION.
    const post = await coordinator.createPost(thread, { body: `@${await handleOf(ana)} dan @${await handleOf(budi)}, lihat ini` });
    const anaNotes = await inbox(ana);
    expect(kinds(anaNotes)).toEqual(['MENTION', 'MEMBERSHIP_CHANGED']);
    expect(anaNotes[0].activity.post).toEqual({ id: post.id });
    expect(kinds(await inbox(budi))).toEqual(['MENTION', 'MENTION', 'MEMBERSHIP_CHANGED']);
  });

  it('mentions reach only people who may read the circle; unknown handles and one\u2019s own handle notify nobody', async () => {
    const { coordinator, circle, ana } = await circleOfThree('MEMBERS_ONLY');
    const outsider = await kit.user('Outsider');
    const thread = await ana.createThread(circle);
    await ana.createPost(thread, { body: `@${await handleOf(outsider)} @${await handleOf(ana)} @nobody-has-this-handle` });
    expect(await inbox(outsider)).toEqual([]);
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED']);

    // In a PUBLIC circle anyone signed in may read, so a mention reaches a non-member too.
    const open = await coordinator.createCircle({ orgs: [await coordinator.createOrg()], visibility: 'PUBLIC' });
    const t2 = await coordinator.createThread(open);
    await coordinator.createPost(t2, { body: `cc @${await handleOf(outsider)}` });
    expect(kinds(await inbox(outsider))).toEqual(['MENTION']);
  });

  it('an ADMIN of an organisation taking part may read a members-only circle, so is mentioned', async () => {
    const { coordinator, org, circle } = await circleOfThree('MEMBERS_ONLY');
    const admin = await kit.user('Org Admin');
    await coordinator.addToOrg(org, admin, 'ADMIN');
    const thread = await coordinator.createThread(circle);
    await coordinator.createPost(thread, { body: `@${await handleOf(admin)} tolong cek` });
    expect(kinds(await inbox(admin))).toEqual(['MENTION']);
  });

  it('an edit that adds a mention notifies the newly mentioned once; editing again notifies nobody twice', async () => {
    const { circle, ana, budi, coordinator } = await circleOfThree();
    const thread = await ana.createThread(circle);
    const post = await ana.createPost(thread, { body: 'draft' });
    const edit = (body: string) =>
      ana.must(`mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`, { input: { postId: post.id, body } });
    const budiHandle = await handleOf(budi);
    await edit(`now with @${budiHandle}`);
    expect(kinds(await inbox(budi))).toEqual(['MENTION', 'MEMBERSHIP_CHANGED']);
    await edit(`again @${budiHandle}, fixed a typo`);
    await edit(`without`);
    await edit(`@${budiHandle} back`);
    expect(kinds(await inbox(budi))).toEqual(['MENTION', 'MEMBERSHIP_CHANGED']);
    // Someone else added later is told once, too.
    await edit(`@${budiHandle} @${await handleOf(coordinator)}`);
    expect(kinds(await inbox(coordinator))).toEqual(['MENTION']);

    // The same for a thread's title and body; a pin (no words changed) tells no one.
    const t = await ana.createThread(circle, { title: 'Rencana', body: 'tanpa sebutan' });
    const updateThread = (input: Record<string, unknown>) =>
      coordinator.must(`mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }`, { input: { threadId: t.id, ...input } });
    await ana.must(`mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }`, {
      input: { threadId: t.id, body: `tolong @${budiHandle}` },
    });
    await updateThread({ isPinned: true });
    await ana.must(`mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }`, {
      input: { threadId: t.id, title: `Rencana @${budiHandle}` },
    });
    expect(kinds(await inbox(budi))).toEqual(['MENTION', 'MENTION', 'MEMBERSHIP_CHANGED']);
  });

  it('at most 20 people are notified by one post, the first 20 mentioned', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' });
    const people = [];
    for (let i = 0; i < 21; i++) people.push(await kit.user(`Mentioned ${i}`));
    const handles = await Promise.all(people.map(handleOf));
    const thread = await coordinator.createThread(circle);
    await coordinator.createPost(thread, { body: handles.map((h) => `@${h}`).join(' ') });
    expect(kinds(await inbox(people[19]))).toEqual(['MENTION']);
    expect(await inbox(people[20])).toEqual([]);
  });

  it('NEW_THREAD only for members at level ALL', async () => {
    const { coordinator, circle, ana, budi } = await circleOfThree();
    await setLevel(ana, circle, 'ALL');
    const thread = await coordinator.createThread(circle);
    const notes = await inbox(ana);
    expect(kinds(notes)).toEqual(['NEW_THREAD', 'MEMBERSHIP_CHANGED']);
    expect(notes[0].activity).toMatchObject({ kind: 'THREAD_CREATED', thread: { id: thread.id } });
    expect(kinds(await inbox(budi))).toEqual(['MEMBERSHIP_CHANGED']);
    // Ana's own thread tells Ana nothing; Budi is not at ALL.
    await ana.createThread(circle);
    expect(kinds(await inbox(ana))).toEqual(['NEW_THREAD', 'MEMBERSHIP_CHANGED']);
  });
});

describe('levels', () => {
  it('default MENTIONS_AND_REPLIES; NONE silences mentions, replies and new threads, not membership changes', async () => {
    const { coordinator, circle, ana } = await circleOfThree();
    const level = async (who: Actor) => ok(await who.gql(`query($id: ID!) { node(id: $id) { ... on Circle { viewerNotificationLevel } } }`, { id: circle.id })).node.viewerNotificationLevel;
    expect(await level(ana)).toBe('MENTIONS_AND_REPLIES');
    await setLevel(ana, circle, 'NONE');
    const thread = await ana.createThread(circle);
    await coordinator.createPost(thread, { body: `@${await handleOf(ana)}` });
    await coordinator.createThread(circle);
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED']);
    await coordinator.must(
      `mutation($input: UpdateCircleMemberRoleInput!) { updateCircleMemberRole(input: $input) { membership { role } } }`,
      { input: { circleId: circle.id, userId: ana.id, role: 'FACILITATOR' } },
    );
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED', 'MEMBERSHIP_CHANGED']);
    await setLevel(ana, circle, 'MENTIONS_AND_REPLIES');
    await coordinator.createPost(thread, { body: 'a reply' });
    expect(kinds(await inbox(ana))[0]).toBe('REPLY');
  });

  it('is null for non-members; setting it is FORBIDDEN for a reader who is no member, NOT_FOUND for an outsider, BAD_USER_INPUT for a bad level', async () => {
    const { circle } = await circleOfThree('MEMBERS_ONLY');
    const outsider = await kit.user();
    expect(codeOf(await outsider.gql(LEVEL, { input: { circleId: circle.id, level: 'ALL' } }))).toBe('NOT_FOUND');
    const { circle: open } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' });
    const reader = await kit.user();
    expect(ok(await reader.gql(`query($slug: String!) { circle(slug: $slug) { viewerNotificationLevel } }`, { slug: open.slug })).circle.viewerNotificationLevel).toBeNull();
    expect(codeOf(await reader.gql(LEVEL, { input: { circleId: open.id, level: 'ALL' } }))).toBe('FORBIDDEN');
    expect(codeOf(await reader.gql(LEVEL, { input: { circleId: open.id, level: 'LOUD' } }))).toBe('BAD_USER_INPUT');
  });
});

describe('the inbox', () => {
  it('pages newest first; unreadOnly; markNotificationsRead some then all; null on another user', async () => {
    const { coordinator, circle, ana, budi } = await circleOfThree();
    const thread = await ana.createThread(circle);
    for (let i = 0; i < 4; i++) await budi.createPost(thread, { body: `post ${i}` });
    const all = await inbox(ana);
    expect(kinds(all)).toEqual(['REPLY', 'REPLY', 'REPLY', 'REPLY', 'MEMBERSHIP_CHANGED']);
    // Pages of two follow each other without gap or overlap.
    const p1 = ok(await ana.gql(INBOX, { first: 2 })).viewer;
    expect(p1.unreadNotificationCount).toBe(5);
    expect(p1.notifications.totalCount).toBe(5);
    expect(p1.notifications.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await ana.gql(INBOX, { first: 2, after: p1.notifications.pageInfo.endCursor })).viewer.notifications;
    expect([...p1.notifications.nodes, ...p2.nodes].map((n: any) => n.id)).toEqual(all.slice(0, 4).map((n) => n.id));

    const MARK = `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { viewer { id unreadNotificationCount } } }`;
    const marked = ok(await ana.gql(MARK, { input: { notificationIds: [all[0].id, all[2].id] } })).markNotificationsRead.viewer;
    expect(marked).toEqual({ id: ana.id, unreadNotificationCount: 3 });
    const unread = await inbox(ana, { unreadOnly: true });
    expect(unread.map((n) => n.id)).toEqual([all[1].id, all[3].id, all[4].id]);
    const readAt = (await inbox(ana))[0].readAt;
    expect(readAt).not.toBeNull();

    // Someone else's notification: NOT_FOUND, and nothing is marked.
    const budiNote = (await inbox(budi))[0];
    const res = await ana.gql(MARK, { input: { notificationIds: [all[1].id, budiNote.id] } });
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0].extensions!.field).toBe('notificationIds');
    expect(ok(await ana.gql(INBOX, {})).viewer.unreadNotificationCount).toBe(3);
    expect(codeOf(await ana.gql(MARK, { input: { notificationIds: ['garbage'] } }))).toBe('BAD_USER_INPUT');

    expect(ok(await ana.gql(MARK, { input: {} })).markNotificationsRead.viewer.unreadNotificationCount).toBe(0);
    // Read earlier keeps its first read time.
    expect((await inbox(ana))[0].readAt).toBe(readAt);
    expect(await inbox(ana, { unreadOnly: true })).toEqual([]);

    // Another user's inbox and count are null; node() finds only one's own notification.
    const other = ok(await coordinator.gql(`query($id: ID!) { node(id: $id) { ... on User { notifications { totalCount } unreadNotificationCount } } }`, { id: ana.id })).node;
    expect(other).toEqual({ notifications: null, unreadNotificationCount: null });
    const byNode = `query($id: ID!) { node(id: $id) { ... on Notification { id kind } } }`;
    expect(ok(await ana.gql(byNode, { id: all[0].id })).node).toEqual({ id: all[0].id, kind: 'REPLY' });
    expect(ok(await coordinator.gql(byNode, { id: all[0].id })).node).toBeNull();
    expect(codeOf(await ana.gql(INBOX, { first: 0 }))).toBe('BAD_USER_INPUT');
  });

  it('a member who left a members-only circle no longer sees its notifications', async () => {
    const { circle, ana, budi } = await circleOfThree();
    const thread = await ana.createThread(circle);
    await budi.createPost(thread, { body: 'hello' });
    expect(kinds(await inbox(ana))).toEqual(['REPLY', 'MEMBERSHIP_CHANGED']);
    await ana.must(`mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`, { input: { circleId: circle.id } });
    expect(await inbox(ana)).toEqual([]);
    expect(ok(await ana.gql(INBOX, {})).viewer.unreadNotificationCount).toBe(0);
  });

  it('a write that fails leaves no notification behind', async () => {
    const { coordinator, circle, ana } = await circleOfThree();
    const thread = await ana.createThread(circle);
    await coordinator.must(`mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }`, {
      input: { threadId: thread.id, isLocked: true },
    });
    const res = await coordinator.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, {
      input: { threadId: thread.id, body: `@${await handleOf(ana)}` },
    });
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED']);
  });

  it('a new thread in a circle of many ALL-level members writes its notifications in one statement', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' });
    const members: Actor[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await kit.user();
      await m.join(circle);
      await setLevel(m, circle, 'ALL');
      members.push(m);
    }
    const before = hub.statements.length;
    await coordinator.createThread(circle);
    const inserts = hub.statements.slice(before).filter((s) => /insert into "notifications"/i.test(s));
    expect(inserts).toHaveLength(1);
    for (const m of members) expect(kinds(await inbox(m))).toEqual(['NEW_THREAD']);
    const { rows } = (await hub.database.db.execute(sql`select count(*)::int as n from notifications where kind = 'NEW_THREAD'`)) as any;
    expect(rows[0].n).toBeGreaterThanOrEqual(6);
  });
});
