import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { circleMembers, organisations, posts, regions, resources, threads } from '../src/db/schema.js';
import { parseGlobalId, toGlobalId } from '../src/shared/ids.js';

/**
 * Relay connections end to end: page-size rules, cursor validation, and keyset paging that
 * visits every row exactly once even when the ordering columns tie.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const dbId = (globalId: string) => parseGlobalId(globalId)!.id;
const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1, 8, 0, 0) + minutes * 60_000);

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
/** A page reduced to what every list has: a key per edge (an ID), cursors, pageInfo, totalCount. */
interface Page {
  keys: string[];
  cursors: string[];
  nodeKeys: string[];
  pageInfo: PageInfo;
  totalCount: number;
}
type FetchPage = (first: number | null, after: string | null) => Promise<Page>;

const PAGE_FIELDS = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

/** Turns a raw connection into a Page, keyed by `keyOf(node)`. */
function toPage(conn: any, keyOf: (node: any) => string = (n) => n.id): Page {
  return {
    keys: conn.edges.map((e: any) => keyOf(e.node)),
    cursors: conn.edges.map((e: any) => e.cursor),
    nodeKeys: conn.nodes.map(keyOf),
    pageInfo: conn.pageInfo,
    totalCount: conn.totalCount,
  };
}

/**
 * Follows `endCursor` until `hasNextPage` is false, checking every page's pageInfo on the way,
 * then checks that asking past the end gives an empty page. Returns the keys in visit order.
 */
async function pageThrough(fetch: FetchPage, first: number): Promise<{ keys: string[]; pages: number; totalCount: number }> {
  const keys: string[] = [];
  let after: string | null = null;
  let lastEnd: string | null = null;
  let pages = 0;
  let totalCount = -1;
  for (;;) {
    const page = await fetch(first, after);
    pages++;
    expect(page.nodeKeys).toEqual(page.keys);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.cursors[0] ?? null);
    expect(page.pageInfo.endCursor).toBe(page.cursors.at(-1) ?? null);
    expect(new Set(page.cursors).size).toBe(page.cursors.length);
    if (totalCount === -1) totalCount = page.totalCount;
    // The total is the whole list's, whichever page is asked for.
    expect(page.totalCount).toBe(totalCount);
    keys.push(...page.keys);
    lastEnd = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) {
      expect(page.keys.length).toBeLessThanOrEqual(first);
      break;
    }
    expect(page.keys.length).toBe(first);
    after = page.pageInfo.endCursor;
    if (pages > 100) throw new Error('paging does not end');
  }
  if (lastEnd !== null) {
    const past = await fetch(first, lastEnd);
    expect(past.keys).toEqual([]);
    expect(past.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  }
  return { keys, pages, totalCount };
}

