import { randomUUID } from 'node:crypto';
/**
 * The permission matrix of DESIGN.md, one `describe` per row, through GraphQL. Every refused write
 * is checked twice: the error code, and that nothing reached the database (the circle's
 * "footprint" of threads, posts, reactions, members, organisations and activity is unchanged).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { circles, organisationMembers, organisations, regions } from '../src/db/schema.js';
import { fromGlobalId, toGlobalId } from '../src/shared/ids.js';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

// ---------------------------------------------------------------- documents

const CIRCLE = `query($slug: String!) {
  circle(slug: $slug) { id name status visibility viewerRole viewerCanPost threads { totalCount nodes { id title } } members { totalCount } }
}`;
const CIRCLES_OF_ORG = `query($org: ID!) { circles(organisationId: $org, first: 100) { totalCount nodes { id } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id __typename } }`;
const CREATE_THREAD = `mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id title } } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id body } } }`;
const UPDATE_THREAD = `mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id title isPinned isLocked } } }`;
const UPDATE_POST = `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id body editedAt } } }`;
const DELETE_POST = `mutation($input: DeletePostInput!) { deletePost(input: $input) { post { id body isDeleted } } }`;
const ADD_REACTION = `mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { content count } } }`;
const JOIN = `mutation($input: JoinCircleInput!) { joinCircle(input: $input) { membership { role user { id } } } }`;
const LEAVE = `mutation($input: LeaveCircleInput!) { leaveCircle(input: $input) { circle { id } } }`;
const ADD_MEMBER = `mutation($input: AddCircleMemberInput!) { addCircleMember(input: $input) { membership { role user { id } } } }`;
const SET_ROLE = `mutation($input: UpdateCircleMemberRoleInput!) { updateCircleMemberRole(input: $input) { membership { role } } }`;
const REMOVE_MEMBER = `mutation($input: RemoveCircleMemberInput!) { removeCircleMember(input: $input) { circle { id } } }`;
const ADD_ORG = `mutation($input: AddCircleOrganisationInput!) {
  addCircleOrganisation(input: $input) { circle { organisations { totalCount nodes { id } } } }
}`;
const CREATE_CIRCLE = `mutation($input: CreateCircleInput!) {
  createCircle(input: $input) { circle { id slug viewerRole organisations { totalCount } } }
}`;
const CREATE_ORG = `mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { organisation { id slug viewerRole members { nodes { role user { id } } } } }
}`;
const SHARE = `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id organisation { id } } } }`;
const REMOVE_REACTION = `mutation($input: RemoveReactionInput!) { removeReaction(input: $input) { reactionGroups { content count } } }`;
const ADD_ORG_MEMBER = `mutation($input: AddOrganisationMemberInput!) { addOrganisationMember(input: $input) { membership { role user { id } } } }`;
const POST = `query($id: ID!) { node(id: $id) { ... on Post { id body isDeleted editedAt } } }`;
const THREAD = `query($id: ID!) { node(id: $id) { ... on Thread { id title isPinned isLocked postCount } } }`;

// ---------------------------------------------------------------- helpers

const anonymous = (query: string, variables?: Record<string, unknown>) => hub.gql(query, variables);

/** What a circle holds in the database; a refused write must leave it exactly as it was. */
async function footprint(circle: Ref) {
  const id = fromGlobalId(circle.id, 'Circle', 'circleId');
  const [row] = await hub.database.db
    .select({
      status: circles.status,
      threads: sql<number>`(select count(*)::int from threads t where t.circle_id = ${id}::uuid)`,
      pinnedOrLocked: sql<number>`(select count(*)::int from threads t where t.circle_id = ${id}::uuid and (t.is_pinned or t.is_locked))`,
      threadTitles: sql<string>`(select coalesce(string_agg(t.title, '|' order by t.id), '') from threads t where t.circle_id = ${id}::uuid)`,
      postCounts: sql<number>`(select coalesce(sum(t.post_count), 0)::int from threads t where t.circle_id = ${id}::uuid)`,
      posts: sql<number>`(select count(*)::int from posts p join threads t on t.id = p.thread_id where t.circle_id = ${id}::uuid)`,
      postBodies: sql<string>`(select coalesce(string_agg(p.body, '|' order by p.id), '') from posts p join threads t on t.id = p.thread_id where t.circle_id = ${id}::uuid)`,
      deletedPosts: sql<number>`(select count(*)::int from posts p join threads t on t.id = p.thread_id where t.circle_id = ${id}::uuid and p.deleted_at is not null)`,
      reactions: sql<number>`(select count(*)::int from reactions r
        left join posts p on p.id = r.post_id
        join threads t on t.id = coalesce(r.thread_id, p.thread_id)
        where t.circle_id = ${id}::uuid)`,
      members: sql<string>`(select coalesce(string_agg(m.user_id::text || ':' || m.role || ':' || coalesce(m.organisation_id::text, ''), ',' order by m.user_id), '')
        from circle_members m where m.circle_id = ${id}::uuid)`,
      resources: sql<number>`(select count(*)::int from resource_circles rc where rc.circle_id = ${id}::uuid)`,
      organisations: sql<number>`(select count(*)::int from circle_organisations co where co.circle_id = ${id}::uuid)`,
      activity: sql<number>`(select count(*)::int from activity a where a.circle_id = ${id}::uuid)`,
    })
    .from(circles)
    .where(eq(circles.id, id));
  return row;
}

/** Runs a write that must be refused with `code`, and checks it left no trace in `circle`. */
async function expectRefused(circle: Ref, code: string, write: () => Promise<GraphQLResponse>) {
  const before = await footprint(circle);
  const res = await write();
  expect(codeOf(res), JSON.stringify(res.errors)).toBe(code);
  expect(res.data ?? null).toBeNull();
  expect(await footprint(circle)).toEqual(before);
  return res;
}

async function count(table: typeof circles | typeof organisations): Promise<number> {
  const [row] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row.n;
}

async function circleAs(actor: Actor, circle: Ref) {
  return actor.gql(CIRCLE, { slug: circle.slug });
}

// ---------------------------------------------------------------- the matrix, row by row

