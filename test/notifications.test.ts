import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startHub, type TestHub } from './support/hub.js';
import { parseGlobalId } from '../src/shared/ids.js';
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
        activity { kind thread { id } post { id } resource { id } gathering { id } followUp { id } membership { role } }
        report { id status resolutionNote } } }
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
  activity: {
    kind: string;
    thread: { id: string } | null;
    post: { id: string } | null;
    resource: { id: string } | null;
    gathering: { id: string } | null;
    followUp: { id: string } | null;
    membership: { role: string } | null;
  };
  report: { id: string; status: string; resolutionNote: string | null } | null;
}

async function inbox(who: Actor, vars: Record<string, unknown> = {}): Promise<Note[]> {
  // 50, not 100: with the activity and report of each, a page of 100 passes the cost limit.
  const conn = ok(await who.gql(INBOX, { first: 50, ...vars })).viewer.notifications;
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

  it('a reply naming no one follows the same rules: NONE silences it; after leaving, only a public circle tells its author', async () => {
    // Posts without mentions take the rules' shortest path (migration 0016): each rule again on it.
    const { coordinator, circle, ana, budi } = await circleOfThree();
    const thread = await ana.createThread(circle);
    const anas = await ana.createPost(thread, { body: 'Ana posts' });
    await setLevel(ana, circle, 'NONE');
    await budi.createPost(thread, { body: 'plain reply', replyTo: anas });
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED']);
    await setLevel(ana, circle, 'MENTIONS_AND_REPLIES');

    await ana.must(`mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`, { input: { circleId: circle.id } });
    await budi.createPost(thread, { body: 'while Ana is away', replyTo: anas });
    await coordinator.addMember(circle, ana);
    expect(kinds(await inbox(ana))).toEqual(['MEMBERSHIP_CHANGED', 'MEMBERSHIP_CHANGED']);

    const open = await circleOfThree('PUBLIC');
    const openThread = await open.ana.createThread(open.circle);
    await open.ana.must(`mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`, { input: { circleId: open.circle.id } });
    await open.budi.createPost(openThread, { body: 'Ana may still read this' });
    const told = await inbox(open.ana);
    expect(kinds(told)).toEqual(['REPLY', 'MEMBERSHIP_CHANGED']);
    expect(told[0].actor).toEqual({ id: open.budi.id });
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
    // The rules are one INSERT ... SELECT in hub_notify_appended (migration 0013), called once.
    const inserts = hub.statements.slice(before).filter((s) => /hub_notify_appended|insert into "notifications"/i.test(s));
    expect(inserts).toHaveLength(1);
    for (const m of members) expect(kinds(await inbox(m))).toEqual(['NEW_THREAD']);
    const { rows } = (await hub.database.db.execute(sql`select count(*)::int as n from notifications where kind = 'NEW_THREAD'`)) as any;
    expect(rows[0].n).toBeGreaterThanOrEqual(6);
  });
});

