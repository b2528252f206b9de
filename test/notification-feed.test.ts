import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

/**
 * myNotifications: the same feed and fan-out as the activity subscriptions, resumable by a
 * notification cursor with no loss and no duplicate, and no longer carrying a circle the viewer
 * cannot read.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const clients: Client[] = [];
function client(token?: string): Client {
  const c = wsClient(hub.app.wsUrl, token);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await until(() => hub.app.hub.subscriberCount === 0, 10_000, 'every subscription closed after the test');
});

const subscribed = (n: number) => until(() => hub.app.hub.subscriberCount === n, 15_000, `${n} subscriptions registered`);

const MY_NOTIFICATIONS = `subscription($after: String) {
  myNotifications(after: $after) { id cursor kind circle { id } actor { id } activity { kind post { body } } }
}`;

type Sub = ReturnType<typeof collect>;
const events = (sub: Sub): any[] => sub.received.results.filter((r) => r.data).map((r) => r.data.myNotifications);
const bodies = (sub: Sub) => events(sub).map((e) => e.activity.post?.body ?? null);

/** Every notification cursor of the viewer's inbox, oldest first. */
async function inboxCursors(who: Actor): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const conn: any = ok(
      await who.gql(`query($after: String) { viewer { notifications(first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`, {
        after,
      }),
    ).viewer.notifications;
    out.push(...conn.edges.map((e: any) => e.cursor));
    if (!conn.pageInfo.hasNextPage) return out.reverse();
    after = conn.pageInfo.endCursor;
  }
}

async function handleOf(who: Actor): Promise<string> {
  return ok(await who.gql(`{ viewer { handle } }`)).viewer.handle;
}

async function circleWith(visibility: string, ...people: Actor[]) {
  const { coordinator, circle } = await kit.circleWithCoordinator({ visibility });
  for (const p of people) await coordinator.addMember(circle, p);
  return { coordinator, circle };
}