describe('read PUBLIC circle, and what is public without sign-in', () => {
  let coordinator: Actor;
  let org: Ref;
  let circle: Ref;
  beforeAll(async () => {
    ({ coordinator, org, circle } = await kit.circleWithCoordinator());
    await coordinator.shareResource([circle]);
    await hub.database.db.insert(regions).values({ level: 'PROVINCE', name: 'Nusa Tenggara Barat', code: '52' });
  });

  it('lets an anonymous visitor read the SDG goals', async () => {
    const { sdgGoals } = ok(await anonymous(`{ sdgGoals { number title titleId } }`)) as any;
    expect(sdgGoals.map((g: any) => g.number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it('lets an anonymous visitor read the regions', async () => {
    const { regions: list } = ok(await anonymous(`{ regions { name level code } }`)) as any;
    expect(list).toContainEqual({ name: 'Nusa Tenggara Barat', level: 'PROVINCE', code: '52' });
  });

  it('lets an anonymous visitor read the organisation directory and one organisation by slug', async () => {
    const dir = ok(await anonymous(`{ organisations(first: 100) { totalCount nodes { id slug } } }`)) as any;
    expect(dir.organisations.nodes).toContainEqual({ id: org.id, slug: org.slug });
    const one = ok(await anonymous(`query($slug: String!) { organisation(slug: $slug) { id slug viewerRole } }`, { slug: org.slug })) as any;
    expect(one.organisation).toEqual({ id: org.id, slug: org.slug, viewerRole: null });
  });

  it.each([
    ["an organisation's members", `query($slug: String!) { organisation(slug: $slug) { members { totalCount nodes { user { id } } } } }`],
    ["an organisation's circles", `query($slug: String!) { organisation(slug: $slug) { circles { totalCount nodes { id } } } }`],
    ['the list of circles', `{ circles { totalCount nodes { id } } }`],
    ['a PUBLIC circle by slug', `query($circle: String!) { circle(slug: $circle) { id name } }`],
    ['the resource centre', `{ resources { totalCount nodes { id title } } }`],
  ])('makes an anonymous visitor sign in to read %s', async (_what, query) => {
    const res = await anonymous(query, query.includes('$slug') ? { slug: org.slug } : query.includes('$circle') ? { circle: circle.slug } : {});
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    // Nothing behind the wall leaks into the partial data.
    expect(JSON.stringify(res.data ?? null)).not.toContain(circle.id);
    expect(JSON.stringify(res.data ?? null)).not.toContain(coordinator.id);
  });

  it('shows an anonymous visitor no circle through node(id)', async () => {
    expect(ok(await anonymous(NODE, { id: circle.id }))).toEqual({ node: null });
  });

  it('lets any signed-in user, member or not, read what the anonymous visitor could not, the PUBLIC circle included', async () => {
    const reader = await kit.user();
    const d = ok(
      await reader.gql(
        `query($slug: String!, $circle: String!) {
          organisation(slug: $slug) { members { totalCount } circles { totalCount } }
          resources { totalCount }
          circle(slug: $circle) { id viewerRole viewerCanPost members { totalCount } }
        }`,
        { slug: org.slug, circle: circle.slug },
      ),
    ) as any;
    expect(d.organisation).toEqual({ members: { totalCount: 1 }, circles: { totalCount: 1 } });
    expect(d.resources.totalCount).toBeGreaterThanOrEqual(1);
    expect(d.circle).toEqual({ id: circle.id, viewerRole: null, viewerCanPost: false, members: { totalCount: 1 } });
    expect(ok(await reader.gql(NODE, { id: circle.id }))).toEqual({ node: { id: circle.id, __typename: 'Circle' } });
  });
});

describe('read MEMBERS_ONLY circle: members and admins of a participating organisation only', () => {
  let coordinator: Actor;
  let participant: Actor;
  let outsider: Actor;
  let orgMember: Actor;
  let orgAdmin: Actor;
  let org: Ref;
  let hidden: Ref;
  let open: Ref;
  let thread: Ref;
  let post: Ref;
  let resource: Ref;
  beforeAll(async () => {
    ({ coordinator, org, circle: hidden } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY' }));
    open = await coordinator.createCircle({ orgs: [org], visibility: 'PUBLIC' });
    [participant, outsider, orgMember, orgAdmin] = await Promise.all([kit.user(), kit.user(), kit.user(), kit.user()]);
    await coordinator.addMember(hidden, participant, 'PARTICIPANT');
    await coordinator.addToOrg(org, orgMember, 'MEMBER');
    await coordinator.addToOrg(org, orgAdmin, 'ADMIN');
    // The outsider runs an organisation of their own, which does not take part.
    await outsider.createOrg();
    thread = await coordinator.createThread(hidden, { title: 'Anggaran desa' });
    post = await coordinator.createPost(thread, { body: 'Rincian APBDes' });
    resource = await coordinator.shareResource([hidden], { title: 'Template RKPDes' });
  });

  it('answers a signed-in non-member NOT_FOUND for the circle, as for a slug that does not exist', async () => {
    const res = await circleAs(outsider, hidden);
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.data).toEqual({ circle: null });
    const missing = await outsider.gql(CIRCLE, { slug: 'no-such-circle' });
    expect(missing.errors![0].message).toBe(res.errors![0].message);
  });

  it('treats a plain MEMBER of a participating organisation as an outsider', async () => {
    expect(codeOf(await circleAs(orgMember, hidden))).toBe('NOT_FOUND');
    expect(ok(await orgMember.gql(NODE, { id: hidden.id }))).toEqual({ node: null });
  });

  it('leaves the circle out of a non-member\'s circle list and its totalCount', async () => {
    const d = ok(await outsider.gql(CIRCLES_OF_ORG, { org: org.id })) as any;
    expect(d.circles).toEqual({ totalCount: 1, nodes: [{ id: open.id }] });
    const all = ok(await outsider.gql(`{ circles(first: 100) { totalCount nodes { id } } }`)) as any;
    expect(all.circles.nodes.map((c: any) => c.id)).not.toContain(hidden.id);
    expect(all.circles.totalCount).toBe(all.circles.nodes.length);
    const viaOrg = ok(await outsider.gql(`query($slug: String!) { organisation(slug: $slug) { circles { totalCount nodes { id } } } }`, { slug: org.slug })) as any;
    expect(viaOrg.organisation.circles).toEqual({ totalCount: 1, nodes: [{ id: open.id }] });
  });

  it('gives a non-member null from node(id) and nodes(ids) for the circle, its threads, posts and resources', async () => {
    expect(ok(await outsider.gql(NODE, { id: hidden.id }))).toEqual({ node: null });
    const d = ok(await outsider.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [hidden.id, thread.id, post.id, resource.id] }));
    expect(d).toEqual({ nodes: [null, null, null, null] });
  });

  it("leaves the circle's resources and memberships out of what a non-member can list", async () => {
    const d = ok(
      await outsider.gql(`query($id: ID!) { resources(first: 100) { nodes { id } } node(id: $id) { ... on User { circles { totalCount } } } }`, {
        id: participant.id,
      }),
    ) as any;
    expect(d.resources.nodes.map((r: any) => r.id)).not.toContain(resource.id);
    expect(d.node.circles.totalCount).toBe(0);
    const member = ok(await participant.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: resource.id })) as any;
    expect(member.node).toEqual({ id: resource.id });
  });

  it('answers a non-member NOT_FOUND when starting a thread or posting in it, and writes nothing', async () => {
    await expectRefused(hidden, 'NOT_FOUND', () => outsider.gql(CREATE_THREAD, { input: { circleId: hidden.id, title: 'Halo', body: 'Masuk?' } }));
    await expectRefused(hidden, 'NOT_FOUND', () => outsider.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Masuk?' } }));
  });

  it('shows the circle and its threads to a member', async () => {
    const d = ok(await circleAs(participant, hidden)) as any;
    expect(d.circle).toMatchObject({ id: hidden.id, viewerRole: 'PARTICIPANT', viewerCanPost: true, threads: { totalCount: 1 } });
    expect((ok(await participant.gql(CIRCLES_OF_ORG, { org: org.id })) as any).circles.totalCount).toBe(2);
    expect(ok(await participant.gql(NODE, { id: hidden.id }))).toEqual({ node: { id: hidden.id, __typename: 'Circle' } });
  });

  it('shows the circle to an ADMIN of a participating organisation who is not a member', async () => {
    const d = ok(await circleAs(orgAdmin, hidden)) as any;
    expect(d.circle).toMatchObject({
      id: hidden.id,
      viewerRole: null,
      viewerCanPost: false,
      threads: { totalCount: 1, nodes: [{ id: thread.id, title: 'Anggaran desa' }] },
    });
    const list = ok(await orgAdmin.gql(CIRCLES_OF_ORG, { org: org.id })) as any;
    expect(list.circles.totalCount).toBe(2);
    expect(list.circles.nodes.map((c: any) => c.id)).toContain(hidden.id);
    expect(ok(await orgAdmin.gql(NODE, { id: thread.id }))).toEqual({ node: { id: thread.id, __typename: 'Thread' } });
  });

  it('lets such an ADMIN post only as a member: FORBIDDEN, and nothing written', async () => {
    await expectRefused(hidden, 'FORBIDDEN', () => orgAdmin.gql(CREATE_THREAD, { input: { circleId: hidden.id, title: 'Dari admin', body: 'Teks' } }));
    await expectRefused(hidden, 'FORBIDDEN', () => orgAdmin.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Dari admin' } }));
    await expectRefused(hidden, 'FORBIDDEN', () => orgAdmin.gql(ADD_REACTION, { input: { subjectId: thread.id, content: 'HEART' } }));
  });

  it('makes an anonymous visitor sign in first', async () => {
    expect(codeOf(await anonymous(CIRCLE, { slug: hidden.slug }))).toBe('UNAUTHENTICATED');
  });

  it('hides the circle again from an ADMIN who is demoted to MEMBER of the organisation', async () => {
    await coordinator.addToOrg(org, orgAdmin, 'MEMBER');
    expect(codeOf(await circleAs(orgAdmin, hidden))).toBe('NOT_FOUND');
    expect((ok(await orgAdmin.gql(CIRCLES_OF_ORG, { org: org.id })) as any).circles).toEqual({ totalCount: 1, nodes: [{ id: open.id }] });
  });
});

describe('join PUBLIC circle: any signed-in user', () => {
  let coordinator: Actor;
  let joiner: Actor;
  let outsider: Actor;
  let orgAdmin: Actor;
  let open: Ref;
  let hidden: Ref;
  beforeAll(async () => {
    let org: Ref;
    ({ coordinator, org, circle: open } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    hidden = await coordinator.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
    [joiner, outsider, orgAdmin] = await Promise.all([kit.user(), kit.user(), kit.user()]);
    await coordinator.addToOrg(org, orgAdmin, 'ADMIN');
  });

  it('makes a signed-in user who joins a PUBLIC circle a PARTICIPANT who can post', async () => {
    const d = ok(await joiner.gql(JOIN, { input: { circleId: open.id } })) as any;
    expect(d.joinCircle.membership).toEqual({ role: 'PARTICIPANT', user: { id: joiner.id } });
    const c = ok(await circleAs(joiner, open)) as any;
    expect(c.circle).toMatchObject({ viewerRole: 'PARTICIPANT', viewerCanPost: true, members: { totalCount: 2 } });
  });

  it('answers CONFLICT to joining twice, and adds no second membership', async () => {
    await expectRefused(open, 'CONFLICT', () => joiner.gql(JOIN, { input: { circleId: open.id } }));
    await expectRefused(open, 'CONFLICT', () => coordinator.gql(JOIN, { input: { circleId: open.id } }));
  });

  it('answers an outsider NOT_FOUND for joining a MEMBERS_ONLY circle, and adds no member', async () => {
    await expectRefused(hidden, 'NOT_FOUND', () => outsider.gql(JOIN, { input: { circleId: hidden.id } }));
    expect(codeOf(await circleAs(outsider, hidden))).toBe('NOT_FOUND');
  });

  it('does not let an ADMIN who can see a MEMBERS_ONLY circle join it on their own', async () => {
    await expectRefused(hidden, 'FORBIDDEN', () => orgAdmin.gql(JOIN, { input: { circleId: hidden.id } }));
  });

  it('makes an anonymous visitor sign in to join', async () => {
    await expectRefused(open, 'UNAUTHENTICATED', () => anonymous(JOIN, { input: { circleId: open.id } }));
  });
});

describe('post thread / reply: members only', () => {
  let coordinator: Actor;
  let facilitator: Actor;
  let participant: Actor;
  let outsider: Actor;
  let circle: Ref;
  let thread: Ref;
  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    [facilitator, participant, outsider] = await Promise.all([kit.user(), kit.user(), kit.user()]);
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await participant.join(circle);
    thread = await coordinator.createThread(circle);
  });

  it.each(['participant', 'facilitator', 'coordinator'] as const)('lets a %s start a thread and reply in it', async (who) => {
    const actor = { participant, facilitator, coordinator }[who];
    const before = await footprint(circle);
    const t = (ok(await actor.gql(CREATE_THREAD, { input: { circleId: circle.id, title: `Dari ${who}`, body: 'Teks' } })) as any).createThread.thread;
    expect(t.title).toBe(`Dari ${who}`);
    const p = (ok(await actor.gql(CREATE_POST, { input: { threadId: t.id, body: 'Balasan' } })) as any).createPost.post;
    const reply = (ok(await actor.gql(CREATE_POST, { input: { threadId: t.id, body: 'Balasan lagi', replyToId: p.id } })) as any).createPost.post;
    expect(reply.body).toBe('Balasan lagi');
    // And a reply in a thread someone else started.
    ok(await actor.gql(CREATE_POST, { input: { threadId: thread.id, body: `Ikut bicara, ${who}` } }));
    const after = await footprint(circle);
    expect(after.threads).toBe(before.threads + 1);
    expect(after.posts).toBe(before.posts + 3);
  });

  it('forbids a signed-in non-member of a PUBLIC circle to start a thread, reply or react, and writes nothing', async () => {
    await expectRefused(circle, 'FORBIDDEN', () => outsider.gql(CREATE_THREAD, { input: { circleId: circle.id, title: 'Numpang', body: 'Teks' } }));
    await expectRefused(circle, 'FORBIDDEN', () => outsider.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Numpang' } }));
    await expectRefused(circle, 'FORBIDDEN', () => outsider.gql(ADD_REACTION, { input: { subjectId: thread.id, content: 'THUMBS_UP' } }));
    // Yet they can read it.
    expect((ok(await circleAs(outsider, circle)) as any).circle).toMatchObject({ viewerRole: null, viewerCanPost: false });
  });

  it('makes an anonymous visitor sign in to post, and writes nothing', async () => {
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(CREATE_THREAD, { input: { circleId: circle.id, title: 'Anon', body: 'Teks' } }));
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(CREATE_POST, { input: { threadId: thread.id, body: 'Anon' } }));
  });
});

