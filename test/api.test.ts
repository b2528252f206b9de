import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { circles, regions } from '../src/db/schema.js';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;

/** Global IDs of the region tree, by name. */
const region: Record<string, string> = {};

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
  const db = hub.database.db;
  const add = async (name: string, level: 'PROVINCE' | 'DISTRICT' | 'VILLAGE', code: string, parentId: string | null) => {
    const [row] = await db.insert(regions).values({ name, level, code, parentId }).returning();
    return row.id;
  };
  const jabar = await add('Jawa Barat', 'PROVINCE', '32', null);
  const majalengka = await add('Majalengka', 'DISTRICT', '32.10', jabar);
  await add('Sukamaju', 'VILLAGE', '32.10.01.2001', majalengka);
  await add('Argalingga', 'VILLAGE', '32.10.01.2002', majalengka);
  const cirebon = await add('Cirebon', 'DISTRICT', '32.09', jabar);
  await add('Astana', 'VILLAGE', '32.09.01.2001', cirebon);
  const ntb = await add('Nusa Tenggara Barat', 'PROVINCE', '52', null);
  await add('Lombok Timur', 'DISTRICT', '52.03', ntb);

  const tree = ok(await hub.gql(`{ regions { id name children { id name children { id name } } } }`)) as any;
  const walk = (list: { id: string; name: string; children?: unknown[] }[]) => {
    for (const r of list) {
      region[r.name] = r.id;
      walk((r.children ?? []) as any);
    }
  };
  walk(tree.regions);
});
afterAll(() => hub?.stop());

const SDG_TITLES_ID = [
  'Desa Tanpa Kemiskinan',
  'Desa Tanpa Kelaparan',
  'Desa Sehat dan Sejahtera',
  'Pendidikan Desa Berkualitas',
  'Keterlibatan Perempuan Desa',
  'Desa Layak Air Bersih dan Sanitasi',
  'Desa Berenergi Bersih dan Terbarukan',
  'Pertumbuhan Ekonomi Desa Merata',
  'Infrastruktur dan Inovasi Desa Sesuai Kebutuhan',
  'Desa Tanpa Kesenjangan',
  'Kawasan Permukiman Desa Aman dan Nyaman',
  'Konsumsi dan Produksi Desa Sadar Lingkungan',
  'Desa Tanggap Perubahan Iklim',
  'Desa Peduli Lingkungan Laut',
  'Desa Peduli Lingkungan Darat',
  'Desa Damai Berkeadilan',
  'Kemitraan untuk Pembangunan Desa',
  'Kelembagaan Desa Dinamis dan Budaya Desa Adaptif',
];

async function createOrg(actor: Actor, input: { name: string; kind: string; regionId?: string }): Promise<Ref> {
  const d = await actor.must(
    `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id slug } } }`,
    { input },
  );
  return d.createOrganisation.organisation;
}

const names = (list: { name: string }[]) => list.map((x) => x.name);