/** Sorts rows by `cols` (each [value of row, descending?]); ids compare as PostgreSQL compares uuids. */
function sortRows<R>(rows: R[], cols: ((r: R) => [Date | string, boolean?])[]): R[] {
  const cmp = (a: Date | string, b: Date | string) =>
    a instanceof Date ? a.getTime() - (b as Date).getTime() : a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  return [...rows].sort((x, y) => {
    for (const col of cols) {
      const [a, desc] = col(x);
      const [b] = col(y);
      const c = cmp(a, b);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

function expectBadInput(res: GraphQLResponse, field: string) {
  expect(res.errors?.length, JSON.stringify(res)).toBeGreaterThan(0);
  expect(codeOf(res)).toBe('BAD_USER_INPUT');
  expect(res.errors![0].extensions?.field).toBe(field);
}

/** Not a cursor of any list: not base64 JSON, the wrong shape, or a malformed id. */
const GARBAGE_CURSORS = [
  'garbage',
  '!!!not base64!!!',
  Buffer.from('{"id":1}').toString('base64url'),
  Buffer.from('[]').toString('base64url'),
  Buffer.from('["2024-01-01T00:00:00.000Z"]').toString('base64url'),
  Buffer.from('["2024-01-01T00:00:00.000Z","not-a-uuid"]').toString('base64url'),
  Buffer.from(`["2024-01-01T00:00:00.000Z","x' or '1'='1"]`).toString('base64url'),
  Buffer.from('[1,2,3]').toString('base64url'),
];
/** Also not a cursor of a list ordered by a timestamp (for a list ordered by name it would be one). */
const DATED_GARBAGE = [...GARBAGE_CURSORS, Buffer.from('["not a date","00000000-0000-4000-8000-000000000000"]').toString('base64url')];

// ------------------------------------------------------------------------------ threads

describe('threads of a circle', () => {
  let coordinator: Actor;
  let circle: Ref;
  const threadIds: string[] = []; // global IDs, in creation order
  const goalThreads = new Set<string>();

  const THREADS = `query($slug: String!, $first: Int, $after: String, $orderBy: ThreadOrder, $sdgGoal: Int) {
    circle(slug: $slug) {
      threads(first: $first, after: $after, orderBy: $orderBy, sdgGoal: $sdgGoal) {
        edges { cursor node { id } } nodes { id } ${PAGE_FIELDS}
      }
    }
  }`;
  const threadsRaw = (vars: Record<string, unknown>) => coordinator.gql(THREADS, { slug: circle.slug, ...vars });
  const fetchThreads =
    (extra: Record<string, unknown> = {}): FetchPage =>
    async (first, after) =>
      toPage(ok(await threadsRaw({ first, after, ...extra })).circle.threads);

  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    for (let i = 0; i < 45; i++) {
      const sdgGoals = i % 3 === 0 ? [4, 11] : [1];
      const t = await coordinator.createThread(circle, { title: `Thread ${i}`, sdgGoals });
      threadIds.push(t.id);
      if (i % 3 === 0) goalThreads.add(t.id);
    }
    // Ties on purpose: created_at in runs of five, last_activity_at in four big groups, so
    // every page boundary falls inside a run of equal timestamps and only the id orders it.
    for (let i = 0; i < threadIds.length; i++) {
      await hub.database.db
        .update(threads)
        .set({ createdAt: at(Math.floor(i / 5)), lastActivityAt: at(100 + (i % 4)) })
        .where(eq(threads.id, dbId(threadIds[i])));
    }
  });

  async function expected(order: 'LAST_ACTIVITY' | 'NEWEST' | 'OLDEST', only?: Set<string>) {
    const rows = await hub.database.db.select().from(threads).where(eq(threads.circleId, dbId(circle.id)));
    const sorted = sortRows(
      rows,
      order === 'LAST_ACTIVITY'
        ? [(r) => [r.lastActivityAt, true], (r) => [r.id, true]]
        : order === 'NEWEST'
          ? [(r) => [r.createdAt, true], (r) => [r.id, true]]
          : [(r) => [r.createdAt], (r) => [r.id]],
    );
    return sorted.map((r) => toGlobalId('Thread', r.id)).filter((id) => !only || only.has(id));
  }

  it('shows 20 threads when first is omitted', async () => {
    const page = toPage(ok(await threadsRaw({})).circle.threads);
    expect(page.keys).toEqual((await expected('LAST_ACTIVITY')).slice(0, 20));
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(page.totalCount).toBe(45);
  });

  it('refuses first 0, -1 and 101 naming the field first', async () => {
    for (const first of [0, -1, 101]) expectBadInput(await threadsRaw({ first }), 'first');
  });

  it('serves first 100 in one page', async () => {
    const page = toPage(ok(await threadsRaw({ first: 100 })).circle.threads);
    expect(page.keys).toEqual(await expected('LAST_ACTIVITY'));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('refuses a garbage after cursor naming the field after', async () => {
    for (const after of DATED_GARBAGE) expectBadInput(await threadsRaw({ first: 5, after }), 'after');
  });

  it('refuses an sdgGoal outside 1..18 naming the field sdgGoal', async () => {
    expectBadInput(await threadsRaw({ first: 5, sdgGoal: 19 }), 'sdgGoal');
  });

  for (const order of ['LAST_ACTIVITY', 'NEWEST', 'OLDEST'] as const) {
    it(`visits all 45 threads exactly once in ${order} order, seven at a time, across tied timestamps`, async () => {
      const want = await expected(order);
      expect(new Set(want).size).toBe(45);
      const { keys, pages, totalCount } = await pageThrough(fetchThreads({ orderBy: order }), 7);
      expect(keys).toEqual(want);
      expect(pages).toBe(7);
      expect(totalCount).toBe(45);
    });
  }

  it('orders by last activity when orderBy is omitted', async () => {
    const { keys } = await pageThrough(fetchThreads(), 9);
    expect(keys).toEqual(await expected('LAST_ACTIVITY'));
  });

  it('ends with a full last page when the total is a multiple of first', async () => {
    const { keys, pages } = await pageThrough(fetchThreads({ orderBy: 'OLDEST' }), 15);
    expect(keys).toEqual(await expected('OLDEST'));
    expect(pages).toBe(3);
  });

  it('filters by SDG goal with paging and a matching totalCount', async () => {
    for (const order of ['LAST_ACTIVITY', 'NEWEST', 'OLDEST'] as const) {
      const { keys, totalCount } = await pageThrough(fetchThreads({ orderBy: order, sdgGoal: 4 }), 4);
      expect(keys).toEqual(await expected(order, goalThreads));
      expect(totalCount).toBe(15);
    }
    const { keys, totalCount } = await pageThrough(fetchThreads({ sdgGoal: 1 }), 10);
    expect(totalCount).toBe(30);
    expect(keys).toEqual(await expected('LAST_ACTIVITY', new Set(threadIds.filter((id) => !goalThreads.has(id)))));
    const none = toPage(ok(await threadsRaw({ first: 5, sdgGoal: 2 })).circle.threads);
    expect(none).toMatchObject({ keys: [], totalCount: 0 });
    expect(none.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });
});

// ------------------------------------------------------------------------------ posts

describe('posts of a thread', () => {
  let coordinator: Actor;
  let thread: Ref;
  let otherThread: Ref;

  const POSTS = `query($id: ID!, $first: Int, $after: String) {
    node(id: $id) { ... on Thread { posts(first: $first, after: $after) { edges { cursor node { id } } nodes { id } ${PAGE_FIELDS} } } }
  }`;
  const postsRaw = (vars: Record<string, unknown>) => coordinator.gql(POSTS, { id: thread.id, ...vars });
  const fetchPosts: FetchPage = async (first, after) => toPage(ok(await postsRaw({ first, after })).node.posts);

  beforeAll(async () => {
    const seeded = await kit.circleWithCoordinator();
    coordinator = seeded.coordinator;
    thread = await coordinator.createThread(seeded.circle);
    otherThread = await coordinator.createThread(seeded.circle);
    let parent: Ref | undefined;
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const p = await coordinator.createPost(thread, { replyTo: i % 4 === 1 ? parent : undefined });
      if (i % 4 === 0) parent = p;
      ids.push(p.id);
    }
    await coordinator.createPost(otherThread);
    for (let i = 0; i < ids.length; i++) {
      await hub.database.db.update(posts).set({ createdAt: at(Math.floor(i / 4)) }).where(eq(posts.id, dbId(ids[i])));
    }
  });

  async function expected() {
    const rows = await hub.database.db.select().from(posts).where(eq(posts.threadId, dbId(thread.id)));
    return sortRows(rows, [(r) => [r.createdAt], (r) => [r.id]]).map((r) => toGlobalId('Post', r.id));
  }

  it('pages through all posts, replies included, oldest first and across tied timestamps', async () => {
    const want = await expected();
    expect(want).toHaveLength(23);
    const { keys, totalCount, pages } = await pageThrough(fetchPosts, 4);
    expect(keys).toEqual(want);
    expect(totalCount).toBe(23);
    expect(pages).toBe(6);
  });

  it('defaults to 20 posts and refuses bad first and after arguments', async () => {
    const page = toPage(ok(await postsRaw({})).node.posts);
    expect(page.keys).toEqual((await expected()).slice(0, 20));
    expect(page.pageInfo.hasNextPage).toBe(true);
    for (const first of [0, -1, 101]) expectBadInput(await postsRaw({ first }), 'first');
    expect(toPage(ok(await postsRaw({ first: 100 })).node.posts).keys).toHaveLength(23);
    for (const after of DATED_GARBAGE) expectBadInput(await postsRaw({ first: 3, after }), 'after');
  });
});

// ------------------------------------------------------------------------------ members

describe('members of a circle', () => {
  let coordinator: Actor;
  let circle: Ref;
  const roleOf = new Map<string, string>();

  const MEMBERS = `query($slug: String!, $first: Int, $after: String, $role: CircleRole) {
    circle(slug: $slug) {
      members(first: $first, after: $after, role: $role) {
        edges { cursor node { user { id } role } } nodes { user { id } role } ${PAGE_FIELDS}
      }
    }
  }`;
  const membersRaw = (vars: Record<string, unknown>) => coordinator.gql(MEMBERS, { slug: circle.slug, ...vars });
  const fetchMembers =
    (role?: string): FetchPage =>
    async (first, after) => {
      const conn = ok(await membersRaw({ first, after, role })).circle.members;
      for (const e of conn.edges) expect(e.node.role).toBe(roleOf.get(e.node.user.id));
      return toPage(conn, (n) => n.user.id);
    };

  beforeAll(async () => {
    ({ coordinator, circle } = await kit.circleWithCoordinator());
    roleOf.set(coordinator.id, 'COORDINATOR');
    const people = await Promise.all(Array.from({ length: 9 }, (_, i) => kit.user(`Member ${i}`)));
    for (let i = 0; i < people.length; i++) {
      const role = i % 3 === 0 ? 'FACILITATOR' : 'PARTICIPANT';
      await coordinator.addMember(circle, people[i], role);
      roleOf.set(people[i].id, role);
    }
    // The others joined "at once" in two batches: within a batch only the user id orders them.
    for (const [batch, minute] of [[people.slice(0, 5), 5], [people.slice(5), 6]] as const) {
      await hub.database.db
        .update(circleMembers)
        .set({ joinedAt: at(minute) })
        .where(inArray(circleMembers.userId, batch.map((p) => dbId(p.id))));
    }
  });

  async function expected(role?: string) {
    const rows = await hub.database.db.select().from(circleMembers).where(eq(circleMembers.circleId, dbId(circle.id)));
    return sortRows(rows, [(r) => [r.joinedAt], (r) => [r.userId]])
      .filter((r) => !role || r.role === role)
      .map((r) => toGlobalId('User', r.userId));
  }

  it('pages through all members oldest first with tied join times', async () => {
    const { keys, totalCount } = await pageThrough(fetchMembers(), 3);
    expect(keys).toEqual(await expected());
    expect(keys.at(-1)).toBe(coordinator.id);
    expect(totalCount).toBe(10);
  });

  it('filters by role with paging and a matching totalCount', async () => {
    const participants = await pageThrough(fetchMembers('PARTICIPANT'), 4);
    expect(participants.keys).toEqual(await expected('PARTICIPANT'));
    expect(participants.totalCount).toBe(6);
    const facilitators = await pageThrough(fetchMembers('FACILITATOR'), 2);
    expect(facilitators.keys).toEqual(await expected('FACILITATOR'));
    expect(facilitators.totalCount).toBe(3);
    const coordinators = await pageThrough(fetchMembers('COORDINATOR'), 2);
    expect(coordinators).toMatchObject({ keys: [coordinator.id], totalCount: 1, pages: 1 });
  });

  it('refuses bad first and after arguments', async () => {
    for (const first of [0, -1, 101]) expectBadInput(await membersRaw({ first }), 'first');
    for (const after of DATED_GARBAGE) expectBadInput(await membersRaw({ first: 3, after }), 'after');
  });
});

// ------------------------------------------------------------------------------ organisations

describe('the organisation directory', () => {
  let viewer: Actor;
  const ORGS = `query($first: Int, $after: String, $kind: OrganisationKind) {
    organisations(first: $first, after: $after, kind: $kind) { edges { cursor node { id kind } } nodes { id kind } ${PAGE_FIELDS} }
  }`;
  const orgsRaw = (vars: Record<string, unknown>) => viewer.gql(ORGS, vars);
  const fetchOrgs =
    (kind?: string): FetchPage =>
    async (first, after) => {
      const conn = ok(await orgsRaw({ first, after, kind })).organisations;
      if (kind) for (const n of conn.nodes) expect(n.kind).toBe(kind);
      return toPage(conn);
    };

  beforeAll(async () => {
    viewer = await kit.user('Directory reader');
    // Names are unique (case-insensitively), so the name alone orders the directory.
    for (const name of ['Donor 7', 'Donor 2', 'Donor 9', 'Donor 1', 'Donor 5', 'Donor 3', 'Donor 8', 'Donor 4', 'Donor 6']) {
      await viewer.createOrg({ name, kind: 'DONOR' });
    }
    await viewer.createOrg({ name: 'Donor 0', kind: 'COMMUNITY_GROUP' });
  });

  async function expected(kind?: 'DONOR') {
    const rows = await hub.database.db.select().from(organisations);
    return sortRows(rows, [(r) => [r.name], (r) => [r.id]])
      .filter((r) => !kind || r.kind === kind)
      .map((r) => toGlobalId('Organisation', r.id));
  }

  it('filters by kind and pages by name', async () => {
    const { keys, totalCount } = await pageThrough(fetchOrgs('DONOR'), 2);
    expect(keys).toEqual(await expected('DONOR'));
    expect(totalCount).toBe(9);
  });

  it('lists every organisation without a filter', async () => {
    const { keys, totalCount } = await pageThrough(fetchOrgs(), 4);
    const all = await expected();
    expect(keys).toEqual(all);
    expect(totalCount).toBe(all.length);
  });

  it('refuses bad first and after arguments', async () => {
    const page = toPage(ok(await orgsRaw({})).organisations);
    expect(page.keys).toEqual((await expected()).slice(0, 20));
    for (const first of [0, -1, 101]) expectBadInput(await orgsRaw({ first }), 'first');
    for (const after of GARBAGE_CURSORS) expectBadInput(await orgsRaw({ first: 3, after }), 'after');
  });
});

// ------------------------------------------------------------------------------ circles

describe('the circles a viewer can see', () => {
  let coordinator: Actor;
  let viewer: Actor;
  let org: Ref;
  const region: Record<'province' | 'district' | 'otherDistrict' | 'village1' | 'village2', string> = {} as any;
  /** Circles of this test with what the filters look at. */
  const made: { id: string; name: string; goals: number[]; region?: string; visibleToViewer: boolean }[] = [];

  const CIRCLES = `query($first: Int, $after: String, $search: String, $sdgGoal: Int, $regionId: ID) {
    circles(first: $first, after: $after, search: $search, sdgGoal: $sdgGoal, regionId: $regionId) {
      edges { cursor node { id } } nodes { id } ${PAGE_FIELDS}
    }
  }`;
  const circlesRaw = (vars: Record<string, unknown>) => viewer.gql(CIRCLES, vars);
  const fetchCircles =
    (filter: Record<string, unknown>): FetchPage =>
    async (first, after) =>
      toPage(ok(await circlesRaw({ first, after, ...filter })).circles);

  async function createCircle(opts: { name: string; description?: string; goals?: number[]; region?: string; visibility?: string }) {
    const d = await coordinator.must(
      `mutation($input: CreateCircleInput!) { createCircle(input: $input) { circle { id slug } } }`,
      {
        input: {
          name: opts.name,
          description: opts.description,
          visibility: opts.visibility ?? 'PUBLIC',
          organisationIds: [org.id],
          sdgGoals: opts.goals,
          regionId: opts.region,
        },
      },
    );
    return d.createCircle.circle as Ref;
  }

  beforeAll(async () => {
    coordinator = await kit.user('Circle maker');
    viewer = await kit.user('Circle reader');
    org = await coordinator.createOrg();
    const insert = async (level: 'PROVINCE' | 'DISTRICT' | 'VILLAGE', name: string, parent?: string) => {
      const [row] = await hub.database.db
        .insert(regions)
        .values({ level, name, parentId: parent ? dbId(parent) : null })
        .returning();
      return toGlobalId('Region', row.id);
    };
    region.province = await insert('PROVINCE', 'Nusa Tenggara Barat');
    region.district = await insert('DISTRICT', 'Lombok Timur', region.province);
    region.otherDistrict = await insert('DISTRICT', 'Lombok Tengah', region.province);
    region.village1 = await insert('VILLAGE', 'Sembalun', region.district);
    region.village2 = await insert('VILLAGE', 'Pringgabaya', region.district);

    const regionsInTurn = [region.village1, region.village2, region.district, region.otherDistrict, undefined];
    // Eight circles with one name: only the id orders them.
    for (let i = 0; i < 8; i++) {
      const goals = i % 2 === 0 ? [16, 17] : [5];
      const r = regionsInTurn[i % regionsInTurn.length];
      const c = await createCircle({ name: 'Lingkar Anggaran Desa', goals, region: r });
      made.push({ id: c.id, name: 'Lingkar Anggaran Desa', goals, region: r, visibleToViewer: true });
    }
    const hidden = await createCircle({ name: 'Lingkar Anggaran Desa', goals: [16], region: region.village1, visibility: 'MEMBERS_ONLY' });
    made.push({ id: hidden.id, name: 'Lingkar Anggaran Desa', goals: [16], region: region.village1, visibleToViewer: false });
    const mine = await createCircle({ name: 'Lingkar Anggaran Desa', goals: [16], region: region.village2, visibility: 'MEMBERS_ONLY' });
    await coordinator.addMember(mine, viewer);
    made.push({ id: mine.id, name: 'Lingkar Anggaran Desa', goals: [16], region: region.village2, visibleToViewer: true });
    const described = await createCircle({ name: 'Forum Perencanaan', description: 'Belajar ANGGARAN desa bersama', goals: [17] });
    made.push({ id: described.id, name: 'Forum Perencanaan', goals: [17], visibleToViewer: true });
    const percent = await createCircle({ name: 'Dana Desa 100% Transparan', goals: [17] });
    made.push({ id: percent.id, name: 'Dana Desa 100% Transparan', goals: [17], visibleToViewer: true });
  });

  const under = (r: string | undefined, root: string): boolean => {
    if (!r) return false;
    if (r === root) return true;
    const parents: Record<string, string> = {
      [region.district]: region.province,
      [region.otherDistrict]: region.province,
      [region.village1]: region.district,
      [region.village2]: region.district,
    };
    return parents[r] ? under(parents[r], root) : false;
  };
  /** Expected order (name, then id) of this test's circles the viewer sees that pass `keep`. */
  const expected = (keep: (c: (typeof made)[number]) => boolean) =>
    sortRows(
      made.filter((c) => c.visibleToViewer && keep(c)),
      [(c) => [c.name], (c) => [dbId(c.id)]],
    ).map((c) => c.id);

  it('finds circles by words in the name or description, case-insensitively, with paging', async () => {
    const { keys, totalCount } = await pageThrough(fetchCircles({ search: 'anggaran' }), 3);
    expect(keys).toEqual(expected((c) => c.name !== 'Dana Desa 100% Transparan'));
    expect(totalCount).toBe(10);
    expect(keys).not.toContain(made.find((c) => !c.visibleToViewer)!.id);
  });

  it('takes LIKE wildcards in a search literally', async () => {
    const { keys } = await pageThrough(fetchCircles({ search: '100%' }), 5);
    expect(keys).toEqual([made.at(-1)!.id]);
    expect((await pageThrough(fetchCircles({ search: 'Lingkar_Anggaran' }), 5)).keys).toEqual([]);
  });

  it('filters by SDG goal with paging', async () => {
    const { keys, totalCount } = await pageThrough(fetchCircles({ sdgGoal: 16 }), 2);
    expect(keys).toEqual(expected((c) => c.goals.includes(16)));
    expect(totalCount).toBe(5);
    expectBadInput(await circlesRaw({ sdgGoal: 0 }), 'sdgGoal');
  });

  it('filters by region, taking in the regions below it', async () => {
    for (const root of [region.province, region.district, region.otherDistrict, region.village1]) {
      const { keys, totalCount } = await pageThrough(fetchCircles({ regionId: root }), 2);
      const want = expected((c) => under(c.region, root));
      expect(keys).toEqual(want);
      expect(totalCount).toBe(want.length);
    }
    expect(expected((c) => under(c.region, region.district))).toHaveLength(7);
    const both = await pageThrough(fetchCircles({ regionId: region.district, sdgGoal: 5, search: 'Lingkar' }), 2);
    expect(both.keys).toEqual(expected((c) => under(c.region, region.district) && c.goals.includes(5)));
    expectBadInput(await circlesRaw({ regionId: 'not-an-id' }), 'regionId');
  });

  it('refuses bad first and after arguments', async () => {
    for (const first of [0, -1, 101]) expectBadInput(await circlesRaw({ first }), 'first');
    for (const after of GARBAGE_CURSORS) expectBadInput(await circlesRaw({ first: 3, after }), 'after');
    const page = toPage(ok(await circlesRaw({ search: 'Anggaran', first: 100 })).circles);
    expect(page.keys).toHaveLength(10);
  });
});

// ------------------------------------------------------------------------------ resources

describe('the resource centre', () => {
  let sharer: Actor;
  let viewer: Actor;
  const shared: { id: string; kind: string; title: string; visible: boolean }[] = [];

  const RESOURCES = `query($first: Int, $after: String, $kind: ResourceKind, $search: String) {
    resources(first: $first, after: $after, kind: $kind, search: $search) { edges { cursor node { id } } nodes { id } ${PAGE_FIELDS} }
  }`;
  const resourcesRaw = (vars: Record<string, unknown>) => viewer.gql(RESOURCES, vars);
  const fetchResources =
    (filter: Record<string, unknown>): FetchPage =>
    async (first, after) =>
      toPage(ok(await resourcesRaw({ first, after, ...filter })).resources);

  beforeAll(async () => {
    const seeded = await kit.circleWithCoordinator();
    sharer = seeded.coordinator;
    viewer = await kit.user('Resource reader');
    const hidden = await sharer.createCircle({ orgs: [seeded.org], visibility: 'MEMBERS_ONLY' });
    const share = async (title: string, kind: string, visible: boolean, description?: string) => {
      const d = await sharer.must(
        `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id } } }`,
        {
          input: {
            title,
            description,
            kind,
            url: 'https://example.org/apbdes.xlsx',
            circleIds: [visible ? seeded.circle.id : hidden.id],
          },
        },
      );
      shared.push({ id: d.shareResource.resource.id, kind, title, visible });
    };
    for (let i = 0; i < 9; i++) await share(`Template APBDes ${i}`, 'TEMPLATE', true);
    await share('Hidden template APBDes', 'TEMPLATE', false);
    for (let i = 0; i < 4; i++) await share(`Permendes ${i}`, 'REGULATION', true, i === 0 ? 'Pedoman penyusunan APBDes' : undefined);
    // All shared in the same millisecond: the id alone orders them.
    await hub.database.db
      .update(resources)
      .set({ createdAt: at(30) })
      .where(inArray(resources.id, shared.map((r) => dbId(r.id))));
  });

  async function expected(keep: (r: (typeof shared)[number]) => boolean) {
    const rows = await hub.database.db.select().from(resources).where(inArray(resources.id, shared.map((r) => dbId(r.id))));
    const byId = new Map(shared.map((r) => [dbId(r.id), r]));
    return sortRows(rows, [(r) => [r.createdAt, true], (r) => [r.id, true]])
      .map((r) => byId.get(r.id)!)
      .filter((r) => r.visible && keep(r))
      .map((r) => r.id);
  }

  it('filters by kind and pages newest first with ties broken by id', async () => {
    const templates = await pageThrough(fetchResources({ kind: 'TEMPLATE' }), 4);
    expect(templates.keys).toEqual(await expected((r) => r.kind === 'TEMPLATE'));
    expect(templates.totalCount).toBe(9);
    const regulations = await pageThrough(fetchResources({ kind: 'REGULATION' }), 3);
    expect(regulations.keys).toEqual(await expected((r) => r.kind === 'REGULATION'));
    expect(regulations.totalCount).toBe(4);
  });

  it('searches titles and descriptions, alone and with a kind', async () => {
    const all = await pageThrough(fetchResources({ search: 'apbdes' }), 4);
    expect(all.keys).toEqual(await expected((r) => r.kind === 'TEMPLATE' || r.title === 'Permendes 0'));
    expect(all.totalCount).toBe(10);
    const regs = await pageThrough(fetchResources({ search: 'APBDES', kind: 'REGULATION' }), 4);
    expect(regs.keys).toEqual([shared.find((r) => r.title === 'Permendes 0')!.id]);
    expect(regs.totalCount).toBe(1);
  });

  it('refuses bad first and after arguments', async () => {
    const page = toPage(ok(await resourcesRaw({})).resources);
    expect(page.keys).toHaveLength(13);
    expect(page.pageInfo.hasNextPage).toBe(false);
    for (const first of [0, -1, 101]) expectBadInput(await resourcesRaw({ first }), 'first');
    for (const after of DATED_GARBAGE) expectBadInput(await resourcesRaw({ first: 3, after }), 'after');
  });
});