describe("edit own post, delete others' posts", () => {
  let coordinator: Actor;
  let facilitator: Actor;
  let author: Actor;
  let other: Actor;
  let circle: Ref;
  let thread: Ref;
  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    [facilitator, author, other] = await Promise.all([kit.user(), kit.user(), kit.user()]);
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await author.join(circle);
    await other.join(circle);
    thread = await coordinator.createThread(circle);
  });

  async function postOf(actor: Actor, id: string) {
    return (ok(await actor.gql(POST, { id })) as any).node;
  }

  it('lets the author edit their own post', async () => {
    const post = await author.createPost(thread, { body: 'Versi pertama' });
    const d = ok(await author.gql(UPDATE_POST, { input: { postId: post.id, body: 'Versi kedua' } })) as any;
    expect(d.updatePost.post).toMatchObject({ body: 'Versi kedua', editedAt: expect.any(String) });
    expect(await postOf(other, post.id)).toMatchObject({ body: 'Versi kedua', isDeleted: false });
  });

  it.each(['another participant', 'the coordinator', 'a facilitator'] as const)("forbids %s to edit someone else's post", async (who) => {
    const post = await author.createPost(thread, { body: 'Milik penulis' });
    const actor = { 'another participant': other, 'the coordinator': coordinator, 'a facilitator': facilitator }[who];
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(UPDATE_POST, { input: { postId: post.id, body: 'Diubah orang lain' } }));
    expect(await postOf(author, post.id)).toMatchObject({ body: 'Milik penulis', editedAt: null });
  });

  it("forbids a participant to delete someone else's post", async () => {
    const post = await author.createPost(thread, { body: 'Jangan dihapus' });
    await expectRefused(circle, 'FORBIDDEN', () => other.gql(DELETE_POST, { input: { postId: post.id } }));
    expect(await postOf(author, post.id)).toMatchObject({ body: 'Jangan dihapus', isDeleted: false });
  });

  it.each(['facilitator', 'coordinator'] as const)("lets a %s delete someone else's post", async (who) => {
    const post = await author.createPost(thread, { body: 'Melanggar aturan' });
    const actor = { facilitator, coordinator }[who];
    const before = await footprint(circle);
    const d = ok(await actor.gql(DELETE_POST, { input: { postId: post.id } })) as any;
    expect(d.deletePost.post).toEqual({ id: post.id, body: '', isDeleted: true });
    const after = await footprint(circle);
    expect(after.deletedPosts).toBe(before.deletedPosts + 1);
    expect(after.postCounts).toBe(before.postCounts - 1);
  });

  it('lets the author delete their own post', async () => {
    const post = await author.createPost(thread, { body: 'Salah kirim' });
    const d = ok(await author.gql(DELETE_POST, { input: { postId: post.id } })) as any;
    expect(d.deletePost.post.isDeleted).toBe(true);
  });

  it('still lets a former member edit their own post in a PUBLIC circle (the "signed in: own" cell)', async () => {
    const leaver = await kit.user();
    await leaver.join(circle);
    const post = await leaver.createPost(thread, { body: 'Sebelum keluar' });
    ok(await leaver.gql(LEAVE, { input: { circleId: circle.id } }));
    const d = ok(await leaver.gql(UPDATE_POST, { input: { postId: post.id, body: 'Sesudah keluar' } })) as any;
    expect(d.updatePost.post.body).toBe('Sesudah keluar');
  });

  it('makes an anonymous visitor sign in to edit or delete', async () => {
    const post = await author.createPost(thread, { body: 'Tetap' });
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(UPDATE_POST, { input: { postId: post.id, body: 'Anon' } }));
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(DELETE_POST, { input: { postId: post.id } }));
  });
});