describe('myNotifications', () => {
  it('delivers a mention live, with the cursor the inbox shows; nothing of others\u2019 notifications', async () => {
    const ana = await kit.user('Ana Live');
    const budi = await kit.user('Budi Live');
    const { coordinator, circle } = await circleWith('MEMBERS_ONLY', ana, budi);
    await hub.app.feed.settle();
    const anaSub = collect(client(ana.token), MY_NOTIFICATIONS, {});
    const budiSub = collect(client(budi.token), MY_NOTIFICATIONS, {});
    await subscribed(2);
    const thread = await coordinator.createThread(circle);
    await coordinator.createPost(thread, { body: `@${await handleOf(ana)} lihat` });
    await until(() => events(anaSub).length === 1, 10_000, 'mention delivered');
    const [note] = events(anaSub);
    expect(note).toMatchObject({ kind: 'MENTION', circle: { id: circle.id }, actor: { id: coordinator.id }, activity: { kind: 'POST_CREATED' } });
    expect(note.cursor).toBe((await inboxCursors(ana)).at(-1));
    await coordinator.createPost(thread, { body: `@${await handleOf(budi)} juga` });
    await until(() => events(budiSub).length === 1, 10_000, 'second mention delivered');
    expect(bodies(anaSub)).toEqual([`@${await handleOf(ana)} lihat`]);
  });

  it('resumes after a cursor: first what was missed, in order, then live ones, no duplicate', async () => {
    const ana = await kit.user('Ana Resume');
    const { coordinator, circle } = await circleWith('MEMBERS_ONLY', ana);
    const thread = await ana.createThread(circle);
    const [joined] = await inboxCursors(ana);
    for (let i = 0; i < 3; i++) await coordinator.createPost(thread, { body: `missed ${i}` });
    const sub = collect(client(ana.token), MY_NOTIFICATIONS, { after: joined });
    await until(() => events(sub).length === 3, 10_000, 'replay');
    await subscribed(1);
    await coordinator.createPost(thread, { body: 'live' });
    await until(() => events(sub).length === 4, 10_000, 'live');
    expect(bodies(sub)).toEqual(['missed 0', 'missed 1', 'missed 2', 'live']);
    expect(events(sub).map((e) => e.cursor)).toEqual((await inboxCursors(ana)).slice(1));
  });

  it('refuses without a token and with a malformed cursor', async () => {
    const ana = await kit.user();
    const anonymous = collect(client(), MY_NOTIFICATIONS, {});
    await until(() => anonymous.received.errors.length > 0, 10_000, 'refusal');
    expect((anonymous.received.errors[0] as any)[0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = collect(client(ana.token), MY_NOTIFICATIONS, { after: 'not-a-cursor' });
    await until(() => bad.received.errors.length > 0, 10_000, 'refusal');
    expect((bad.received.errors[0] as any)[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('removal from a members-only circle ends its notifications, live and on resume; other circles continue', async () => {
    const ana = await kit.user('Ana Removed');
    const { coordinator, circle } = await circleWith('MEMBERS_ONLY', ana);
    const { coordinator: other, circle: otherCircle } = await circleWith('MEMBERS_ONLY', ana);
    const thread = await ana.createThread(circle);
    const otherThread = await ana.createThread(otherCircle);
    const start = (await inboxCursors(ana)).at(-1)!;
    await coordinator.createPost(thread, { body: 'before removal' });
    const live = collect(client(ana.token), MY_NOTIFICATIONS, { after: start });
    await until(() => events(live).length === 1, 10_000, 'before removal');
    await coordinator.must(`mutation($input: RemoveCircleMemberInput!) { removeCircleMember(input: $input) { circle { id } } }`, {
      input: { circleId: circle.id, userId: ana.id },
    });
    // Her thread stays hers: a post in it is still a reply to her, but she may no longer read it.
    await coordinator.createPost(thread, { body: 'after removal' });
    await other.createPost(otherThread, { body: 'other circle' });
    await until(() => bodies(live).includes('other circle'), 10_000, 'other circle');
    await hub.app.feed.settle();
    expect(bodies(live)).toEqual(['before removal', 'other circle']);
    // A resume from before the removal no longer carries the circle at all.
    const resumed = collect(client(ana.token), MY_NOTIFICATIONS, { after: start });
    await until(() => events(resumed).length === 1, 10_000, 'resume');
    await subscribed(2);
    expect(bodies(resumed)).toEqual(['other circle']);
  });

  it('delivers REPORT_RESOLVED live to the reporter with the outcome, FOLLOW_UP_ASSIGNED and GATHERING_SCHEDULED too', async () => {
    const ana = await kit.user('Ana Reporter');
    const { coordinator, circle } = await circleWith('MEMBERS_ONLY', ana);
    const author = await kit.user('Author');
    await coordinator.addMember(circle, author);
    const thread = await author.createThread(circle, { title: 'Iklan', body: 'pinjaman online' });
    const reported = ok(
      await ana.gql(`mutation($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }`, { input: { subjectId: thread.id, reason: 'SPAM' } }),
    ).reportContent.report.id;
    ok(await ana.gql(`mutation($input: UpdateNotificationLevelInput!) { updateNotificationLevel(input: $input) { circle { id } } }`, { input: { circleId: circle.id, level: 'ALL' } }));
    const start = (await inboxCursors(ana)).at(-1)!;
    const sub = collect(client(ana.token), `subscription($after: String) { myNotifications(after: $after) { kind activity { kind } report { id status resolutionNote } } }`, { after: start });
    await subscribed(1);
    await coordinator.must(`mutation($input: ResolveContentReportInput!) { resolveContentReport(input: $input) { report { id } } }`, {
      input: { reportId: reported, action: 'HIDE', note: 'Iklan' },
    });
    await coordinator.must(`mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { followUp { id } } }`, {
      input: { circleId: circle.id, title: 'Rekap', ownerId: ana.id },
    });
    await coordinator.must(`mutation($input: ScheduleGatheringInput!) { scheduleGathering(input: $input) { gathering { id } } }`, {
      input: { circleId: circle.id, kind: 'CIRCLE_MEETING', title: 'Rapat', startsAt: '2021-10-05T01:00:00.000Z', endsAt: '2021-10-05T02:00:00.000Z' },
    });
    await until(() => events(sub).length === 3, 10_000, 'three notifications');
    expect(events(sub)).toEqual([
      { kind: 'REPORT_RESOLVED', activity: { kind: 'CONTENT_HIDDEN' }, report: { id: reported, status: 'HIDDEN', resolutionNote: 'Iklan' } },
      { kind: 'FOLLOW_UP_ASSIGNED', activity: { kind: 'FOLLOW_UP_CREATED' }, report: null },
      { kind: 'GATHERING_SCHEDULED', activity: { kind: 'GATHERING_SCHEDULED' }, report: null },
    ]);
  });

  it('ends with its session: signing out closes the socket with 4401 and nothing is delivered after', async () => {
    const ana = await kit.user('Ana Signed Out');
    const { coordinator, circle } = await circleWith('MEMBERS_ONLY', ana);
    const thread = await ana.createThread(circle);
    // A session of its own, as a phone has: signing it out leaves the test's token working.
    const token = ok(
      await hub.gql(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, { input: { email: ana.email, password: ana.password } }),
    ).signIn.token as string;
    const c = client(token);
    let closed: number | undefined;
    c.on('closed', (event: any) => void (closed = event.code));
    const sub = collect(c, MY_NOTIFICATIONS, {}, { errorsExpected: true });
    await subscribed(1);
    await coordinator.createPost(thread, { body: 'sebelum keluar' });
    await until(() => events(sub).length === 1, 10_000, 'before sign-out');
    ok(await hub.gql(`mutation { signOut }`, {}, token));
    await until(() => closed !== undefined, 5_000, 'socket closed');
    expect(closed).toBe(4401);
    await coordinator.createPost(thread, { body: 'sesudah keluar' });
    await hub.app.feed.settle();
    await subscribed(0);
    expect(bodies(sub)).toEqual(['sebelum keluar']);
    expect(ok(await ana.gql(`{ viewer { unreadNotificationCount } }`)).viewer.unreadNotificationCount).toBe(3);
  });

  it('a subscriber that disconnects at random moments and resumes by cursor gets every notification of 8 concurrent writers once, in order', async () => {
    const WRITERS = 8;
    const POSTS = 10;
    const ana = await kit.user('Ana Exactly Once');
    const writers: Actor[] = [];
    for (let i = 0; i < WRITERS; i++) writers.push(await kit.user(`Writer ${i}`));
    const { circle } = await circleWith('MEMBERS_ONLY', ana, ...writers);
    const threads: Ref[] = [];
    for (let i = 0; i < 3; i++) threads.push(await ana.createThread(circle));
    const handle = await handleOf(ana);
    const start = (await inboxCursors(ana)).at(-1)!;

    let seed = 20210916;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const total = WRITERS * POSTS;
    const received: string[] = [];
    let reconnects = 0;
    let socketErrors = 0;
    let writing = true;
    const take = (sub: Sub) => {
      while (sub.received.results.length) {
        const r = sub.received.results.shift();
        expect(r.errors).toBeUndefined();
        received.push(r.data.myNotifications.cursor);
      }
    };
    const subscriber = (async () => {
      while (writing || received.length < total) {
        const c = wsClient(hub.app.wsUrl, ana.token);
        const sub = collect(c, `subscription($after: String) { myNotifications(after: $after) { cursor kind } }`, { after: received.at(-1) ?? start });
        const quota = 3 + Math.floor(random() * 20);
        const seenBefore = received.length;
        const pull = setInterval(() => take(sub), 1);
        await until(
          () => received.length - seenBefore >= quota || (!writing && received.length >= total) || sub.received.errors.length > 0,
          60_000,
          'notifications',
        ).finally(() => clearInterval(pull));
        // What is in flight is dropped on purpose: the resume cursor must cover it.
        take(sub);
        // A socket lost on a loaded machine is what a phone sees too: it resumes like any other round.
        socketErrors += sub.received.errors.length;
        sub.dispose();
        await c.dispose();
        reconnects++;
      }
    })();

    await Promise.all(
      writers.map(async (w, i) => {
        for (let n = 0; n < POSTS; n++) {
          // Replies in Ana's threads, every third one mentioning her too: one notification each.
          const input = {
            threadId: threads[(i + n) % threads.length].id,
            body: n % 3 === 0 ? `@${handle} ${i}/${n}` : `${i}/${n}`,
            clientMutationId: `exactly-once-${i}-${n}`,
          };
          // Retried like a phone would on a dropped connection: the clientMutationId keeps it one post.
          for (let attempt = 0; ; attempt++) {
            try {
              ok(await w.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, { input }));
              break;
            } catch (err) {
              if (attempt >= 3 || !/fetch failed/.test(String(err))) throw err;
            }
          }
        }
      }),
    );
    writing = false;
    await subscriber;

    const all = await inboxCursors(ana);
    const expected = all.slice(all.indexOf(start) + 1);
    const counts = new Map<string, number>();
    for (const c of received) counts.set(c, (counts.get(c) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    const missing = expected.filter((c) => !counts.has(c)).length;
    console.log(
      `myNotifications exactly-once: ${WRITERS} writers, ${expected.length} notifications, ${reconnects} reconnects (${socketErrors} socket errors), duplicates ${duplicates}, missing ${missing}`,
    );
    expect(expected).toHaveLength(total);
    expect(duplicates).toBe(0);
    expect(missing).toBe(0);
    expect(received).toEqual(expected);
    expect(reconnects).toBeGreaterThan(3);
  }, 600_000);
});
