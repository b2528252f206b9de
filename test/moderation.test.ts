import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

const REPORT = `mutation($input: ReportContentInput!) {
  reportContent(input: $input) { report { id status reason note reporter { id } subject { __typename } circle { id } } clientMutationId }
}`;
const RESOLVE = `mutation($input: ResolveContentReportInput!) {
  resolveContentReport(input: $input) { report { id status resolutionNote resolvedAt resolvedBy { id } } }
}`;
const HIDE = `mutation($input: HideContentInput!) { hideContent(input: $input) { subject { __typename ... on Post { isHidden body } ... on Thread { isHidden title } ... on Resource { isHidden title } } } }`;
const RESTORE = `mutation($input: RestoreContentInput!) { restoreContent(input: $input) { subject { __typename ... on Post { isHidden body } ... on Thread { isHidden title } ... on Resource { isHidden title } } } }`;
const QUEUE = `query($id: ID!, $status: ContentReportStatus) { node(id: $id) { ... on Circle {
  moderationQueue(first: 20, status: $status) { totalCount nodes { id status reason reporter { id } subject { __typename ... on Post { id body } ... on Thread { id title } ... on Resource { id title } } } }
} } }`;

const report = (who: Actor, subject: Ref, reason = 'SPAM', note?: string) =>
  who.gql(REPORT, { input: { subjectId: subject.id, reason, note } });

/** A circle with a coordinator, a facilitator, several participants and an outsider. */
async function world(opts: { visibility?: string; participants?: number } = {}) {
  const { coordinator, org, circle } = await kit.circleWithCoordinator({ visibility: opts.visibility, quick: true });
  const facilitator = await kit.quickUser('Facilitator');
  await coordinator.addMember(circle, facilitator, 'FACILITATOR');
  const members: Actor[] = [];
  for (let i = 0; i < (opts.participants ?? 3); i++) {
    const m = await kit.quickUser(`Participant ${i + 1}`);
    await coordinator.addMember(circle, m);
    members.push(m);
  }
  const outsider = await kit.quickUser('Outsider');
  const author = members[0];
  const thread = await author.createThread(circle, { title: 'Jadwal musrenbang desa', body: 'Kapan musrenbang di desa?' });
  const post = await author.createPost(thread, { body: 'Hubungi saya di 0812-3456-7890' });
  return { coordinator, facilitator, members, author, outsider, org, circle, thread, post };
}

