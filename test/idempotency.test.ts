import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { activity, idempotencyKeys, posts, resourceCircles, resources, threads } from '../src/db/schema.js';

/**
 * Mutations with a clientMutationId are idempotent per user: a retry (say after a dropped
 * mobile connection) returns the first result and writes nothing more.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
let coordinator: Actor;
let member: Actor;
let circle: Ref;
let secondCircle: Ref;

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
  const seeded = await kit.circleWithCoordinator();
  coordinator = seeded.coordinator;
  circle = seeded.circle;
  secondCircle = await coordinator.createCircle({ orgs: [seeded.org] });
  member = await kit.user('Member');
  await coordinator.addMember(circle, member);
  await coordinator.addMember(secondCircle, member);
});
afterAll(() => hub?.stop());

const CREATE_THREAD = `mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id title } clientMutationId } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id body } clientMutationId } }`;
const SHARE = `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id title } clientMutationId } }`;
const UPDATE_THREAD = `mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { isLocked } } }`;

type Table = typeof threads | typeof posts | typeof resources | typeof resourceCircles | typeof activity | typeof idempotencyKeys;
const TABLES = { threads, posts, resources, resourceCircles, activity, idempotencyKeys } as const;

/** Row counts of every table an idempotent mutation writes to. */
async function counts(): Promise<Record<keyof typeof TABLES, number>> {
  const entries = await Promise.all(
    Object.entries(TABLES).map(async ([name, table]) => {
      const [row] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(table as Table as any);
      return [name, row.n] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<keyof typeof TABLES, number>;
}

let keyNo = 0;
const newKey = () => `key-${++keyNo}-${Math.random().toString(36).slice(2)}`;

interface Case {
  name: string;
  /** Rows one call adds, table by table. */
  adds: Partial<Record<keyof typeof TABLES, number>>;
  call(who: Actor, key: string | undefined, variant?: number): Promise<any>;
  idOf(data: any): string;
}

const CASES: Case[] = [
  {
    name: 'createThread',
    adds: { threads: 1, activity: 1 },
    call: (who, key, variant = 0) =>
      who.gql(CREATE_THREAD, { input: { circleId: circle.id, title: `Rencana kerja ${variant}`, body: 'Isi', clientMutationId: key } }),
    idOf: (d) => d.createThread.thread.id,
  },
  {
    name: 'createPost',
    adds: { posts: 1, activity: 1 },
    call: async (who, key, variant = 0) =>
      who.gql(CREATE_POST, { input: { threadId: (await sharedThread()).id, body: `Balasan ${variant}`, clientMutationId: key } }),
    idOf: (d) => d.createPost.post.id,
  },
  {
    name: 'shareResource',
    // Shared with two circles: one resource, two circle links, one activity per circle.
    adds: { resources: 1, resourceCircles: 2, activity: 2 },
    call: (who, key, variant = 0) =>
      who.gql(SHARE, {
        input: {
          title: `Panduan SDGs Desa ${variant}`,
          kind: 'DOCUMENT',
          url: 'https://example.org/sdgs-desa.pdf',
          circleIds: [circle.id, secondCircle.id],
          clientMutationId: key,
        },
      }),
    idOf: (d) => d.shareResource.resource.id,
  },
];

let threadForPosts: Ref | undefined;
async function sharedThread(): Promise<Ref> {
  threadForPosts ??= await coordinator.createThread(circle, { title: 'Thread for idempotent posts' });
  return threadForPosts;
}

function expectAdded(before: Record<string, number>, after: Record<string, number>, adds: Case['adds'], times: number, keys: number) {
  const want = { ...before };
  for (const [table, n] of Object.entries(adds)) want[table] += n * times;
  want.idempotencyKeys += keys;
  expect(after).toEqual(want);
}

for (const c of CASES) {
  describe(`${c.name} with a clientMutationId`, () => {
    beforeAll(() => sharedThread());

    it('returns the first result on a retry and writes no second row and no second activity', async () => {
      const key = newKey();
      const before = await counts();
      const first = ok(await c.call(member, key, 1)) as any;
      expect(first[c.name].clientMutationId).toBe(key);
      const afterFirst = await counts();
      expectAdded(before, afterFirst, c.adds, 1, 1);
      // A retry, even one whose text changed in between, gets the first result back.
      for (const variant of [1, 2]) {
        const retry = ok(await c.call(member, key, variant)) as any;
        expect(c.idOf(retry)).toBe(c.idOf(first));
        expect(retry).toEqual(first);
      }
      expect(await counts()).toEqual(afterFirst);
    });

    it('keeps keys apart per user: two users may use the same key', async () => {
      const key = newKey();
      const before = await counts();
      const mine = ok(await c.call(member, key)) as any;
      const theirs = ok(await c.call(coordinator, key)) as any;
      expect(c.idOf(theirs)).not.toBe(c.idOf(mine));
      expectAdded(before, await counts(), c.adds, 2, 2);
      expect(c.idOf(ok(await c.call(coordinator, key)))).toBe(c.idOf(theirs));
      expect(c.idOf(ok(await c.call(member, key)))).toBe(c.idOf(mine));
    });

    it('refuses the same key for a different mutation with CONFLICT naming clientMutationId', async () => {
      const key = newKey();
      ok(await c.call(member, key));
      for (const other of CASES.filter((o) => o !== c)) {
        const before = await counts();
        const res = await other.call(member, key);
        expect(codeOf(res)).toBe('CONFLICT');
        expect(res.errors[0].extensions.field).toBe('clientMutationId');
        expect(res.errors[0].message).toContain('clientMutationId');
        expect(await counts()).toEqual(before);
      }
    });

    it('makes exactly one row and one activity when ten requests race with one key', async () => {
      const key = newKey();
      const before = await counts();
      const results = await Promise.all(Array.from({ length: 10 }, () => c.call(member, key)));
      const ids = results.map((r) => c.idOf(ok(r)));
      expect(new Set(ids).size).toBe(1);
      expectAdded(before, await counts(), c.adds, 1, 1);
    });

    it('makes two rows for two calls without a clientMutationId', async () => {
      const before = await counts();
      const a = ok(await c.call(member, undefined)) as any;
      const b = ok(await c.call(member, undefined)) as any;
      expect(c.idOf(a)).not.toBe(c.idOf(b));
      expect(a[c.name].clientMutationId).toBeNull();
      expectAdded(before, await counts(), c.adds, 2, 0);
    });
  });
}

describe('a failed first attempt', () => {
  it('does not burn the key: after the thread is unlocked, the retry with the same key posts once', async () => {
    const thread = await coordinator.createThread(circle);
    ok(await coordinator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isLocked: true } }));
    const key = newKey();
    const before = await counts();
    const refused = await member.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Halo', clientMutationId: key } });
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);

    ok(await coordinator.gql(UPDATE_THREAD, { input: { threadId: thread.id, isLocked: false } }));
    const afterUnlock = await counts();
    const posted = ok(await member.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Halo', clientMutationId: key } })) as any;
    expect(posted.createPost).toMatchObject({ post: { body: 'Halo' }, clientMutationId: key });
    expectAdded(afterUnlock, await counts(), { posts: 1, activity: 1 }, 1, 1);
    const retry = ok(await member.gql(CREATE_POST, { input: { threadId: thread.id, body: 'Halo', clientMutationId: key } })) as any;
    expect(retry.createPost.post.id).toBe(posted.createPost.post.id);
    expectAdded(afterUnlock, await counts(), { posts: 1, activity: 1 }, 1, 1);
  });

  it('does not burn the key when the input is refused', async () => {
    const key = newKey();
    const before = await counts();
    const refused = await member.gql(SHARE, {
      input: { title: 'Panduan', kind: 'DOCUMENT', url: 'not a url', circleIds: [circle.id], clientMutationId: key },
    });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
    ok(await member.gql(SHARE, { input: { title: 'Panduan', kind: 'DOCUMENT', url: 'https://example.org/p.pdf', circleIds: [circle.id], clientMutationId: key } }));
    expectAdded(before, await counts(), { resources: 1, resourceCircles: 1, activity: 1 }, 1, 1);
  });
});