describe('goals and places', () => {
  it('lists the 18 SDG goals in order with their Indonesian SDGs Desa titles, to anyone', async () => {
    const { sdgGoals } = ok(await hub.gql(`{ sdgGoals { number title titleId } }`)) as any;
    expect(sdgGoals.map((g: any) => g.number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(sdgGoals.map((g: any) => g.titleId)).toEqual(SDG_TITLES_ID);
    expect(sdgGoals[0].title).toBe('No poverty');
    expect(sdgGoals[17].title).toMatch(/village institutions/i);
  });

  it('lists the provinces by name when regions is asked without arguments', async () => {
    const { regions } = ok(await hub.gql(`{ regions { name level code parent { id } } }`)) as any;
    expect(regions).toEqual([
      { name: 'Jawa Barat', level: 'PROVINCE', code: '32', parent: null },
      { name: 'Nusa Tenggara Barat', level: 'PROVINCE', code: '52', parent: null },
    ]);
  });

  it('filters regions by level and by parent, listing only the regions directly below a parent', async () => {
    const q = `query($level: RegionLevel, $parentId: ID) { regions(level: $level, parentId: $parentId) { name level } }`;
    const list = async (vars: Record<string, unknown>) => (ok(await hub.gql(q, vars)) as any).regions;
    expect(names(await list({ level: 'DISTRICT' }))).toEqual(['Cirebon', 'Lombok Timur', 'Majalengka']);
    expect(names(await list({ level: 'VILLAGE' }))).toEqual(['Argalingga', 'Astana', 'Sukamaju']);
    expect(names(await list({ parentId: region['Majalengka'] }))).toEqual(['Argalingga', 'Sukamaju']);
    expect(names(await list({ parentId: region['Jawa Barat'] }))).toEqual(['Cirebon', 'Majalengka']);
    expect(names(await list({ level: 'VILLAGE', parentId: region['Majalengka'] }))).toEqual(['Argalingga', 'Sukamaju']);
    expect(await list({ level: 'VILLAGE', parentId: region['Jawa Barat'] })).toEqual([]);
    expect(await list({ level: 'SUBDISTRICT' })).toEqual([]);
  });

  it('walks the region tree up through parent and down through children', async () => {
    const d = ok(
      await hub.gql(
        `query($id: ID!, $top: ID!) {
          village: node(id: $id) { ... on Region { name level code parent { name level parent { name parent { id } } } } }
          province: node(id: $top) { ... on Region { children { name level children { name level children { id } } } } }
        }`,
        { id: region['Sukamaju'], top: region['Jawa Barat'] },
      ),
    ) as any;
    expect(d.village).toEqual({
      name: 'Sukamaju',
      level: 'VILLAGE',
      code: '32.10.01.2001',
      parent: { name: 'Majalengka', level: 'DISTRICT', parent: { name: 'Jawa Barat', parent: null } },
    });
    expect(d.province.children).toEqual([
      { name: 'Cirebon', level: 'DISTRICT', children: [{ name: 'Astana', level: 'VILLAGE', children: [] }] },
      {
        name: 'Majalengka',
        level: 'DISTRICT',
        children: [
          { name: 'Argalingga', level: 'VILLAGE', children: [] },
          { name: 'Sukamaju', level: 'VILLAGE', children: [] },
        ],
      },
    ]);
  });
});

describe('organisations', () => {
  let founder: Actor;
  beforeAll(async () => {
    founder = await kit.user('Founder');
    await createOrg(founder, { name: 'Pemdes Sukamaju', kind: 'VILLAGE_GOVERNMENT', regionId: region['Sukamaju'] });
    await createOrg(founder, { name: 'Pemkab Majalengka', kind: 'DISTRICT_GOVERNMENT', regionId: region['Majalengka'] });
    await createOrg(founder, { name: 'Pemdes Astana', kind: 'VILLAGE_GOVERNMENT', regionId: region['Astana'] });
    await createOrg(founder, { name: 'Lombok Peduli', kind: 'CIVIL_SOCIETY', regionId: region['Lombok Timur'] });
  });

  const DIRECTORY = `query($kind: OrganisationKind, $regionId: ID) {
    organisations(kind: $kind, regionId: $regionId) { totalCount nodes { name kind region { name } } }
  }`;

  it('filters the public directory by region, including the regions below it, in name order', async () => {
    const byDistrict = (ok(await hub.gql(DIRECTORY, { regionId: region['Majalengka'] })) as any).organisations;
    expect(byDistrict).toEqual({
      totalCount: 2,
      nodes: [
        { name: 'Pemdes Sukamaju', kind: 'VILLAGE_GOVERNMENT', region: { name: 'Sukamaju' } },
        { name: 'Pemkab Majalengka', kind: 'DISTRICT_GOVERNMENT', region: { name: 'Majalengka' } },
      ],
    });
    const byProvince = (ok(await hub.gql(DIRECTORY, { regionId: region['Jawa Barat'] })) as any).organisations;
    expect(names(byProvince.nodes)).toEqual(['Pemdes Astana', 'Pemdes Sukamaju', 'Pemkab Majalengka']);
    const byVillage = (ok(await hub.gql(DIRECTORY, { regionId: region['Argalingga'] })) as any).organisations;
    expect(byVillage).toEqual({ totalCount: 0, nodes: [] });
  });

  it('filters the directory by kind, alone and together with a region', async () => {
    const villages = (ok(await hub.gql(DIRECTORY, { kind: 'VILLAGE_GOVERNMENT' })) as any).organisations;
    expect(villages.nodes.every((o: any) => o.kind === 'VILLAGE_GOVERNMENT')).toBe(true);
    expect(names(villages.nodes)).toEqual(expect.arrayContaining(['Pemdes Astana', 'Pemdes Sukamaju']));
    expect(villages.totalCount).toBe(villages.nodes.length);
    const both = (ok(await hub.gql(DIRECTORY, { kind: 'VILLAGE_GOVERNMENT', regionId: region['Majalengka'] })) as any).organisations;
    expect(names(both.nodes)).toEqual(['Pemdes Sukamaju']);
    const none = (ok(await hub.gql(DIRECTORY, { kind: 'DONOR', regionId: region['Jawa Barat'] })) as any).organisations;
    expect(none).toEqual({ totalCount: 0, nodes: [] });
  });

  it('finds an organisation by its slug and answers an unknown slug with NOT_FOUND', async () => {
    const org = await createOrg(founder, { name: 'Forum Warga Argalingga', kind: 'COMMUNITY_GROUP', regionId: region['Argalingga'] });
    const q = `query($slug: String!) { organisation(slug: $slug) { id slug name kind region { name } } }`;
    const found = ok(await hub.gql(q, { slug: org.slug })) as any;
    expect(found.organisation).toEqual({
      id: org.id,
      slug: org.slug,
      name: 'Forum Warga Argalingga',
      kind: 'COMMUNITY_GROUP',
      region: { name: 'Argalingga' },
    });
    const missing = await hub.gql(q, { slug: `no-such-organisation-${randomUUID()}` });
    expect(codeOf(missing)).toBe('NOT_FOUND');
    expect(missing.data?.organisation ?? null).toBeNull();
  });

  it('tells the viewer their role in an organisation: ADMIN for its creator, MEMBER once added, null otherwise', async () => {
    const admin = await kit.user('Admin');
    const member = await kit.user('Member');
    const stranger = await kit.user('Stranger');
    const org = await admin.createOrg();
    await admin.addToOrg(org, member);
    const q = `query($id: ID!) { node(id: $id) { ... on Organisation { viewerRole } } }`;
    expect((await admin.must(q, { id: org.id })).node.viewerRole).toBe('ADMIN');
    expect((await member.must(q, { id: org.id })).node.viewerRole).toBe('MEMBER');
    expect((await stranger.must(q, { id: org.id })).node.viewerRole).toBeNull();
    expect((ok(await hub.gql(q, { id: org.id })) as any).node.viewerRole).toBeNull();
  });
});

describe('circles', () => {
  const CIRCLE = `query($slug: String!) {
    circle(slug: $slug) {
      name visibility status viewerRole viewerCanPost
      region { name }
      sdgGoals { number title titleId }
      organisations { totalCount nodes { id name } }
      members { totalCount nodes { role user { id } } }
      participants: members(role: PARTICIPANT) { totalCount nodes { user { id } } }
      resources { totalCount nodes { title } }
    }
  }`;

  it('shows its goals, organisations, members, resources and the viewer\u2019s standing', async () => {
    const coordinator = await kit.user('Koordinator');
    const participant = await kit.user('Peserta');
    const facilitator = await kit.user('Fasilitator');
    const passerby = await kit.user('Pengunjung');
    const orgA = await coordinator.createOrg({ name: 'Yayasan Alpha' });
    const orgB = await coordinator.createOrg({ name: 'Yayasan Beta' });
    const orgC = await coordinator.createOrg({ name: 'Yayasan Gamma' });
    const d = await coordinator.must(
      `mutation($input: CreateCircleInput!) { createCircle(input: $input) { circle { id slug } } }`,
      {
        input: {
          name: 'Lingkar Belajar Majalengka',
          visibility: 'PUBLIC',
          regionId: region['Majalengka'],
          sdgGoals: [16, 5, 1, 5],
          organisationIds: [orgA.id, orgB.id],
        },
      },
    );
    const circle: Ref = d.createCircle.circle;
    await coordinator.must(
      `mutation($input: AddCircleOrganisationInput!) { addCircleOrganisation(input: $input) { circle { id } } }`,
      { input: { circleId: circle.id, organisationId: orgC.id } },
    );
    await coordinator.addMember(circle, participant);
    await coordinator.addMember(circle, facilitator, 'FACILITATOR');
    await participant.shareResource([circle], { title: 'Panduan SDGs Desa' });

    const seen = (await coordinator.must(CIRCLE, { slug: circle.slug })).circle;
    expect(seen).toMatchObject({
      name: 'Lingkar Belajar Majalengka',
      visibility: 'PUBLIC',
      status: 'ACTIVE',
      viewerRole: 'COORDINATOR',
      viewerCanPost: true,
      region: { name: 'Majalengka' },
      resources: { totalCount: 1, nodes: [{ title: 'Panduan SDGs Desa' }] },
    });
    expect(seen.sdgGoals).toEqual([
      { number: 1, title: 'No poverty', titleId: SDG_TITLES_ID[0] },
      { number: 5, title: 'Gender equality', titleId: SDG_TITLES_ID[4] },
      { number: 16, title: 'Peace, justice and strong institutions', titleId: SDG_TITLES_ID[15] },
    ]);
    expect(seen.organisations.totalCount).toBe(3);
    expect(seen.organisations.nodes.slice(0, 2).map((o: any) => o.id).sort()).toEqual([orgA.id, orgB.id].sort());
    expect(seen.organisations.nodes[2]).toEqual({ id: orgC.id, name: 'Yayasan Gamma' });
    expect(seen.members).toEqual({
      totalCount: 3,
      nodes: [
        { role: 'COORDINATOR', user: { id: coordinator.id } },
        { role: 'PARTICIPANT', user: { id: participant.id } },
        { role: 'FACILITATOR', user: { id: facilitator.id } },
      ],
    });
    expect(seen.participants).toEqual({ totalCount: 1, nodes: [{ user: { id: participant.id } }] });

    const standing = async (who: Actor) => {
      const c = (await who.must(CIRCLE, { slug: circle.slug })).circle;
      return { viewerRole: c.viewerRole, viewerCanPost: c.viewerCanPost };
    };
    expect(await standing(participant)).toEqual({ viewerRole: 'PARTICIPANT', viewerCanPost: true });
    expect(await standing(facilitator)).toEqual({ viewerRole: 'FACILITATOR', viewerCanPost: true });
    expect(await standing(passerby)).toEqual({ viewerRole: null, viewerCanPost: false });

    await hub.database.db.update(circles).set({ status: 'ARCHIVED' }).where(eq(circles.slug, circle.slug!));
    expect(await standing(participant)).toEqual({ viewerRole: 'PARTICIPANT', viewerCanPost: false });
    expect((await coordinator.must(CIRCLE, { slug: circle.slug })).circle.status).toBe('ARCHIVED');
  });

  it('lets an ADMIN of a taking-part organisation read a MEMBERS_ONLY circle without a role or the right to post', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY' });
    const orgAdmin = await kit.user('Org admin');
    const org = await orgAdmin.createOrg();
    await orgAdmin.addToOrg(org, coordinator, 'ADMIN');
    await coordinator.must(
      `mutation($input: AddCircleOrganisationInput!) { addCircleOrganisation(input: $input) { circle { id } } }`,
      { input: { circleId: circle.id, organisationId: org.id } },
    );
    const seen = (await orgAdmin.must(CIRCLE, { slug: circle.slug })).circle;
    expect(seen).toMatchObject({ visibility: 'MEMBERS_ONLY', viewerRole: null, viewerCanPost: false });
    expect(seen.members.totalCount).toBe(1);
    const stranger = await kit.user('Stranger');
    expect(codeOf(await stranger.gql(CIRCLE, { slug: circle.slug }))).toBe('NOT_FOUND');
  });
});

describe('node lookup', () => {
  let owner: Actor;
  let outsider: Actor;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    owner = await kit.user('Owner');
    outsider = await kit.user('Outsider');
    const org = await owner.createOrg();
    const circle = await owner.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
    const thread = await owner.createThread(circle);
    const post = await owner.createPost(thread);
    const resource = await owner.shareResource([circle]);
    const activity = (await owner.must(`query($slug: String!) { circle(slug: $slug) { activity(first: 1) { nodes { id } } } }`, {
      slug: circle.slug,
    })).circle.activity.nodes[0].id;
    Object.assign(ids, {
      Region: region['Sukamaju'],
      User: owner.id,
      Organisation: org.id,
      Circle: circle.id,
      Thread: thread.id,
      Post: post.id,
      Resource: resource.id,
      Activity: activity,
    });
  });

  const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;
  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
  const unknownCircle = () => Buffer.from(`Circle:${randomUUID()}`).toString('base64url');

  it.each(['Region', 'User', 'Organisation', 'Circle', 'Thread', 'Post', 'Resource', 'Activity'])(
    'fetches a %s by its ID with the right __typename',
    async (type) => {
      const d = await owner.must(NODE, { id: ids[type] });
      expect(d.node).toEqual({ __typename: type, id: ids[type] });
    },
  );

  it('fetches several nodes at once in the order asked, with null for unknown and malformed IDs', async () => {
    const types = Object.keys(ids);
    const asked = [ids.Activity, unknownCircle(), ...types.map((t) => ids[t]), 'abc', ids.Region];
    const d = await owner.must(NODES, { ids: asked });
    expect(d.nodes).toEqual([
      { __typename: 'Activity', id: ids.Activity },
      null,
      ...types.map((t) => ({ __typename: t, id: ids[t] })),
      null,
      { __typename: 'Region', id: ids.Region },
    ]);
  });

  it('answers unknown and malformed IDs with null rather than an error', async () => {
    for (const id of [unknownCircle(), 'abc', '', '!!!', Buffer.from('Circle:not-a-uuid').toString('base64url'), Buffer.from('Activity:0').toString('base64url')]) {
      const res = await owner.gql(NODE, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data?.node).toBeNull();
    }
  });

  it('answers IDs of things the viewer may not see with null', async () => {
    const hiddenTypes = ['Circle', 'Thread', 'Post', 'Resource', 'Activity'];
    const d = await outsider.must(NODES, { ids: hiddenTypes.map((t) => ids[t]) });
    expect(d.nodes).toEqual(hiddenTypes.map(() => null));
    const anonymous = ok(await hub.gql(NODES, { ids: [ids.User, ids.Region, ids.Organisation] })) as any;
    expect(anonymous.nodes).toEqual([null, { __typename: 'Region', id: ids.Region }, { __typename: 'Organisation', id: ids.Organisation }]);
  });
});