describe('pin / lock thread: facilitators and coordinators', () => {
  let coordinator: Actor;
  let facilitator: Actor;
  let author: Actor;
  let other: Actor;
  let orgAdmin: Actor;
  let circle: Ref;
  let thread: Ref;
  beforeAll(async () => {
    let org: Ref;
    ({ coordinator, org, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    [facilitator, author, other, orgAdmin] = await Promise.all([kit.user(), kit.user(), kit.user(), kit.user()]);
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await author.join(circle);
    await other.join(circle);
    await coordinator.addToOrg(org, orgAdmin, 'ADMIN');
    thread = await author.createThread(circle, { title: 'Judul lama' });
  });

  async function threadState() {
    return (ok(await coordinator.gql(THREAD, { id: thread.id })) as any).node;
  }

  it('forbids a participant, even the author, to pin or lock a thread', async () => {
    for (const actor of [author, other]) {
      await expectRefused(circle, 'FORBIDDEN', () => actor.gql(UPDATE_THREAD, { input: { threadId: thread.id, isPinned: true } }));
      await expectRefused(circle, 'FORBIDDEN', () => actor.gql(UPDATE_THREAD, { input: { threadId: thread.id, isLocked: true } }));
    }
    expect(await threadState()).toMatchObject({ isPinned: false, isLocked: false });
  });

  it('forbids an ADMIN of a participating organisation who is not a member to pin a thread', async () => {
    await expectRefused(circle, 'FORBIDDEN', () => orgAdmin.gql(UPDATE_THREAD, { input: { threadId: thread.id, isPinned: true } }));
  });

  it("lets the author change their thread's title, and nobody else among the participants", async () => {
    const d = ok(await author.gql(UPDATE_THREAD, { input: { threadId: thread.id, title: 'Judul baru' } })) as any;
    expect(d.updateThread.thread.title).toBe('Judul baru');
    await expectRefused(circle, 'FORBIDDEN', () => other.gql(UPDATE_THREAD, { input: { threadId: thread.id, title: 'Judul saya' } }));
    expect((await threadState()).title).toBe('Judul baru');
  });

  it.each(['the coordinator', 'a facilitator'] as const)("forbids %s to rewrite someone else's thread (edit is own only)", async (who) => {
    const actor = { 'the coordinator': coordinator, 'a facilitator': facilitator }[who];
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(UPDATE_THREAD, { input: { threadId: thread.id, title: 'Judul moderator' } }));
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(UPDATE_THREAD, { input: { threadId: thread.id, body: 'Isi moderator' } }));
  });

  it('lets a facilitator pin a thread', async () => {
    const d = ok(await facilitator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isPinned: true } })) as any;
    expect(d.updateThread.thread).toMatchObject({ isPinned: true, isLocked: false });
  });

  it('lets a coordinator lock a thread, which then takes no new posts from anyone', async () => {
    const d = ok(await coordinator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isLocked: true } })) as any;
    expect(d.updateThread.thread).toMatchObject({ isPinned: true, isLocked: true });
    for (const actor of [author, facilitator, coordinator]) {
      await expectRefused(circle, 'FORBIDDEN', () => actor.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Terlambat' } }));
    }
    expect((await threadState()).postCount).toBe(0);
  });

  it('lets a facilitator unlock the thread, after which members post again', async () => {
    ok(await facilitator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isLocked: false } }));
    await author.createPost(thread, { body: 'Sudah dibuka' });
    expect((await threadState()).postCount).toBe(1);
  });
});