describe('reporting', () => {
  it('a member reports a post once; a second report by the same member is CONFLICT', async () => {
    const w = await world();
    const reporter = w.members[1];
    const first = ok(await reporter.gql(REPORT, { input: { subjectId: w.post.id, reason: 'PERSONAL_DATA', note: ' a phone number ' } })) as any;
    expect(first.reportContent.report).toMatchObject({
      status: 'OPEN',
      reason: 'PERSONAL_DATA',
      note: 'a phone number',
      reporter: { id: reporter.id },
      subject: { __typename: 'Post' },
      circle: { id: w.circle.id },
    });
    const again = await report(reporter, w.post, 'SPAM');
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions!.field).toBe('subjectId');
    // The refused report left nothing behind: the queue holds the one report.
    const queue = ok(await w.facilitator.gql(QUEUE, { id: w.circle.id })) as any;
    expect(queue.node.moderationQueue.totalCount).toBe(1);
  });

  it('a retry with the same clientMutationId returns the first report instead of CONFLICT', async () => {
    const w = await world();
    const input = { subjectId: w.thread.id, reason: 'OFF_TOPIC', clientMutationId: 'report-retry-1' };
    const a = ok(await w.members[1].gql(REPORT, { input })) as any;
    const b = ok(await w.members[1].gql(REPORT, { input })) as any;
    expect(b.reportContent.report.id).toBe(a.reportContent.report.id);
    expect(b.reportContent.clientMutationId).toBe('report-retry-1');
  });

  it('who may report: members yes; a signed-in non-member of a PUBLIC circle FORBIDDEN; an outsider of a MEMBERS_ONLY circle NOT_FOUND', async () => {
    const open = await world({ visibility: 'PUBLIC', participants: 1 });
    expect(codeOf(await report(open.outsider, open.post))).toBe('FORBIDDEN');
    for (const who of [open.members[0], open.facilitator, open.coordinator]) {
      expect(codeOf(await report(who, open.thread))).toBeUndefined();
    }
    const closed = await world({ visibility: 'MEMBERS_ONLY', participants: 1 });
    expect(codeOf(await report(closed.outsider, closed.post))).toBe('NOT_FOUND');
    expect(codeOf(await report(closed.outsider, closed.thread))).toBe('NOT_FOUND');
  });

  it('refuses bad input with the field named: a malformed ID, another type of ID, a note too long', async () => {
    const w = await world({ participants: 1 });
    const bad = await w.author.gql(REPORT, { input: { subjectId: 'nope', reason: 'SPAM' } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('subjectId');
    expect(codeOf(await w.author.gql(REPORT, { input: { subjectId: w.circle.id, reason: 'SPAM' } }))).toBe('NOT_FOUND');
    const long = await w.author.gql(REPORT, { input: { subjectId: w.post.id, reason: 'OTHER', note: 'x'.repeat(1001) } });
    expect(codeOf(long)).toBe('BAD_USER_INPUT');
  });

  it('a member may file 10 reports an hour; the 11th is RATE_LIMITED', async () => {
    const w = await world({ participants: 1 });
    const reporter = await kit.quickUser('Busy reporter');
    await w.coordinator.addMember(w.circle, reporter);
    const posts: Ref[] = [];
    for (let i = 0; i < 11; i++) posts.push(await w.author.createPost(w.thread, { body: `Post ${i}` }));
    for (let i = 0; i < 10; i++) expect(codeOf(await report(reporter, posts[i]))).toBeUndefined();
    expect(codeOf(await report(reporter, posts[10]))).toBe('RATE_LIMITED');
  });
});

describe('the moderation queue', () => {
  it('facilitators and coordinators see it; a participant is FORBIDDEN, an outsider of a MEMBERS_ONLY circle NOT_FOUND', async () => {
    const w = await world({ visibility: 'MEMBERS_ONLY', participants: 2 });
    await report(w.members[1], w.post, 'HARASSMENT');
    for (const mod of [w.facilitator, w.coordinator]) {
      const q = ok(await mod.gql(QUEUE, { id: w.circle.id })) as any;
      expect(q.node.moderationQueue.totalCount).toBe(1);
      expect(q.node.moderationQueue.nodes[0]).toMatchObject({ status: 'OPEN', reason: 'HARASSMENT', reporter: { id: w.members[1].id } });
    }
    expect(codeOf(await w.members[0].gql(QUEUE, { id: w.circle.id }))).toBe('FORBIDDEN');
    const outsider = await w.outsider.gql(QUEUE, { id: w.circle.id });
    expect(outsider.data?.node ?? null).toBeNull();
  });

  it('the reporter is seen by moderators and by the reporter only', async () => {
    const w = await world({ participants: 3 });
    const r = ok(await report(w.members[1], w.post)) as any;
    const id = r.reportContent.report.id;
    const q = `query($id: ID!) { node(id: $id) { ... on ContentReport { reporter { id } status } } }`;
    expect((ok(await w.members[1].gql(q, { id })) as any).node.reporter).toEqual({ id: w.members[1].id });
    expect((ok(await w.facilitator.gql(q, { id })) as any).node.reporter).toEqual({ id: w.members[1].id });
    // The author and any other member do not even see that the report exists.
    expect((ok(await w.author.gql(q, { id })) as any).node).toBeNull();
    expect((ok(await w.members[2].gql(q, { id })) as any).node).toBeNull();
  });

  it('filters by status, oldest first', async () => {
    const w = await world({ participants: 3 });
    const a = (ok(await report(w.members[1], w.post)) as any).reportContent.report.id;
    const b = (ok(await report(w.members[2], w.thread)) as any).reportContent.report.id;
    ok(await w.facilitator.gql(RESOLVE, { input: { reportId: b, action: 'DISMISS' } }));
    const all = (ok(await w.facilitator.gql(QUEUE, { id: w.circle.id })) as any).node.moderationQueue;
    expect(all.nodes.map((n: any) => n.id)).toEqual([a, b]);
    const open = (ok(await w.facilitator.gql(QUEUE, { id: w.circle.id, status: 'OPEN' })) as any).node.moderationQueue;
    expect(open.nodes.map((n: any) => n.id)).toEqual([a]);
    expect(open.totalCount).toBe(1);
  });
});

describe('resolving, hiding and restoring', () => {
  it('HIDE hides the content and resolves every open report on it with the note; resolving again is CONFLICT', async () => {
    const w = await world({ participants: 3 });
    const a = (ok(await report(w.members[1], w.post)) as any).reportContent.report.id;
    const b = (ok(await report(w.members[2], w.post)) as any).reportContent.report.id;
    const res = ok(await w.facilitator.gql(RESOLVE, { input: { reportId: a, action: 'HIDE', note: 'Nomor telepon pribadi' } })) as any;
    expect(res.resolveContentReport.report).toMatchObject({ status: 'HIDDEN', resolutionNote: 'Nomor telepon pribadi', resolvedBy: { id: w.facilitator.id } });
    const other = ok(await w.members[2].gql(`query($id: ID!) { node(id: $id) { ... on ContentReport { status resolutionNote } } }`, { id: b })) as any;
    expect(other.node).toEqual({ status: 'HIDDEN', resolutionNote: 'Nomor telepon pribadi' });
    const post = ok(await w.author.gql(`query($id: ID!) { node(id: $id) { ... on Post { isHidden body } } }`, { id: w.post.id })) as any;
    expect(post.node).toEqual({ isHidden: true, body: '' });
    expect(codeOf(await w.facilitator.gql(RESOLVE, { input: { reportId: a, action: 'DISMISS' } }))).toBe('CONFLICT');
  });

  it('only moderators resolve, hide and restore: the reporter is FORBIDDEN, another member NOT_FOUND for the report and FORBIDDEN to hide', async () => {
    const w = await world({ participants: 3 });
    const id = (ok(await report(w.members[1], w.post)) as any).reportContent.report.id;
    expect(codeOf(await w.members[1].gql(RESOLVE, { input: { reportId: id, action: 'HIDE' } }))).toBe('FORBIDDEN');
    expect(codeOf(await w.members[2].gql(RESOLVE, { input: { reportId: id, action: 'HIDE' } }))).toBe('NOT_FOUND');
    expect(codeOf(await w.members[2].gql(HIDE, { input: { subjectId: w.post.id } }))).toBe('FORBIDDEN');
    expect(codeOf(await w.outsider.gql(HIDE, { input: { subjectId: w.post.id } }))).toBe('FORBIDDEN');
    const hidden = ok(await w.coordinator.gql(HIDE, { input: { subjectId: w.post.id, note: 'spam' } })) as any;
    expect(hidden.hideContent.subject).toEqual({ __typename: 'Post', isHidden: true, body: 'Hubungi saya di 0812-3456-7890' });
    expect(codeOf(await w.members[2].gql(RESTORE, { input: { subjectId: w.post.id } }))).toBe('FORBIDDEN');
    const restored = ok(await w.facilitator.gql(RESTORE, { input: { subjectId: w.post.id } })) as any;
    expect(restored.restoreContent.subject).toMatchObject({ isHidden: false });
  });

  it('hiding directly resolves open reports as HIDDEN; restoring dismisses the ones opened since', async () => {
    const w = await world({ participants: 3 });
    const a = (ok(await report(w.members[1], w.thread)) as any).reportContent.report.id;
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.thread.id, note: 'Ditunda' } }));
    const b = (ok(await report(w.members[2], w.thread)) as any).reportContent.report.id;
    ok(await w.facilitator.gql(RESTORE, { input: { subjectId: w.thread.id } }));
    const status = async (id: string) =>
      ((ok(await w.coordinator.gql(`query($id: ID!) { node(id: $id) { ... on ContentReport { status resolutionNote } } }`, { id })) as any).node);
    expect(await status(a)).toEqual({ status: 'HIDDEN', resolutionNote: 'Ditunda' });
    expect(await status(b)).toEqual({ status: 'DISMISSED', resolutionNote: null });
  });

  it('every action is in the activity log with its actor; reports only for moderators', async () => {
    const w = await world({ participants: 2 });
    const id = (ok(await report(w.members[1], w.post)) as any).reportContent.report.id;
    ok(await w.facilitator.gql(RESOLVE, { input: { reportId: id, action: 'HIDE' } }));
    ok(await w.coordinator.gql(RESTORE, { input: { subjectId: w.post.id } }));
    const log = `query($id: ID!) { node(id: $id) { ... on Circle { activity(first: 100) { nodes { kind actor { id } report { id } post { id } } } } } }`;
    const kinds = (who: Actor) =>
      who.gql(log, { id: w.circle.id }).then((r) => (ok(r) as any).node.activity.nodes.filter((n: any) => n.kind.startsWith('CONTENT_')));
    expect(await kinds(w.facilitator)).toEqual([
      { kind: 'CONTENT_REPORTED', actor: { id: w.members[1].id }, report: { id }, post: { id: w.post.id } },
      { kind: 'CONTENT_HIDDEN', actor: { id: w.facilitator.id }, report: { id }, post: { id: w.post.id } },
      { kind: 'CONTENT_RESTORED', actor: { id: w.coordinator.id }, report: null, post: { id: w.post.id } },
    ]);
    // Members see the decisions, not the report, nor who reported.
    expect(await kinds(w.members[0])).toEqual([
      { kind: 'CONTENT_HIDDEN', actor: { id: w.facilitator.id }, report: null, post: { id: w.post.id } },
      { kind: 'CONTENT_RESTORED', actor: { id: w.coordinator.id }, report: null, post: { id: w.post.id } },
    ]);
  });

  it('a resource is moderated in the circles it was shared with', async () => {
    const w = await world({ participants: 2 });
    const resource = await w.members[0].shareResource([w.circle], { title: 'Template RKPDes palsu' });
    const r = ok(await report(w.members[1], resource, 'MISINFORMATION')) as any;
    expect(r.reportContent.report.subject.__typename).toBe('Resource');
    ok(await w.facilitator.gql(RESOLVE, { input: { reportId: r.reportContent.report.id, action: 'HIDE' } }));
    const q = `query($id: ID!) { node(id: $id) { ... on Resource { isHidden title description url } } }`;
    expect((ok(await w.members[0].gql(q, { id: resource.id })) as any).node).toEqual({ isHidden: true, title: '', description: null, url: '' });
    expect((ok(await w.facilitator.gql(q, { id: resource.id })) as any).node).toMatchObject({ isHidden: true, title: 'Template RKPDes palsu' });
    const centre = ok(await w.members[0].gql(`{ resources(first: 50) { nodes { id title } } }`)) as any;
    expect(centre.resources.nodes.find((n: any) => n.id === resource.id)).toEqual({ id: resource.id, title: '' });
  });
});

