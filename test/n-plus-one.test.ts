import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { DEFAULT_QUERY_LIMITS } from '../src/shared/limits.js';
import { withoutLookahead } from './support/lookahead.js';

/**
 * A feed of circles > threads > posts costs the same number of SQL statements whatever the
 * page sizes: nested lists and their fields are batched per request, not loaded per parent.
 */

let hub: TestHub;
let viewer: Actor;
let bima: Actor;
let kit: ReturnType<typeof seedKit>;

const NESTED = `query($n: Int!) {
  circles(first: $n) {
    nodes {
      name
      threads(first: $n) {
        nodes {
          title
          author { displayName }
          postCount
          reactionGroups { content count }
          posts(first: $n) {
            nodes { body author { displayName } replyTo { id } }
          }
        }
      }
    }
  }
}`;

/**
 * Runs several mutations of one user in one request (aliases run in order), so seeding 300
 * posts costs fewer round trips. `fields` are aliased mutation fields; returns data by alias.
 */
/** Aliased mutations, at most the default alias limit (15) per request, run in order. */
async function batch(who: Actor, fields: string[]): Promise<Record<string, any>> {
  const results: Record<string, any> = {};
  for (let i = 0; i < fields.length; i += DEFAULT_QUERY_LIMITS.maxAliases) {
    Object.assign(results, ok(await who.gql(`mutation { ${fields.slice(i, i + DEFAULT_QUERY_LIMITS.maxAliases).join('\n')} }`)));
  }
  return results;
}
const post = (alias: string, threadId: string, body: string, replyToId?: string) =>
  `${alias}: createPost(input: { threadId: "${threadId}", body: "${body}"${replyToId ? `, replyToId: "${replyToId}"` : ''} }) { post { id } }`;
const react = (alias: string, subjectId: string, content: string) =>
  `${alias}: addReaction(input: { subjectId: "${subjectId}", content: ${content} }) { reactionGroups { count } }`;

/** Runs `work` with at most `limit` of them in flight. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

beforeAll(async () => {
  // 3 circles x 20 threads x 20 posts costs about 960,000 by the hub's count: past the production
  // limit (test/limits.test.ts), which is not what this file measures.
  hub = await startHub({ queryLimits: { maxCost: 2_000_000 } });
  kit = seedKit(hub);
  viewer = await kit.user('Viewer');
  // Threads come from the viewer, posts from two others: post authors are never already loaded.
  const [alice, b] = await Promise.all([kit.user('Alice'), kit.user('Bima')]);
  bima = b;
  const org = await viewer.createOrg();
  const circles: Ref[] = [];
  for (let c = 0; c < 3; c++) circles.push(await viewer.createCircle({ orgs: [org], sdgGoals: [c + 1] }));
  const threadIds: string[] = [];
  for (const circle of circles) {
    await viewer.addMember(circle, alice);
    await viewer.addMember(circle, bima);
    const made = await batch(
      viewer,
      Array.from(
        { length: 25 },
        (_, i) => `t${i}: createThread(input: { circleId: "${circle.id}", title: "Thread ${i}", body: "Isi" }) { thread { id } }`,
      ),
    );
    threadIds.push(...Object.values(made).map((d) => d.thread.id as string));
  }
  expect(threadIds).toHaveLength(75);
  // Each thread: a post, a reply to it, another post, a second reply; reactions on the thread and the first post.
  await inBatches(threadIds, 10, async (threadId) => {
    const { first } = await batch(alice, [post('first', threadId, 'Pertama')]);
    const firstId = first.post.id as string;
    await batch(bima, [
      post('reply', threadId, 'Balasan', firstId),
      post('second', threadId, 'Kedua'),
      react('onThread', threadId, 'THUMBS_UP'),
      react('onPost', firstId, 'CELEBRATE'),
    ]);
    await batch(alice, [post('reply', threadId, 'Balasan lagi', firstId), react('onThread', threadId, 'HEART')]);
  });
}, 120_000);
afterAll(() => hub?.stop());

let quiet = false;
/**
 * The activity feed (the subscriptions' background reader) reads the log after every write and
 * on a 5-second timer; once it caught up with the seed it is stopped, so that every statement
 * counted is one the request itself ran.
 */
async function quieten() {
  if (quiet) return;
  quiet = true;
  await hub.app.feed.settle();
  await hub.app.feed.stop();
}