describe('add/remove members, change roles: coordinators only', () => {
  let coordinator: Actor;
  let facilitator: Actor;
  let participant: Actor;
  let newcomer: Actor;
  let outsider: Actor;
  let orgAdmin: Actor;
  let org: Ref;
  let circle: Ref;
  beforeAll(async () => {
    ({ coordinator, org, circle } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY' }));
    [facilitator, participant, newcomer, outsider, orgAdmin] = await Promise.all([kit.user(), kit.user(), kit.user(), kit.user(), kit.user()]);
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await coordinator.addMember(circle, participant, 'PARTICIPANT');
    await coordinator.addToOrg(org, orgAdmin, 'ADMIN');
  });

  it.each(['a participant', 'a facilitator', 'an ADMIN of a participating organisation who is not a member'] as const)(
    'forbids %s to add, remove or re-role members, and changes nothing',
    async (who) => {
    const actor = { 'a participant': participant, 'a facilitator': facilitator, 'an ADMIN of a participating organisation who is not a member': orgAdmin }[who];
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(ADD_MEMBER, { input: { circleId: circle.id, userId: newcomer.id, role: 'PARTICIPANT' } }));
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(SET_ROLE, { input: { circleId: circle.id, userId: participant.id, role: 'COORDINATOR' } }));
    await expectRefused(circle, 'FORBIDDEN', () => actor.gql(REMOVE_MEMBER, { input: { circleId: circle.id, userId: participant.id } }));
    },
  );

  it('answers an outsider NOT_FOUND for managing members of a MEMBERS_ONLY circle', async () => {
    await expectRefused(circle, 'NOT_FOUND', () => outsider.gql(ADD_MEMBER, { input: { circleId: circle.id, userId: outsider.id, role: 'COORDINATOR' } }));
  });

  it('lets the coordinator add a member, who can then read the circle', async () => {
    const d = ok(await coordinator.gql(ADD_MEMBER, { input: { circleId: circle.id, userId: newcomer.id, role: 'PARTICIPANT' } })) as any;
    expect(d.addCircleMember.membership).toEqual({ role: 'PARTICIPANT', user: { id: newcomer.id } });
    expect((ok(await circleAs(newcomer, circle)) as any).circle.viewerRole).toBe('PARTICIPANT');
  });

  it('answers CONFLICT to adding someone who is already a member', async () => {
    await expectRefused(circle, 'CONFLICT', () => coordinator.gql(ADD_MEMBER, { input: { circleId: circle.id, userId: newcomer.id, role: 'FACILITATOR' } }));
  });

  it("lets the coordinator change a member's role", async () => {
    const d = ok(await coordinator.gql(SET_ROLE, { input: { circleId: circle.id, userId: participant.id, role: 'FACILITATOR' } })) as any;
    expect(d.updateCircleMemberRole.membership.role).toBe('FACILITATOR');
    expect((ok(await circleAs(participant, circle)) as any).circle.viewerRole).toBe('FACILITATOR');
  });

  it('does not let the last coordinator leave, be demoted or be removed (CONFLICT), and changes nothing', async () => {
    await expectRefused(circle, 'CONFLICT', () => coordinator.gql(LEAVE, { input: { circleId: circle.id } }));
    await expectRefused(circle, 'CONFLICT', () => coordinator.gql(SET_ROLE, { input: { circleId: circle.id, userId: coordinator.id, role: 'PARTICIPANT' } }));
    await expectRefused(circle, 'CONFLICT', () => coordinator.gql(REMOVE_MEMBER, { input: { circleId: circle.id, userId: coordinator.id } }));
    expect((ok(await circleAs(coordinator, circle)) as any).circle.viewerRole).toBe('COORDINATOR');
  });

  it('takes a removed member\'s access to a MEMBERS_ONLY circle away at once', async () => {
    const key = `retry-${newcomer.id.slice(-8)}`;
    const threadInput = { circleId: circle.id, title: 'Sebelum dikeluarkan', body: 'Teks', clientMutationId: key };
    const thread = (ok(await newcomer.gql(CREATE_THREAD, { input: threadInput })) as any).createThread.thread as Ref;
    const postInput = { threadId: thread.id, body: 'Balasan sendiri', clientMutationId: `${key}-post` };
    ok(await newcomer.gql(CREATE_POST, { input: postInput }));
    ok(await coordinator.gql(REMOVE_MEMBER, { input: { circleId: circle.id, userId: newcomer.id } }));
    await coordinator.createPost(thread, { body: 'Rahasia setelah dia keluar' });
    expect(codeOf(await circleAs(newcomer, circle))).toBe('NOT_FOUND');
    expect(ok(await newcomer.gql(NODE, { id: thread.id }))).toEqual({ node: null });
    expect((ok(await newcomer.gql(CIRCLES_OF_ORG, { org: org.id })) as any).circles).toEqual({ totalCount: 0, nodes: [] });
    await expectRefused(circle, 'NOT_FOUND', () => newcomer.gql(CREATE_THREAD, { input: { circleId: circle.id, title: 'Masih bisa?', body: 'Teks' } }));
    await expectRefused(circle, 'NOT_FOUND', () => newcomer.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Masih bisa?' } }));
    // Replaying an old idempotency key is no way back in: the first result is not shown any more.
    const replay = await expectRefused(circle, 'NOT_FOUND', () =>
      newcomer.gql(`mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id posts { nodes { body } } } } }`, { input: threadInput }),
    );
    expect(JSON.stringify(replay)).not.toContain('Rahasia');
    const postReplay = await expectRefused(circle, 'NOT_FOUND', () =>
      newcomer.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id thread { posts { nodes { body } } } } } }`, {
        input: postInput,
      }),
    );
    expect(JSON.stringify(postReplay)).not.toContain('Rahasia');
  });

  it('lets a coordinator step down once there is another coordinator', async () => {
    ok(await coordinator.gql(SET_ROLE, { input: { circleId: circle.id, userId: facilitator.id, role: 'COORDINATOR' } }));
    ok(await coordinator.gql(SET_ROLE, { input: { circleId: circle.id, userId: coordinator.id, role: 'PARTICIPANT' } }));
    expect((ok(await circleAs(coordinator, circle)) as any).circle.viewerRole).toBe('PARTICIPANT');
    // Now the one left is the last coordinator.
    await expectRefused(circle, 'CONFLICT', () => facilitator.gql(LEAVE, { input: { circleId: circle.id } }));
  });

  // The coordinator created `org`, so stays its ADMIN and can still see the circle after removal.
  const removedMemberSees = (loser: 'coordinator' | 'facilitator') => (loser === 'coordinator' ? 'FORBIDDEN' : 'NOT_FOUND');
  it.each([
    // Each would leave the other as the last coordinator: the later one gets CONFLICT.
    ['both step down', () => 'CONFLICT', (c: Ref, me: Actor) => me.gql(SET_ROLE, { input: { circleId: c.id, userId: me.id, role: 'PARTICIPANT' } })],
    ['both leave', () => 'CONFLICT', (c: Ref, me: Actor) => me.gql(LEAVE, { input: { circleId: c.id } })],
    // By then the later one is no longer a coordinator: FORBIDDEN.
    ['each demote the other', () => 'FORBIDDEN', (c: Ref, me: Actor, other: Actor) => me.gql(SET_ROLE, { input: { circleId: c.id, userId: other.id, role: 'PARTICIPANT' } })],
    // By then the later one is no longer a member: NOT_FOUND, or FORBIDDEN for the ADMIN of the circle's organisation.
    ['each remove the other', removedMemberSees, (c: Ref, me: Actor, other: Actor) => me.gql(REMOVE_MEMBER, { input: { circleId: c.id, userId: other.id } })],
  ] as [string, (loser: 'coordinator' | 'facilitator') => string, (c: Ref, me: Actor, other: Actor) => Promise<GraphQLResponse>][])(
    'keeps exactly one coordinator when two coordinators %s at the same moment, refusing the later one cleanly',
    async (_what, refusal, act) => {
      // Only real PostgreSQL runs transactions side by side; PGlite has one connection, so one round shows the rule there.
      const rounds = inject('testDb').kind === 'pg' ? 3 : 1;
      for (let round = 0; round < rounds; round++) {
        const pair = await coordinator.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
        await coordinator.addMember(pair, facilitator, 'COORDINATOR');
        const results = await Promise.all([act(pair, coordinator, facilitator), act(pair, facilitator, coordinator)]);
        const why = JSON.stringify(results.map((r) => r.errors));
        expect(results.filter((r) => !r.errors), why).toHaveLength(1);
        const loser = results[0].errors ? 'coordinator' : 'facilitator';
        expect(codeOf(results[loser === 'coordinator' ? 0 : 1]), why).toBe(refusal(loser));
        const { members } = await footprint(pair);
        expect(members.split(',').filter((m: string) => m.includes(':COORDINATOR:'))).toHaveLength(1);
      }
    },
  );

  it('makes an anonymous visitor sign in to manage members', async () => {
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(ADD_MEMBER, { input: { circleId: circle.id, userId: outsider.id, role: 'PARTICIPANT' } }));
  });
});

describe('add organisation to circle: a coordinator who is ADMIN of that organisation', () => {
  let coordinator: Actor;
  let facilitator: Actor;
  let circle: Ref;
  let adminOrg: Ref;
  let memberOrg: Ref;
  let facilitatorOrg: Ref;
  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    const otherAdmin = await kit.user();
    facilitator = await kit.user();
    adminOrg = await coordinator.createOrg();
    memberOrg = await otherAdmin.createOrg();
    await otherAdmin.addToOrg(memberOrg, coordinator, 'MEMBER');
    facilitatorOrg = await facilitator.createOrg();
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
  });

  it('lets a coordinator bring in an organisation they are ADMIN of', async () => {
    const d = ok(await coordinator.gql(ADD_ORG, { input: { circleId: circle.id, organisationId: adminOrg.id } })) as any;
    expect(d.addCircleOrganisation.circle.organisations.totalCount).toBe(2);
    expect(d.addCircleOrganisation.circle.organisations.nodes.map((o: any) => o.id)).toContain(adminOrg.id);
  });

  it('answers CONFLICT when the organisation already takes part', async () => {
    const res = await expectRefused(circle, 'CONFLICT', () => coordinator.gql(ADD_ORG, { input: { circleId: circle.id, organisationId: adminOrg.id } }));
    expect(res.errors![0].extensions!.field).toBe('organisationId');
  });

  it('forbids a coordinator who is only a MEMBER of the organisation', async () => {
    await expectRefused(circle, 'FORBIDDEN', () => coordinator.gql(ADD_ORG, { input: { circleId: circle.id, organisationId: memberOrg.id } }));
  });

  it('forbids a facilitator, even as ADMIN of the organisation', async () => {
    await expectRefused(circle, 'FORBIDDEN', () => facilitator.gql(ADD_ORG, { input: { circleId: circle.id, organisationId: facilitatorOrg.id } }));
  });

  it('makes an anonymous visitor sign in first', async () => {
    await expectRefused(circle, 'UNAUTHENTICATED', () => anonymous(ADD_ORG, { input: { circleId: circle.id, organisationId: facilitatorOrg.id } }));
  });
});

describe('create circle: only as a member of each organisation named', () => {
  let creator: Actor;
  let own: Ref;
  let joined: Ref;
  let foreign: Ref;
  beforeAll(async () => {
    creator = await kit.user();
    const other = await kit.user();
    own = await creator.createOrg();
    joined = await other.createOrg();
    await other.addToOrg(joined, creator, 'MEMBER');
    foreign = await other.createOrg();
  });

  it('lets a member of every organisation named create the circle and become its COORDINATOR', async () => {
    const d = ok(
      await creator.gql(CREATE_CIRCLE, { input: { name: 'Lingkar belajar bersama Lombok Timur', visibility: 'PUBLIC', organisationIds: [own.id, joined.id] } }),
    ) as any;
    expect(d.createCircle.circle).toMatchObject({ viewerRole: 'COORDINATOR', organisations: { totalCount: 2 } });
  });

  it('forbids naming an organisation the creator does not belong to, and creates nothing', async () => {
    const before = await count(circles);
    const res = await creator.gql(CREATE_CIRCLE, { input: { name: 'Lingkar tanpa izin', visibility: 'PUBLIC', organisationIds: [own.id, foreign.id] } });
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
    expect(await count(circles)).toBe(before);
  });

  it('makes an anonymous visitor sign in first, and creates nothing', async () => {
    const before = await count(circles);
    const res = await anonymous(CREATE_CIRCLE, { input: { name: 'Lingkar anonim', visibility: 'PUBLIC', organisationIds: [own.id] } });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(await count(circles)).toBe(before);
  });
});

describe('create organisation: any signed-in user, who becomes its ADMIN', () => {
  it('makes the creator ADMIN of the new organisation', async () => {
    const founder = await kit.user();
    const d = ok(await founder.gql(CREATE_ORG, { input: { name: `Yayasan Desa Membangun ${founder.id.slice(-6)}`, kind: 'CIVIL_SOCIETY' } })) as any;
    expect(d.createOrganisation.organisation).toMatchObject({ viewerRole: 'ADMIN', members: { nodes: [{ role: 'ADMIN', user: { id: founder.id } }] } });
    const again = ok(await founder.gql(`query($slug: String!) { organisation(slug: $slug) { viewerRole } }`, { slug: d.createOrganisation.organisation.slug })) as any;
    expect(again.organisation.viewerRole).toBe('ADMIN');
  });

  it('makes an anonymous visitor sign in first, and creates nothing', async () => {
    const before = await count(organisations);
    const res = await anonymous(CREATE_ORG, { input: { name: 'Organisasi anonim', kind: 'OTHER' } });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(await count(organisations)).toBe(before);
  });
});

describe('add organisation member: organisation ADMINs only', () => {
  let admin: Actor;
  let member: Actor;
  let outsider: Actor;
  let newcomer: Actor;
  let org: Ref;
  async function members() {
    const orgId = fromGlobalId(org.id, 'Organisation', 'organisationId');
    return hub.database.db
      .select({ userId: organisationMembers.userId, role: organisationMembers.role })
      .from(organisationMembers)
      .where(eq(organisationMembers.organisationId, orgId))
      .orderBy(organisationMembers.userId);
  }
  beforeAll(async () => {
    [admin, member, outsider, newcomer] = await Promise.all([kit.user(), kit.user(), kit.user(), kit.user()]);
    org = await admin.createOrg();
  });

  it('lets an ADMIN add a member', async () => {
    const d = ok(await admin.gql(ADD_ORG_MEMBER, { input: { organisationId: org.id, userId: member.id, role: 'MEMBER' } })) as any;
    expect(d.addOrganisationMember.membership).toEqual({ role: 'MEMBER', user: { id: member.id } });
    const seen = ok(await member.gql(`query($slug: String!) { organisation(slug: $slug) { viewerRole } }`, { slug: org.slug })) as any;
    expect(seen.organisation.viewerRole).toBe('MEMBER');
  });

  it.each(['a MEMBER', 'an outsider'] as const)('forbids %s to add members, and changes nothing', async (who) => {
    const actor = { 'a MEMBER': member, 'an outsider': outsider }[who];
    const before = await members();
    for (const [userId, role] of [
      [newcomer.id, 'MEMBER'],
      [actor.id, 'ADMIN'],
    ]) {
      const res = await actor.gql(ADD_ORG_MEMBER, { input: { organisationId: org.id, userId, role } });
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.data).toBeNull();
    }
    expect(await members()).toEqual(before);
  });

  it('makes an anonymous visitor sign in first', async () => {
    const before = await members();
    expect(codeOf(await anonymous(ADD_ORG_MEMBER, { input: { organisationId: org.id, userId: newcomer.id, role: 'MEMBER' } }))).toBe('UNAUTHENTICATED');
    expect(await members()).toEqual(before);
  });
});

describe('an ARCHIVED circle is read-only', () => {
  let coordinator: Actor;
  let participant: Actor;
  let outsider: Actor;
  let newcomer: Actor;
  let circle: Ref;
  let thread: Ref;
  let post: Ref;
  let otherOrg: Ref;
  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    [participant, outsider, newcomer] = await Promise.all([kit.user(), kit.user(), kit.user()]);
    await participant.join(circle);
    thread = await participant.createThread(circle, { title: 'Laporan akhir' });
    post = await participant.createPost(thread, { body: 'Terima kasih semua' });
    ok(await participant.gql(ADD_REACTION, { input: { subjectId: post.id, content: 'HEART' } }));
    // An organisation the coordinator is ADMIN of, so only the archive can refuse bringing it in.
    otherOrg = await coordinator.createOrg();
    // No mutation archives a circle yet, so the test sets the status directly.
    await hub.database.db
      .update(circles)
      .set({ status: 'ARCHIVED' })
      .where(eq(circles.id, fromGlobalId(circle.id, 'Circle', 'circleId')));
  });

  it('still shows the circle, its threads and posts, with viewerCanPost false for members', async () => {
    for (const actor of [coordinator, participant, outsider]) {
      const d = ok(await circleAs(actor, circle)) as any;
      expect(d.circle).toMatchObject({ status: 'ARCHIVED', viewerCanPost: false, threads: { totalCount: 1, nodes: [{ id: thread.id, title: 'Laporan akhir' }] } });
    }
    expect((ok(await participant.gql(POST, { id: post.id })) as any).node).toMatchObject({ body: 'Terima kasih semua', isDeleted: false });
  });

  it.each([
    ['start a thread', () => participant.gql(CREATE_THREAD, { input: { circleId: circle.id, title: 'Baru', body: 'Teks' } })],
    ['reply', () => participant.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Balasan' } })],
    ['react to a thread', () => participant.gql(ADD_REACTION, { input: { subjectId: thread.id, content: 'CELEBRATE' } })],
    ['react to a post', () => coordinator.gql(ADD_REACTION, { input: { subjectId: post.id, content: 'HEART' } })],
    ['edit their own post', () => participant.gql(UPDATE_POST, { input: { postId: post.id, body: 'Diubah' } })],
    ['retitle their own thread', () => participant.gql(UPDATE_THREAD, { input: { threadId: thread.id, title: 'Diubah' } })],
    ['pin a thread as coordinator', () => coordinator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isPinned: true } })],
    ['delete a post as coordinator', () => coordinator.gql(DELETE_POST, { input: { postId: post.id } })],
    ['join it', () => outsider.gql(JOIN, { input: { circleId: circle.id } })],
    ['add a member as coordinator', () => coordinator.gql(ADD_MEMBER, { input: { circleId: circle.id, userId: newcomer.id, role: 'PARTICIPANT' } })],
    ['change a role as coordinator', () => coordinator.gql(SET_ROLE, { input: { circleId: circle.id, userId: participant.id, role: 'FACILITATOR' } })],
    ['remove a member as coordinator', () => coordinator.gql(REMOVE_MEMBER, { input: { circleId: circle.id, userId: participant.id } })],
    ['add an organisation as coordinator and ADMIN of it', () => coordinator.gql(ADD_ORG, { input: { circleId: circle.id, organisationId: otherOrg.id } })],
    [
      'share a resource with it',
      () => participant.gql(SHARE, { input: { title: 'Laporan', kind: 'DOCUMENT', url: 'https://example.org/laporan.pdf', circleIds: [circle.id] } }),
    ],
    ['remove their reaction', () => participant.gql(REMOVE_REACTION, { input: { subjectId: post.id, content: 'HEART' } })],
  ] as [string, () => Promise<GraphQLResponse>][])('forbids anyone to %s, and writes nothing', async (_what, write) => {
    await expectRefused(circle, 'FORBIDDEN', write);
  });

  it('still lets a member leave: nobody is held in an archived circle', async () => {
    ok(await participant.gql(LEAVE, { input: { circleId: circle.id } }));
    expect((ok(await circleAs(participant, circle)) as any).circle.viewerRole).toBeNull();
  });
});

describe('acting for an organisation: only one the person belongs to', () => {
  const JOIN_FOR = `mutation($input: JoinCircleInput!) { joinCircle(input: $input) { membership { role organisation { id } } } }`;
  const ADD_FOR = `mutation($input: AddCircleMemberInput!) { addCircleMember(input: $input) { membership { role organisation { id } } } }`;
  let coordinator: Actor;
  let member: Actor;
  let stranger: Actor;
  let org: Ref;
  let foreignOrg: Ref;
  let circle: Ref;
  const resource = (organisationId: string) => ({
    title: 'Panduan SDGs Desa',
    kind: 'DOCUMENT',
    url: 'https://example.org/sdgs-desa.pdf',
    circleIds: [circle.id],
    organisationId,
  });
  beforeAll(async () => {
    ({ coordinator, org, circle } = await kit.circleWithCoordinator({ visibility: 'PUBLIC' }));
    const other = await kit.user();
    [member, stranger] = await Promise.all([kit.user(), kit.user()]);
    await coordinator.addToOrg(org, member, 'MEMBER');
    foreignOrg = await other.createOrg();
  });

  it('refuses joinCircle for an organisation the joiner does not belong to with FORBIDDEN naming organisationId, and adds no member', async () => {
    for (const organisationId of [org.id, foreignOrg.id]) {
      const res = await expectRefused(circle, 'FORBIDDEN', () => stranger.gql(JOIN_FOR, { input: { circleId: circle.id, organisationId } }));
      expect(res.errors![0].extensions!.field).toBe('organisationId');
    }
  });

  it('refuses addCircleMember naming an organisation the new member does not belong to with BAD_USER_INPUT naming organisationId', async () => {
    // The coordinator belongs to `org`; the person added does not.
    const res = await expectRefused(circle, 'BAD_USER_INPUT', () =>
      coordinator.gql(ADD_FOR, { input: { circleId: circle.id, userId: stranger.id, role: 'PARTICIPANT', organisationId: org.id } }),
    );
    expect(res.errors![0].extensions!.field).toBe('organisationId');
  });

  it('refuses shareResource for an organisation the sharer does not belong to with FORBIDDEN naming organisationId, and shares nothing', async () => {
    await stranger.join(circle);
    const res = await expectRefused(circle, 'FORBIDDEN', () => stranger.gql(SHARE, { input: resource(org.id) }));
    expect(res.errors![0].extensions!.field).toBe('organisationId');
  });

  it('answers NOT_FOUND naming organisationId for an organisation that does not exist', async () => {
    const missing = toGlobalId('Organisation', randomUUID());
    for (const write of [
      () => member.gql(JOIN_FOR, { input: { circleId: circle.id, organisationId: missing } }),
      () => coordinator.gql(ADD_FOR, { input: { circleId: circle.id, userId: member.id, role: 'PARTICIPANT', organisationId: missing } }),
      () => coordinator.gql(SHARE, { input: resource(missing) }),
    ]) {
      const res = await expectRefused(circle, 'NOT_FOUND', write);
      expect(res.errors![0].extensions!.field).toBe('organisationId');
    }
  });

  it('records the organisation when the person belongs to it', async () => {
    const joined = ok(await member.gql(JOIN_FOR, { input: { circleId: circle.id, organisationId: org.id } })) as any;
    expect(joined.joinCircle.membership).toEqual({ role: 'PARTICIPANT', organisation: { id: org.id } });
    const shared = ok(await member.gql(SHARE, { input: resource(org.id) })) as any;
    expect(shared.shareResource.resource.organisation).toEqual({ id: org.id });
    const { coordinator: other, circle: second } = await kit.circleWithCoordinator();
    await coordinator.addToOrg(org, other, 'MEMBER');
    const added = ok(await other.gql(ADD_FOR, { input: { circleId: second.id, userId: member.id, role: 'FACILITATOR', organisationId: org.id } })) as any;
    expect(added.addCircleMember.membership).toEqual({ role: 'FACILITATOR', organisation: { id: org.id } });
  });
});