describe('automatic hiding', () => {
  it('three different members reporting hides the subject until a moderator decides; the reports stay OPEN', async () => {
    const w = await world({ participants: 4 });
    await report(w.members[1], w.post);
    await report(w.members[2], w.post);
    const q = `query($id: ID!) { node(id: $id) { ... on Post { isHidden body } } }`;
    expect((ok(await w.members[3].gql(q, { id: w.post.id })) as any).node).toEqual({ isHidden: false, body: 'Hubungi saya di 0812-3456-7890' });
    await report(w.members[3], w.post);
    expect((ok(await w.members[3].gql(q, { id: w.post.id })) as any).node).toEqual({ isHidden: true, body: '' });
    const open = (ok(await w.facilitator.gql(QUEUE, { id: w.circle.id, status: 'OPEN' })) as any).node.moderationQueue;
    expect(open.totalCount).toBe(3);
    const log = ok(
      await w.members[0].gql(`query($id: ID!) { node(id: $id) { ... on Circle { activity(first: 100) { nodes { kind actor { id } } } } } }`, { id: w.circle.id }),
    ) as any;
    expect(log.node.activity.nodes.filter((n: any) => n.kind === 'CONTENT_HIDDEN')).toEqual([{ kind: 'CONTENT_HIDDEN', actor: null }]);
    // A moderator dismissing shows it again and settles all three.
    ok(await w.facilitator.gql(RESOLVE, { input: { reportId: open.nodes[0].id, action: 'DISMISS', note: 'Nomor kantor desa' } }));
    expect((ok(await w.members[3].gql(q, { id: w.post.id })) as any).node.isHidden).toBe(false);
    const left = (ok(await w.facilitator.gql(QUEUE, { id: w.circle.id, status: 'OPEN' })) as any).node.moderationQueue;
    expect(left.totalCount).toBe(0);
  });

  it('three concurrent reports hide the subject exactly once', async () => {
    const w = await world({ participants: 4 });
    const results = await Promise.all(w.members.slice(1, 4).map((m) => report(m, w.thread)));
    for (const r of results) expect(codeOf(r)).toBeUndefined();
    const log = ok(
      await w.facilitator.gql(`query($id: ID!) { node(id: $id) { ... on Circle { activity(first: 100) { nodes { kind } } } } }`, { id: w.circle.id }),
    ) as any;
    const kinds = log.node.activity.nodes.map((n: any) => n.kind);
    expect(kinds.filter((k: string) => k === 'CONTENT_HIDDEN')).toHaveLength(1);
    expect(kinds.filter((k: string) => k === 'CONTENT_REPORTED')).toHaveLength(3);
    const t = ok(await w.members[0].gql(`query($id: ID!) { node(id: $id) { ... on Thread { isHidden title } } }`, { id: w.thread.id })) as any;
    expect(t.node).toEqual({ isHidden: true, title: '' });
  });

  it('two reporters are not enough, and one member reporting three things hides none', async () => {
    const w = await world({ participants: 3 });
    await report(w.members[1], w.thread);
    await report(w.members[2], w.thread);
    const t = ok(await w.members[0].gql(`query($id: ID!) { node(id: $id) { ... on Thread { isHidden } } }`, { id: w.thread.id })) as any;
    expect(t.node.isHidden).toBe(false);
  });
});