describe('discussions', () => {
  let coordinator: Actor;
  let member: Actor;
  let circle: Ref;
  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    member = await kit.user('Anggota');
    await coordinator.addMember(circle, member);
  });

  const POST = `query($id: ID!) { node(id: $id) { ... on Post {
    id body isDeleted editedAt createdAt replyTo { id }
    replies { totalCount nodes { id replyTo { id } } }
    reactionGroups { content count viewerHasReacted }
  } } }`;
  const THREAD = `query($id: ID!) { node(id: $id) { ... on Thread {
    postCount posts { totalCount nodes { id body isDeleted replyTo { id } } }
    reactionGroups { content count viewerHasReacted }
  } } }`;

  it('attaches a reply to a reply to the top-level post, one level deep', async () => {
    const thread = await coordinator.createThread(circle);
    const top = await coordinator.createPost(thread, { body: 'Kapan musrenbang?' });
    const reply = await member.createPost(thread, { body: 'Bulan depan.', replyTo: top });
    const replyToReply = await coordinator.createPost(thread, { body: 'Terima kasih.', replyTo: reply });

    const t = (await coordinator.must(POST, { id: top.id })).node;
    expect(t.replyTo).toBeNull();
    expect(t.replies).toEqual({
      totalCount: 2,
      nodes: [
        { id: reply.id, replyTo: { id: top.id } },
        { id: replyToReply.id, replyTo: { id: top.id } },
      ],
    });
    const r = (await coordinator.must(POST, { id: reply.id })).node;
    expect(r.replyTo).toEqual({ id: top.id });
    expect(r.replies).toEqual({ totalCount: 0, nodes: [] });

    const th = (await coordinator.must(THREAD, { id: thread.id })).node;
    expect(th.postCount).toBe(3);
    expect(th.posts.nodes.map((p: any) => p.id)).toEqual([top.id, reply.id, replyToReply.id]);
  });

  it('refuses a reply to a post of another thread', async () => {
    const one = await coordinator.createThread(circle);
    const other = await coordinator.createThread(circle);
    const elsewhere = await coordinator.createPost(other);
    const res = await coordinator.gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, {
      input: { threadId: one.id, body: 'Salah utas', replyToId: elsewhere.id },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'replyToId' });
  });

  it('keeps a deleted post in its place with an empty body and lowers the thread\u2019s post count', async () => {
    const thread = await coordinator.createThread(circle);
    const first = await member.createPost(thread, { body: 'Satu' });
    const second = await member.createPost(thread, { body: 'Dua' });
    expect((await coordinator.must(THREAD, { id: thread.id })).node.postCount).toBe(2);

    const DELETE = `mutation($input: DeletePostInput!) { deletePost(input: $input) { post { id body isDeleted } } }`;
    const d = await member.must(DELETE, { input: { postId: first.id } });
    expect(d.deletePost.post).toEqual({ id: first.id, body: '', isDeleted: true });

    const th = (await coordinator.must(THREAD, { id: thread.id })).node;
    expect(th.postCount).toBe(1);
    expect(th.posts.nodes).toEqual([
      { id: first.id, body: '', isDeleted: true, replyTo: null },
      { id: second.id, body: 'Dua', isDeleted: false, replyTo: null },
    ]);
    expect(codeOf(await member.gql(DELETE, { input: { postId: first.id } }))).toBe('NOT_FOUND');
    expect((await coordinator.must(THREAD, { id: thread.id })).node.postCount).toBe(1);
  });

  it('sets editedAt when a post is edited', async () => {
    const thread = await coordinator.createThread(circle);
    const post = await member.createPost(thread, { body: 'Draf' });
    const before = (await member.must(POST, { id: post.id })).node;
    expect(before.editedAt).toBeNull();

    const d = await member.must(`mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { body editedAt } } }`, {
      input: { postId: post.id, body: 'Versi akhir' },
    });
    expect(d.updatePost.post.body).toBe('Versi akhir');
    expect(Date.parse(d.updatePost.post.editedAt)).toBeGreaterThanOrEqual(Date.parse(before.createdAt));
    const after = (await coordinator.must(POST, { id: post.id })).node;
    expect(after).toMatchObject({ body: 'Versi akhir', editedAt: d.updatePost.post.editedAt, isDeleted: false });
  });

  it('groups reactions by kind in a fixed order and marks the viewer\u2019s own', async () => {
    const thread = await coordinator.createThread(circle);
    const post = await coordinator.createPost(thread);
    const ADD = `mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { content count viewerHasReacted } } }`;
    const REMOVE = `mutation($input: RemoveReactionInput!) { removeReaction(input: $input) { reactionGroups { content count viewerHasReacted } } }`;
    const react = (who: Actor, content: string, subject: Ref = post) => who.must(ADD, { input: { subjectId: subject.id, content } });

    await react(member, 'EYES');
    await react(member, 'THUMBS_UP');
    const added = await react(coordinator, 'THUMBS_UP');
    expect(added.addReaction.reactionGroups).toEqual([
      { content: 'THUMBS_UP', count: 2, viewerHasReacted: true },
      { content: 'EYES', count: 1, viewerHasReacted: false },
    ]);
    const again = await react(coordinator, 'THUMBS_UP');
    expect(again.addReaction.reactionGroups).toEqual(added.addReaction.reactionGroups);
    await react(coordinator, 'HEART');

    expect((await member.must(POST, { id: post.id })).node.reactionGroups).toEqual([
      { content: 'THUMBS_UP', count: 2, viewerHasReacted: true },
      { content: 'HEART', count: 1, viewerHasReacted: false },
      { content: 'EYES', count: 1, viewerHasReacted: true },
    ]);

    const removed = await member.must(REMOVE, { input: { subjectId: post.id, content: 'EYES' } });
    expect(removed.removeReaction.reactionGroups).toEqual([
      { content: 'THUMBS_UP', count: 2, viewerHasReacted: true },
      { content: 'HEART', count: 1, viewerHasReacted: false },
    ]);
    const removedAgain = await member.must(REMOVE, { input: { subjectId: post.id, content: 'EYES' } });
    expect(removedAgain.removeReaction.reactionGroups).toEqual(removed.removeReaction.reactionGroups);

    await react(member, 'CELEBRATE', thread);
    const th = (await coordinator.must(THREAD, { id: thread.id })).node;
    expect(th.reactionGroups).toEqual([{ content: 'CELEBRATE', count: 1, viewerHasReacted: false }]);
    expect((await member.must(THREAD, { id: thread.id })).node.reactionGroups).toEqual([
      { content: 'CELEBRATE', count: 1, viewerHasReacted: true },
    ]);
  });
});