/** Runs `query` as the viewer and returns the data and the statements it ran. */
async function measureQuery(query: string, variables: Record<string, unknown>) {
  // What a query costs to run, not to answer again from the response cache.
  hub.app.responseCache.invalidate();
  const before = hub.statements.length;
  const data = ok(await viewer.gql(query, variables)) as any;
  const all = hub.statements.slice(before);
  // On PostgreSQL one statement charges the hourly query budget (rate_limits: it reads the count);
  // PGlite keeps it in memory. It is the same one whatever the query, so it is counted apart from
  // the query's own. The points are written by a timer every 100 ms, which may land inside a request;
  // a read that a write overtook reads again (at most three times, auth/security.ts storedCount).
  const budget = all.filter((q) => q.includes('"rate_limits"'));
  const reads = budget.filter((q) => !/^insert into "rate_limits"/.test(q)).length;
  if (hub.databaseUrl) {
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(3);
  } else expect(reads).toBe(0);
  // The socket-lease sweep runs on its own timer and may land inside a request: not the query's.
  return { data, statements: all.filter((q) => !budget.includes(q) && !/^delete from "live_sockets"/.test(q)) };
}

/** Runs the nested query with page size n. */
const measure = (n: number) => measureQuery(NESTED, { n });

describe('the nested circles > threads > posts query', () => {
  it('runs as many SQL statements for first: 20 as for first: 2, and few of them', async () => {
    await quieten();
    // A session's lastUsedAt moves on the first request a minute or more after the last move
    // (a slow seed takes that long): a warm-up request takes that write, not a measured one.
    ok(await viewer.gql(`{ viewer { id } }`));
    const small = await measure(2);
    const large = await measure(20);

    // The pages really are bigger: 2x2x2 against 3x20x4 items.
    expect(small.data.circles.nodes).toHaveLength(2);
    expect(large.data.circles.nodes).toHaveLength(3);
    for (const circle of small.data.circles.nodes) {
      expect(circle.threads.nodes).toHaveLength(2);
      for (const thread of circle.threads.nodes) expect(thread.posts.nodes).toHaveLength(2);
    }
    let posts = 0;
    for (const circle of large.data.circles.nodes) {
      expect(circle.threads.nodes).toHaveLength(20);
      for (const thread of circle.threads.nodes) {
        expect(thread).toMatchObject({
          author: { displayName: 'Viewer' },
          postCount: 4,
          reactionGroups: [
            { content: 'THUMBS_UP', count: 1 },
            { content: 'HEART', count: 1 },
          ],
        });
        expect(thread.posts.nodes.map((p: any) => p.author.displayName).sort()).toEqual(['Alice', 'Alice', 'Bima', 'Bima']);
        const [first, ...rest] = thread.posts.nodes;
        expect(first.replyTo).toBeNull();
        expect(rest.filter((p: any) => p.replyTo).length).toBe(2);
        posts += thread.posts.nodes.length;
      }
    }
    expect(posts).toBe(240);

    console.log(
      `N+1 check: first:2 -> ${small.statements.length} statements, first:20 -> ${large.statements.length} statements`,
    );
    if (process.env.SHOW_SQL || small.statements.length !== large.statements.length) {
      console.log(`first:2 statements:\n${small.statements.join('\n')}\n\nfirst:20 statements:\n${large.statements.join('\n')}`);
    }
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBeLessThanOrEqual(8);
  });
});