describe('gatherings, follow-ups and reports', () => {
  const SCHEDULE = `mutation($input: ScheduleGatheringInput!) { scheduleGathering(input: $input) { gathering { id } } }`;
  const UPDATE_GATHERING = `mutation($input: UpdateGatheringInput!) { updateGathering(input: $input) { gathering { id } } }`;
  const FOLLOW_UP = `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { followUp { id } } }`;
  const UPDATE_FOLLOW_UP = `mutation($input: UpdateFollowUpInput!) { updateFollowUp(input: $input) { followUp { id } } }`;
  const REPORT = `mutation($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }`;
  const RESOLVE = `mutation($input: ResolveContentReportInput!) { resolveContentReport(input: $input) { report { id status } } }`;
  const HIDE = `mutation($input: HideContentInput!) { hideContent(input: $input) { subject { __typename } } }`;
  const RESTORE = `mutation($input: RestoreContentInput!) { restoreContent(input: $input) { subject { __typename } } }`;

  /** One's notifications apart from the MEMBERSHIP_CHANGED of having been added. */
  const news = async (who: Actor) => (await inbox(who)).filter((n) => n.kind !== 'MEMBERSHIP_CHANGED');
  const schedule = async (who: Actor, circle: Ref, title = 'Musrenbang desa'): Promise<Ref> =>
    (
      await who.must(SCHEDULE, {
        input: { circleId: circle.id, kind: 'VILLAGE_PLANNING_FORUM', title, startsAt: '2021-10-05T01:00:00.000Z', endsAt: '2021-10-05T05:00:00.000Z' },
      })
    ).scheduleGathering.gathering;
  const report = async (who: Actor, subject: Ref): Promise<string> =>
    (await who.must(REPORT, { input: { subjectId: subject.id, reason: 'SPAM' } })).reportContent.report.id;
  /** REPORT_RESOLVED notifications written for someone, whether or not they may still read them. */
  const resolvedFor = async (who: Actor) => {
    const { rows } = (await hub.database.db.execute(
      sql`select count(*)::int as n from notifications where recipient_id = ${parseGlobalId(who.id)!.id} and kind = 'REPORT_RESOLVED'`,
    )) as any;
    return rows[0].n as number;
  };

  /** A members-only circle with a coordinator, a facilitator, two participants, and an outsider. */
  async function world() {
    const { coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY', quick: true });
    const facilitator = await kit.quickUser('Fasilitator');
    const ana = await kit.quickUser('Ana');
    const budi = await kit.quickUser('Budi');
    const outsider = await kit.quickUser('Orang Luar');
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await coordinator.addMember(circle, ana);
    await coordinator.addMember(circle, budi);
    return { coordinator, circle, facilitator, ana, budi, outsider };
  }

  it('GATHERING_SCHEDULED for members at level ALL, not the one who scheduled it, not at NONE, never an outsider; an update tells no one', async () => {
    const w = await world();
    await setLevel(w.ana, w.circle, 'ALL');
    await setLevel(w.facilitator, w.circle, 'ALL');
    await setLevel(w.coordinator, w.circle, 'NONE');
    const before = hub.statements.length;
    const g = await schedule(w.facilitator, w.circle);
    // Set-based: one statement writes them, however many members are at ALL.
    expect(hub.statements.slice(before).filter((s) => /hub_notify_appended|insert into "notifications"/i.test(s))).toHaveLength(1);
    const notes = await news(w.ana);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'GATHERING_SCHEDULED',
      circle: { id: w.circle.id },
      actor: { id: w.facilitator.id },
      activity: { kind: 'GATHERING_SCHEDULED', gathering: { id: g.id } },
      report: null,
    });
    expect(await news(w.budi)).toEqual([]); // the default level
    expect(await news(w.facilitator)).toEqual([]); // their own
    expect(await news(w.coordinator)).toEqual([]); // NONE
    expect(await inbox(w.outsider)).toEqual([]);
    // A change or a cancellation is no new gathering.
    await w.facilitator.must(UPDATE_GATHERING, { input: { gatheringId: g.id, status: 'CANCELLED' } });
    expect(await news(w.ana)).toHaveLength(1);
    await schedule(w.coordinator, w.circle, 'Rapat lingkar');
    expect(kinds(await news(w.facilitator))).toEqual(['GATHERING_SCHEDULED']);
    expect(kinds(await news(w.ana))).toEqual(['GATHERING_SCHEDULED', 'GATHERING_SCHEDULED']);
    expect(await news(w.coordinator)).toEqual([]);
  });

  it('FOLLOW_UP_ASSIGNED when a follow-up is created for someone or handed to them, at any level; never for one\u2019s own', async () => {
    const w = await world();
    await setLevel(w.budi, w.circle, 'NONE');
    const f = (await w.facilitator.must(FOLLOW_UP, { input: { circleId: w.circle.id, title: 'Rekap usulan', ownerId: w.ana.id } })).createFollowUp
      .followUp;
    const notes = await news(w.ana);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'FOLLOW_UP_ASSIGNED',
      circle: { id: w.circle.id },
      actor: { id: w.facilitator.id },
      activity: { kind: 'FOLLOW_UP_CREATED', followUp: { id: f.id } },
    });
    // Her own follow-up, and moving the one she owns along, tell no one.
    await w.ana.must(FOLLOW_UP, { input: { circleId: w.circle.id, title: 'Milik Ana' } });
    await w.ana.must(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, status: 'IN_PROGRESS' } });
    expect(await news(w.ana)).toHaveLength(1);
    expect(await news(w.facilitator)).toEqual([]);
    // Handed to Budi, whose level NONE does not silence an assignment.
    await w.coordinator.must(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, ownerId: w.budi.id } });
    const budiNotes = await news(w.budi);
    expect(budiNotes).toHaveLength(1);
    expect(budiNotes[0]).toMatchObject({ kind: 'FOLLOW_UP_ASSIGNED', actor: { id: w.coordinator.id }, activity: { kind: 'FOLLOW_UP_UPDATED', followUp: { id: f.id } } });
    // Naming the same owner again with an edit, or taking it oneself, tells no one.
    await w.coordinator.must(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, ownerId: w.budi.id, title: 'Rekap usulan desa' } });
    await w.facilitator.must(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, ownerId: w.facilitator.id } });
    expect(await news(w.budi)).toHaveLength(1);
    expect(await news(w.facilitator)).toEqual([]);
    expect(await news(w.ana)).toHaveLength(1);
    expect(await news(w.coordinator)).toEqual([]);
    expect(await inbox(w.outsider)).toEqual([]);
  });

  it('REPORT_RESOLVED to each reporter when a moderator hides or dismisses, with the outcome and note; not the moderator, not the author', async () => {
    const w = await world();
    const carla = await kit.quickUser('Carla');
    await w.coordinator.addMember(w.circle, carla);
    await setLevel(carla, w.circle, 'NONE');
    const thread = await w.ana.createThread(w.circle, { title: 'Pinjaman cepat', body: 'hubungi kami' });
    const budiReport = await report(w.budi, thread);
    const carlaReport = await report(carla, thread);
    await report(w.facilitator, thread);
    expect(await news(w.budi)).toEqual([]);
    // One decision settles every open report on the thread; each reporter learns it once.
    await w.facilitator.must(RESOLVE, { input: { reportId: budiReport, action: 'HIDE', note: 'Iklan pinjaman' } });
    for (const [who, reportId] of [
      [w.budi, budiReport],
      [carla, carlaReport],
    ] as const) {
      const notes = await news(who);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({
        kind: 'REPORT_RESOLVED',
        circle: { id: w.circle.id },
        actor: { id: w.facilitator.id },
        activity: { kind: 'CONTENT_HIDDEN', thread: { id: thread.id } },
        report: { id: reportId, status: 'HIDDEN', resolutionNote: 'Iklan pinjaman' },
      });
    }
    // The moderator reported it too, but decided it; the author reported nothing.
    expect(await news(w.facilitator)).toEqual([]);
    expect(await news(w.ana)).toEqual([]);
    expect(await inbox(w.outsider)).toEqual([]);

    // Dismissed: the outcome says so.
    const post = await w.ana.createPost(await w.ana.createThread(w.circle), { body: 'Bukan iklan' });
    const second = await report(w.budi, post);
    await w.coordinator.must(RESOLVE, { input: { reportId: second, action: 'DISMISS', note: 'Tidak melanggar' } });
    const [latest] = await news(w.budi);
    expect(latest).toMatchObject({
      kind: 'REPORT_RESOLVED',
      actor: { id: w.coordinator.id },
      activity: { kind: 'CONTENT_REPORT_DISMISSED', post: { id: post.id } },
      report: { id: second, status: 'DISMISSED', resolutionNote: 'Tidak melanggar' },
    });
    expect(await news(w.budi)).toHaveLength(2);
    expect(await news(w.coordinator)).toEqual([]);
  });

  it('an automatic hide tells no reporter; the moderator\u2019s restore or hide does; a reporter who left the circle is not told', async () => {
    const w = await world();
    const carla = await kit.quickUser('Carla');
    const dewi = await kit.quickUser('Dewi');
    await w.coordinator.addMember(w.circle, carla);
    await w.coordinator.addMember(w.circle, dewi);
    const thread = await w.ana.createThread(w.circle);
    const post = await w.ana.createPost(thread, { body: 'Diperdebatkan' });
    for (const who of [w.budi, carla, dewi]) await report(who, post);
    // Three reporters hide it until a moderator decides: nothing is resolved yet.
    for (const who of [w.budi, carla, dewi]) expect(await resolvedFor(who)).toBe(0);
    await dewi.must(`mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`, { input: { circleId: w.circle.id } });
    await w.coordinator.must(RESTORE, { input: { subjectId: post.id } });
    for (const who of [w.budi, carla]) {
      const notes = await news(who);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ kind: 'REPORT_RESOLVED', activity: { kind: 'CONTENT_RESTORED' }, report: { status: 'DISMISSED' } });
    }
    expect(await resolvedFor(dewi)).toBe(0);

    // Hidden directly: the open report is resolved with it; hiding again resolves nothing more.
    const other = await w.ana.createPost(thread, { body: 'Nomor telepon pribadi' });
    await report(w.budi, other);
    await w.facilitator.must(HIDE, { input: { subjectId: other.id, note: 'Data pribadi' } });
    await w.facilitator.must(RESTORE, { input: { subjectId: other.id } });
    await w.facilitator.must(HIDE, { input: { subjectId: other.id } });
    const [hidden, ...rest] = await news(w.budi);
    expect(hidden).toMatchObject({ kind: 'REPORT_RESOLVED', activity: { kind: 'CONTENT_HIDDEN', post: { id: other.id } }, report: { status: 'HIDDEN', resolutionNote: 'Data pribadi' } });
    expect(rest).toHaveLength(1);
    expect(await resolvedFor(w.ana)).toBe(0);
  });

  it('a resource shared with two circles: each reporter is told in the circle they reported in, and only there', async () => {
    const { coordinator, org, circle: first } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY', quick: true });
    // Public: both reporters may read it, so only the report's circle keeps the first from hearing twice.
    const second = await coordinator.createCircle({ orgs: [org], visibility: 'PUBLIC' });
    const inFirst = await kit.quickUser('Di lingkar pertama');
    const inSecond = await kit.quickUser('Di lingkar kedua');
    await coordinator.addMember(first, inFirst);
    await coordinator.addMember(second, inSecond);
    const resource = await coordinator.shareResource([first, second], { title: 'Tautan mencurigakan' });
    const firstReport = await report(inFirst, resource);
    const secondReport = await report(inSecond, resource);
    const moderator = await kit.quickUser('Moderator');
    await coordinator.addMember(first, moderator, 'FACILITATOR');
    await moderator.must(RESOLVE, { input: { reportId: firstReport, action: 'DISMISS' } });
    const [a] = await news(inFirst);
    const [b] = await news(inSecond);
    expect(a).toMatchObject({ kind: 'REPORT_RESOLVED', circle: { id: first.id }, activity: { kind: 'CONTENT_REPORT_DISMISSED', resource: { id: resource.id } }, report: { id: firstReport } });
    expect(b).toMatchObject({ kind: 'REPORT_RESOLVED', circle: { id: second.id }, report: { id: secondReport, status: 'DISMISSED' } });
    expect(await news(inFirst)).toHaveLength(1);
    expect(await news(inSecond)).toHaveLength(1);
    expect(await news(coordinator)).toEqual([]);
  });
});