describe('resources and people', () => {
  it('shows of a resource only the circles the viewer can see', async () => {
    const sharer = await kit.user('Sharer');
    const insider = await kit.user('Insider');
    const outsider = await kit.user('Outsider');
    const org = await sharer.createOrg();
    const open = await sharer.createCircle({ orgs: [org], name: 'Lingkar Terbuka' });
    const closed = await sharer.createCircle({ orgs: [org], name: 'Lingkar Tertutup', visibility: 'MEMBERS_ONLY' });
    await sharer.addMember(closed, insider);
    const resource = await sharer.shareResource([open, closed], { title: 'Template RKPDes' });

    const q = `query($id: ID!) { node(id: $id) { ... on Resource { title sharedBy { id } circles { totalCount nodes { name } } } } }`;
    const circlesSeenBy = async (who: Actor) => (await who.must(q, { id: resource.id })).node.circles;
    const all = await circlesSeenBy(sharer);
    expect(all.totalCount).toBe(2);
    expect(names(all.nodes).sort()).toEqual(['Lingkar Terbuka', 'Lingkar Tertutup']);
    const inside = await circlesSeenBy(insider);
    expect(names(inside.nodes).sort()).toEqual(['Lingkar Terbuka', 'Lingkar Tertutup']);
    expect(await circlesSeenBy(outsider)).toEqual({ totalCount: 1, nodes: [{ name: 'Lingkar Terbuka' }] });
    const listed = await outsider.must(`query($q: String) { resources(search: $q) { nodes { title circles { nodes { name } } } } }`, {
      q: 'Template RKPDes',
    });
    expect(listed.resources.nodes).toEqual([{ title: 'Template RKPDes', circles: { nodes: [{ name: 'Lingkar Terbuka' }] } }]);
  });

  it('lists a user\u2019s organisations with roles, and only the circles of theirs the viewer can see', async () => {
    const person = await kit.user('Person');
    const viewer = await kit.user('Viewer');
    const coordinator = await kit.user('Coordinator');
    const own = await person.createOrg({ name: 'Koperasi Sukamaju' });
    const other = await coordinator.createOrg({ name: 'Yayasan Mitra Desa' });
    await coordinator.addToOrg(other, person, 'MEMBER');
    const open = await coordinator.createCircle({ orgs: [other], name: 'Lingkar Publik' });
    const closed = await coordinator.createCircle({ orgs: [other], name: 'Lingkar Privat', visibility: 'MEMBERS_ONLY' });
    await person.join(open);
    await coordinator.addMember(closed, person, 'FACILITATOR');

    const q = `query($id: ID!) { node(id: $id) { ... on User {
      displayName email
      organisations { totalCount nodes { role organisation { id name } user { id } } }
      circles { totalCount nodes { role circle { name } user { id } } }
    } } }`;
    const self = (await person.must(q, { id: person.id })).node;
    expect(self.email).toBe(person.email);
    expect(self.organisations).toEqual({
      totalCount: 2,
      nodes: [
        { role: 'ADMIN', organisation: { id: own.id, name: 'Koperasi Sukamaju' }, user: { id: person.id } },
        { role: 'MEMBER', organisation: { id: other.id, name: 'Yayasan Mitra Desa' }, user: { id: person.id } },
      ],
    });
    expect(self.circles).toEqual({
      totalCount: 2,
      nodes: [
        { role: 'PARTICIPANT', circle: { name: 'Lingkar Publik' }, user: { id: person.id } },
        { role: 'FACILITATOR', circle: { name: 'Lingkar Privat' }, user: { id: person.id } },
      ],
    });

    const seen = (await viewer.must(q, { id: person.id })).node;
    expect(seen.displayName).toBe('Person');
    expect(seen.email).toBeNull();
    expect(seen.organisations.totalCount).toBe(2);
    expect(seen.circles).toEqual({
      totalCount: 1,
      nodes: [{ role: 'PARTICIPANT', circle: { name: 'Lingkar Publik' }, user: { id: person.id } }],
    });

    const viaViewer = await person.must(`{ viewer { id circles { totalCount } organisations { totalCount } } }`);
    expect(viaViewer.viewer).toEqual({ id: person.id, circles: { totalCount: 2 }, organisations: { totalCount: 2 } });
  });
});

describe('subscriptions over HTTP', () => {
  it('are refused with BAD_REQUEST pointing to the WebSocket endpoint, not an internal error', async () => {
    const member = await kit.user();
    const res = await member.gql(`subscription { myActivity { cursor } }`);
    expect(codeOf(res)).toBe('BAD_REQUEST');
    expect(res.errors![0].message).toMatch(/WebSocket/);
  });
});