describe('connections read only what the client selects', () => {
  const run = async (query: string) => {
    hub.app.responseCache.invalidate();
    const before = hub.statements.length;
    const data = ok(await viewer.gql(query));
    return { data, statements: hub.statements.slice(before).filter((s) => !/from "sessions"|update "sessions"/.test(s)) };
  };

  it('counts without reading a page when only totalCount is asked for, and pages without counting', async () => {
    const countOnly = await run(`{ circles(first: 1) { totalCount } }`);
    expect(countOnly.data.circles.totalCount).toBeGreaterThan(0);
    expect(countOnly.statements.filter((s) => /count\(\*\)/.test(s))).toHaveLength(1);
    expect(countOnly.statements.filter((s) => /order by/.test(s))).toHaveLength(0);

    const pageOnly = await run(`{ circles(first: 1) { nodes { id } pageInfo { hasNextPage } } }`);
    expect(pageOnly.data.circles.nodes).toHaveLength(1);
    expect(pageOnly.statements.filter((s) => /count\(\*\)/.test(s))).toHaveLength(0);
    expect(pageOnly.statements.filter((s) => /order by/.test(s))).toHaveLength(1);

    // Nested under every circle of a page: still one count statement for all of them, and no page.
    const nested = await run(`{ circles(first: 3) { nodes { members(first: 1) { totalCount } } } }`);
    expect(nested.data.circles.nodes.every((c: any) => c.members.totalCount > 0)).toBe(true);
    // The circles' own page mentions circle_members in its visibility filter: left out here.
    const memberStatements = nested.statements.filter((s) => /"circle_members"/.test(s) && !/from "circles"/.test(s));
    expect(memberStatements.filter((s) => /count\(\*\)/.test(s))).toHaveLength(1);
    expect(memberStatements.filter((s) => /order by/.test(s))).toHaveLength(0);
  });

  it('reads threads and posts with their authors in the page statement when author is selected, and no user otherwise', async () => {
    // Through a fragment and through edges: the selection is found wherever the client put it.
    const slug = ok<any>(await viewer.gql(`{ circles(first: 1) { nodes { slug } } }`)).circles.nodes[0].slug;
    const withAuthors = await run(`{ circle(slug: "${slug}") { threads(first: 5) {
        edges { node { ...T } }
        nodes { posts(first: 3) { nodes { author { displayName } } } } } } }
      fragment T on Thread { author { displayName } }`);
    const threadEdges = withAuthors.data.circle.threads.edges;
    expect(threadEdges.length).toBe(5);
    expect(threadEdges.every((e: any) => e.node.author.displayName === 'Viewer')).toBe(true);
    const postAuthors = new Set(withAuthors.data.circle.threads.nodes.flatMap((t: any) => t.posts.nodes.map((p: any) => p.author.displayName)));
    expect(postAuthors).toEqual(new Set(['Alice', 'Bima']));
    // The circle, its threads, their posts and both levels' authors: one statement (see
    // shared/prefetch.ts), so no statement of its own for authors and none per level.
    const readingUsers = withAuthors.statements.filter((s) => /"users"/.test(s));
    expect(readingUsers, 'authors read in the statement that reads the pages').toHaveLength(1);
    expect(readingUsers[0]).toMatch(/from "circles"/);
    expect(readingUsers[0]).toMatch(/from "threads"/);
    expect(readingUsers[0]).toMatch(/from "posts"/);
    expect(withAuthors.statements.filter((s) => /"circles"|"threads"|"posts"/.test(s))).toHaveLength(1);

    // Under a list (not a single circle), a page of threads reads its posts and authors along.
    const underList = await run(`{ circles(first: 3) { nodes { threads(first: 2) { nodes { author { displayName } posts(first: 2) { nodes { author { displayName } } } } } } } }`);
    expect(underList.statements.filter((s) => /"users"/.test(s))).toHaveLength(1);
    expect(underList.statements.filter((s) => /from "posts"/.test(s))).toHaveLength(1);

    const without = await run(`{ circle(slug: "${slug}") { threads(first: 5) { nodes { title posts(first: 3) { nodes { body } } } } } }`);
    expect(without.data.circle.threads.nodes).toHaveLength(5);
    expect(without.statements.filter((s) => /"users"/.test(s)), 'no author read when none is selected').toEqual([]);
  });

  it('still refuses a bad page size or cursor when only totalCount is asked for', async () => {
    const bad = await viewer.gql(`{ circles(first: 1000) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await viewer.gql(`{ circles(after: "bm90IGEgY3Vyc29y") { totalCount } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('look-ahead reads (a page with what is selected under it, in one statement)', () => {
  const THREAD_FIELDS = `title author { displayName } reactionGroups { content count viewerHasReacted }`;
  const POST_FIELDS = `id body isHidden author { displayName } replyTo { id body } reactionGroups { content count viewerHasReacted }`;

  it('answers a thread page exactly as the same fields read one object at a time, for each viewer', async () => {
    const slug = ok<any>(await viewer.gql(`{ circles(first: 1) { nodes { slug } } }`)).circles.nodes[0].slug;
    const threadId = ok<any>(await viewer.gql(`{ circle(slug: "${slug}") { threads(first: 1) { nodes { id } } } }`)).circle.threads.nodes[0].id;
    for (const who of [viewer, bima]) {
      const before = hub.statements.length;
      const page = ok<any>(await who.gql(`query($id: ID!) { node(id: $id) { ... on Thread { ${THREAD_FIELDS} posts(first: 10) { nodes { ${POST_FIELDS} } } } } }`, { id: threadId })).node;
      const own = hub.statements.slice(before).filter((q) => !q.includes('"rate_limits"') && !/"sessions"/.test(q));
      expect(own, 'the thread, its circle, the standing, posts, authors, replies and reactions').toHaveLength(1);
      expect(page.posts.nodes).toHaveLength(4);
      expect(page.posts.nodes.some((p: any) => p.replyTo) && page.posts.nodes.some((p: any) => p.reactionGroups.length)).toBe(true);

      // nodes(ids) reads each object by itself through the loaders: no look-ahead at the root.
      const ids = page.posts.nodes.map((p: any) => p.id);
      const one = ok<any>(await who.gql(`query($ids: [ID!]!, $t: ID!) { nodes(ids: $ids) { ... on Post { ${POST_FIELDS} } } t: nodes(ids: [$t]) { ... on Thread { ${THREAD_FIELDS} } } }`, { ids, t: threadId }));
      expect(page.posts.nodes).toEqual(one.nodes);
      const { posts: _posts, ...thread } = page;
      expect(thread).toEqual(one.t[0]);
    }
    // The viewer never reacted to a post, Bima did: each sees their own.
    const mine = async (who: Actor) =>
      ok<any>(await who.gql(`query($id: ID!) { node(id: $id) { ... on Thread { posts(first: 10) { nodes { reactionGroups { viewerHasReacted } } } } } }`, { id: threadId }))
        .node.posts.nodes.flatMap((p: any) => p.reactionGroups.map((g: any) => g.viewerHasReacted));
    expect(await mine(viewer)).toEqual([false]);
    expect(await mine(bima)).toEqual([true]);
  });

  it('answers every shape the same with look-ahead on and off (LOOKAHEAD=false), in fewer statements', async () => {
    const slug = ok<any>(await viewer.gql(`{ circles(first: 1) { nodes { slug } } }`)).circles.nodes[0].slug;
    const page = ok<any>(await viewer.gql(`{ circle(slug: "${slug}") { threads(first: 2) { pageInfo { endCursor } nodes { id posts(first: 1) { pageInfo { endCursor } } } } } }`)).circle.threads;
    const threadId = page.nodes[0].id;
    const documents: [string, Record<string, unknown>][] = [
      [`query($slug: String!) { circle(slug: $slug) { name region { name } threads(first: 5) { nodes { title postCount author { displayName } reactionGroups { content count viewerHasReacted } posts(first: 3) { nodes { body author { handle } reactionGroups { content count } } } } } } }`, { slug }],
      [`query($slug: String!, $after: String) { circle(slug: $slug) { threads(first: 3, after: $after, orderBy: NEWEST) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { title circle { name } posts(first: 2) { totalCount nodes { body } } } } } } }`, { slug, after: page.pageInfo.endCursor }],
      [`query($slug: String!) { circle(slug: $slug) { threads(first: 4, sdgGoal: 1) { nodes { title author { displayName } } } members(first: 5, role: PARTICIPANT) { nodes { role user { displayName } organisation { name } circle { name } } } } }`, { slug }],
      [`{ circles(first: 3) { totalCount nodes { name members(first: 3) { pageInfo { hasNextPage } nodes { role user { displayName } } } threads(first: 3) { nodes { title posts(first: 2) { nodes { body thread { title } replyTo { body } } } } } } } }`, {}],
      [`{ organisations(first: 5) { nodes { name region { name } members(first: 3) { nodes { role user { displayName organisations(first: 2) { nodes { role } } } } } } } }`, {}],
      [`query($id: ID!, $after: String) { node(id: $id) { id ... on Thread { title circle { name } posts(first: 2, after: $after) { pageInfo { hasNextPage } nodes { body author { displayName } replyTo { id } reactionGroups { content count viewerHasReacted } replies(first: 2) { nodes { body author { displayName } } } } } } } }`, { id: threadId, after: page.nodes[0].posts.pageInfo.endCursor }],
    ];
    const runAll = async () => {
      const out = [];
      for (const [query, variables] of documents) {
        // Both runs must execute: not the second answered from the response cache.
        hub.app.responseCache.invalidate();
        const before = hub.statements.length;
        const res = await viewer.gql(query, variables);
        expect(res.errors, query).toBeUndefined();
        // Less the budget, the session, and what timers run beside a request (the lease sweep, the
        // feed's safety read of the log), as measureQuery does: not the query's own statements.
        const statements = hub.statements
          .slice(before)
          .filter((q) => !q.includes('"rate_limits"') && !/"sessions"/.test(q) && !/^delete from "live_sockets"|from "activity" where "activity"."id" >/.test(q));
        if (process.env.SHOW_SQL) console.log(query, statements);
        out.push({ data: res.data, statements: statements.length });
      }
      return out;
    };
    const on = await runAll();
    const off = await withoutLookahead(runAll);
    documents.forEach(([query], i) => {
      expect(on[i].data, query).toEqual(off[i].data);
      expect(on[i].statements, query).toBeLessThan(off[i].statements);
    });
    // The shapes of the issue: a circle and everything under it in one statement; a list of
    // circles with members, threads, posts and replies under every row in one (and one count).
    expect(on[0].statements).toBe(1);
    expect(on[3].statements).toBe(2);
  });

  it('gives someone outside a members-only circle nothing of what it would read along', async () => {
    const stranger = await kit.user('Stranger');
    const org = await viewer.createOrg();
    const hidden = await viewer.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
    const made = ok<any>(await viewer.gql(`mutation { createThread(input: { circleId: "${hidden.id}", title: "Rahasia", body: "Isi" }) { thread { id } } }`));
    const threadId = made.createThread.thread.id;
    ok(await viewer.gql(`mutation { createPost(input: { threadId: "${threadId}", body: "Tersembunyi" }) { post { id } } }`));
    const slug = ok<any>(await viewer.gql(`query($id: ID!) { node(id: $id) { ... on Circle { slug } } }`, { id: hidden.id })).node.slug;

    const feed = await stranger.gql(`{ circle(slug: "${slug}") { threads(first: 5) { nodes { title posts(first: 3) { nodes { body } } } } } }`);
    expect(feed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(feed)).not.toMatch(/Rahasia|Tersembunyi/);
    const page = await stranger.gql(`query($id: ID!) { node(id: $id) { ... on Thread { title posts(first: 5) { nodes { body } } } } }`, { id: threadId });
    expect(page.data?.node).toBeNull();
    expect(JSON.stringify(page)).not.toMatch(/Rahasia|Tersembunyi/);
    // ...while the member reads both.
    const member = ok<any>(await viewer.gql(`query($id: ID!) { node(id: $id) { ... on Thread { title posts(first: 5) { nodes { body } } } } }`, { id: threadId }));
    expect(member.node).toEqual({ title: 'Rahasia', posts: { nodes: [{ body: 'Tersembunyi' }] } });
  });
});

/** The README's circle feed, as the README shows it. */
const README_FEED = /```graphql\n(query CircleFeed[\s\S]*?)```/.exec(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))![1];

/** The selection inside `circle(slug: $slug) { ... }` of the README's feed. */
function circleSelection(): string {
  const start = README_FEED.indexOf('{', README_FEED.indexOf('circle(slug: $slug)'));
  let depth = 0;
  for (let i = start; i < README_FEED.length; i++) {
    if (README_FEED[i] === '{') depth++;
    if (README_FEED[i] === '}' && --depth === 0) return README_FEED.slice(start + 1, i);
  }
  throw new Error('unbalanced README feed');
}

/** The same circle selection over a list of circles: per-circle loaders batch across circles. */
const FEED_OF_CIRCLES = `query($organisationId: ID!, $n: Int!) {
  circles(organisationId: $organisationId, first: $n) { nodes { ${circleSelection()} } }
}`;

describe("the README's whole circle feed, with many distinct authors", () => {
  let authors = 0;
  const author = () => seedKit(hub).quickUser(`Author ${++authors}`);

  /**
   * A circle of the viewer's with `orgs` organisations (and `also`), `goals` SDG goals and
   * `threads` threads, each by an author of its own, with three posts by three more (one a reply)
   * and reactions from two of them: every field of the feed has something to load, and every
   * author is one no earlier row brought along.
   */
  async function feedCircle(spec: { orgs: number; goals: number; threads: number; also?: Ref }) {
    const orgs: Ref[] = [];
    for (let i = 0; i < spec.orgs; i++) orgs.push(await viewer.createOrg({ kind: i % 2 ? 'VILLAGE_GOVERNMENT' : 'CIVIL_SOCIETY' }));
    const circle = await viewer.createCircle({ orgs: spec.also ? [spec.also, ...orgs] : orgs, sdgGoals: Array.from({ length: spec.goals }, (_, i) => i + 1) });
    await inBatches(Array.from({ length: spec.threads }, (_, i) => i), 5, async () => {
      const [opener, first, second, third] = await Promise.all([0, 1, 2, 3].map(() => author()));
      await Promise.all([opener, first, second, third].map((u) => u.join(circle)));
      const thread = await opener.createThread(circle);
      const opening = await first.createPost(thread);
      await second.createPost(thread, { replyTo: opening });
      await third.createPost(thread);
      ok(await first.gql(`mutation { addReaction(input: { subjectId: "${thread.id}", content: HEART }) { reactionGroups { count } } }`));
      ok(await second.gql(`mutation { addReaction(input: { subjectId: "${opening.id}", content: THUMBS_UP }) { reactionGroups { count } } }`));
    });
    return circle;
  }

  let small: Ref;
  let large: Ref;
  let umbrella: Ref;
  const LISTED = 6;
  beforeAll(async () => {
    small = await feedCircle({ orgs: 1, goals: 1, threads: 2 });
    large = await feedCircle({ orgs: 9, goals: 6, threads: 20 });
    umbrella = await viewer.createOrg();
    for (let c = 0; c < LISTED; c++) await feedCircle({ orgs: 2, goals: 2, threads: 2, also: umbrella });
  }, 180_000);

  it('runs as many SQL statements for a circle of 80 authors, 9 organisations and 6 goals as for one of 8, 1 and 1', async () => {
    await quieten();
    ok(await viewer.gql(`{ viewer { id } }`));
    const few = await measureQuery(README_FEED, { slug: small.slug });
    const many = await measureQuery(README_FEED, { slug: large.slug });

    for (const [run, threads, orgs, goals] of [
      [few, 2, 1, 1],
      [many, 20, 9, 6],
    ] as const) {
      const circle = run.data.circle;
      expect(circle).toMatchObject({ viewerRole: 'COORDINATOR', viewerUnreadCount: expect.any(Number) });
      expect(circle.organisations.nodes).toHaveLength(orgs);
      expect(circle.sdgGoals).toHaveLength(goals);
      expect(circle.threads.nodes).toHaveLength(threads);
      const authors = new Set<string>();
      for (const thread of circle.threads.nodes) {
        expect(thread.posts.nodes).toHaveLength(3);
        expect(thread.posts.nodes.filter((p: any) => p.replyTo)).toHaveLength(1);
        expect(thread.reactionGroups).toEqual([{ content: 'HEART', count: 1, viewerHasReacted: false }]);
        authors.add(thread.author.displayName);
        for (const post of thread.posts.nodes) authors.add(post.author.displayName);
      }
      expect(authors.size).toBe(threads * 4);
    }
    // Every member's join, thread, posts and reactions are unread for the coordinator.
    expect(many.data.circle.viewerUnreadCount).toBeGreaterThan(few.data.circle.viewerUnreadCount);

    console.log(`README feed: ${few.statements.length} statements for 8 authors, ${many.statements.length} for 80`);
    if (process.env.SHOW_SQL || few.statements.length !== many.statements.length) {
      console.log(`8 authors:\n${few.statements.join('\n')}\n\n80 authors:\n${many.statements.join('\n')}`);
    }
    expect(many.statements.length).toBe(few.statements.length);
  });

  it("runs as many SQL statements for the feed's fields over 6 circles as over 1: viewerRole, viewerUnreadCount, sdgGoals and organisations batch across circles", async () => {
    await quieten();
    ok(await viewer.gql(`{ viewer { id } }`));
    const one = await measureQuery(FEED_OF_CIRCLES, { organisationId: umbrella.id, n: 1 });
    const six = await measureQuery(FEED_OF_CIRCLES, { organisationId: umbrella.id, n: LISTED });
    expect(one.data.circles.nodes).toHaveLength(1);
    expect(six.data.circles.nodes).toHaveLength(LISTED);
    for (const circle of six.data.circles.nodes) {
      expect(circle).toMatchObject({ viewerRole: 'COORDINATOR', viewerUnreadCount: expect.any(Number) });
      expect(circle.viewerUnreadCount).toBeGreaterThan(0);
      expect(circle.organisations.nodes).toHaveLength(3);
      expect(circle.sdgGoals).toHaveLength(2);
      expect(circle.threads.nodes).toHaveLength(2);
    }
    console.log(`README feed over circles: ${one.statements.length} statements for 1 circle, ${six.statements.length} for ${LISTED}`);
    if (process.env.SHOW_SQL || one.statements.length !== six.statements.length) {
      console.log(`1 circle:\n${one.statements.join('\n')}\n\n${LISTED} circles:\n${six.statements.join('\n')}`);
    }
    expect(six.statements.length).toBe(one.statements.length);
  });
});