describe('hidden content on every read path', () => {
  it('feeds, node lookups, replies, reactions, counts and the activity log show it empty to non-moderators, the author included', async () => {
    const w = await world({ participants: 2 });
    const reply = await w.members[1].createPost(w.thread, { body: 'Balasan yang kasar', replyTo: w.post });
    ok(await w.members[1].gql(`mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { count } } }`, { input: { subjectId: reply.id, content: 'HEART' } }));
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: reply.id } }));
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.thread.id } }));

    // Pages just big enough for this world (1 thread, 2 posts, 1 reply), within the cost limit.
    const feed = `query($slug: String!) { circle(slug: $slug) { threads(first: 5) { nodes { id title body isHidden postCount
      posts(first: 5) { totalCount nodes { id body isHidden reactionGroups { content count } replies(first: 3) { nodes { id body isHidden } } } } } } } }`;
    const circle = ok(await w.author.gql(`query($id: ID!) { node(id: $id) { ... on Circle { slug } } }`, { id: w.circle.id })) as any;
    const slug = circle.node.slug;
    for (const viewer of [w.author, w.members[1]]) {
      const thread = (ok(await viewer.gql(feed, { slug })) as any).circle.threads.nodes[0];
      // The thread keeps its place and its replies; its words are gone.
      expect(thread).toMatchObject({ id: w.thread.id, title: '', body: '', isHidden: true, postCount: 1 });
      expect(thread.posts.totalCount).toBe(2);
      const hiddenReply = thread.posts.nodes.find((p: any) => p.id === reply.id);
      expect(hiddenReply).toMatchObject({ body: '', isHidden: true, reactionGroups: [] });
      const parent = thread.posts.nodes.find((p: any) => p.id === w.post.id);
      expect(parent.replies.nodes).toEqual([{ id: reply.id, body: '', isHidden: true }]);
    }
    const modView = (ok(await w.facilitator.gql(feed, { slug })) as any).circle.threads.nodes[0];
    expect(modView).toMatchObject({ title: 'Jadwal musrenbang desa', body: 'Kapan musrenbang di desa?', isHidden: true });
    expect(modView.posts.nodes.find((p: any) => p.id === reply.id)).toMatchObject({ body: 'Balasan yang kasar', reactionGroups: [{ content: 'HEART', count: 1 }] });

    const nodes = ok(await w.members[1].gql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Thread { title } ... on Post { body } } }`, { ids: [w.thread.id, reply.id] })) as any;
    expect(nodes.nodes).toEqual([{ title: '' }, { body: '' }]);

    const log = ok(
      await w.members[1].gql(`query($id: ID!) { node(id: $id) { ... on Circle { activity(first: 100) { nodes { kind thread { title } post { body } } } } } }`, { id: w.circle.id }),
    ) as any;
    for (const entry of log.node.activity.nodes) {
      if (entry.thread) expect(entry.thread.title).toBe('');
      if (entry.post?.body === 'Balasan yang kasar') throw new Error('hidden reply leaked through the activity log');
    }
  });

  it('members cannot reply to, react to or edit hidden content; moderators still can reply', async () => {
    const w = await world({ participants: 2 });
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.post.id } }));
    const react = await w.members[1].gql(`mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { count } } }`, { input: { subjectId: w.post.id, content: 'HEART' } });
    expect(codeOf(react)).toBe('FORBIDDEN');
    const edit = await w.author.gql(`mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { body } } }`, { input: { postId: w.post.id, body: 'Edited' } });
    expect(codeOf(edit)).toBe('FORBIDDEN');
    const replyTo = await w.members[1].gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, { input: { threadId: w.thread.id, body: 'Re', replyToId: w.post.id } });
    expect(codeOf(replyTo)).toBe('FORBIDDEN');
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.thread.id } }));
    const inThread = await w.members[1].gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, { input: { threadId: w.thread.id, body: 'Re' } });
    expect(codeOf(inThread)).toBe('FORBIDDEN');
    ok(await w.facilitator.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, { input: { threadId: w.thread.id, body: 'Thread ditutup sementara.' } }));
  });

  it('a hidden post leaves the thread\u2019s postCount and comes back to it when restored', async () => {
    const w = await world({ participants: 1 });
    const count = async () =>
      ((ok(await w.author.gql(`query($id: ID!) { node(id: $id) { ... on Thread { postCount } } }`, { id: w.thread.id })) as any).node.postCount);
    expect(await count()).toBe(1);
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.post.id } }));
    expect(await count()).toBe(0);
    ok(await w.facilitator.gql(RESTORE, { input: { subjectId: w.post.id } }));
    expect(await count()).toBe(1);
  });
});

describe('subscriptions', () => {
  const SUB = `subscription($circleId: ID!) { circleActivity(circleId: $circleId) { kind thread { title } post { body } report { id } } }`;

  it('CONTENT_REPORTED reaches moderators only; hidden content reaches members empty and moderators whole, from one shared document', async () => {
    const w = await world({ participants: 2 });
    const c1 = wsClient(hub.app.wsUrl, w.members[0].token);
    const c2 = wsClient(hub.app.wsUrl, w.facilitator.token);
    clients.push(c1, c2);
    await hub.app.feed.settle();
    const member = collect(c1, SUB, { circleId: w.circle.id });
    const moderator = collect(c2, SUB, { circleId: w.circle.id });
    await until(() => hub.app.hub.subscriberCount === 2, 15_000, 'two subscriptions registered');

    const id = (ok(await report(w.members[1], w.post)) as any).reportContent.report.id;
    ok(await w.facilitator.gql(HIDE, { input: { subjectId: w.post.id } }));
    await w.author.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, { input: { threadId: w.thread.id, body: 'Terima kasih' } });
    const kinds = (s: ReturnType<typeof collect>) => s.received.results.map((r) => r.data.circleActivity.kind);
    await until(() => kinds(member).includes('POST_CREATED') && kinds(moderator).includes('POST_CREATED'), 10_000, 'events delivered');

    expect(kinds(member)).toEqual(['CONTENT_HIDDEN', 'POST_CREATED']);
    expect(kinds(moderator)).toEqual(['CONTENT_REPORTED', 'CONTENT_HIDDEN', 'POST_CREATED']);
    const hiddenFor = (s: ReturnType<typeof collect>) => s.received.results.map((r) => r.data.circleActivity).find((a) => a.kind === 'CONTENT_HIDDEN');
    expect(hiddenFor(member)).toEqual({ kind: 'CONTENT_HIDDEN', thread: { title: 'Jadwal musrenbang desa' }, post: { body: '' }, report: null });
    expect(hiddenFor(moderator)).toEqual({
      kind: 'CONTENT_HIDDEN',
      thread: { title: 'Jadwal musrenbang desa' },
      post: { body: 'Hubungi saya di 0812-3456-7890' },
      report: { id },
    });
  });
});
