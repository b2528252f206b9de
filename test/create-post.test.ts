import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { circleMembers, circleOrganisations, circles, idempotencyKeys, notifications, organisationMembers, posts, threads } from '../src/db/schema.js';
import { can, canRead, isModerator, type CircleFacts, type CircleRole, type Standing } from '../src/auth/permissions.js';
import { parseGlobalId } from '../src/shared/ids.js';

/**
 * createPost's checks run inside the database function `hub_create_posts` (migrations 0013 and
 * 0017), so a post costs one round trip; the policy they restate is auth/permissions.ts. This
 * holds the two to agreement over every standing a viewer can have towards every kind of circle,
 * thread and post replied to: what the API answers is what the policy says, and a refusal writes
 * nothing, whether a post goes alone or with others in one call.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id body replyTo { id } } clientMutationId } }`;

type ThreadState = 'open' | 'locked' | 'hidden';
type Reply = 'none' | 'post' | 'hiddenPost' | 'otherThread';
const ROLES: (CircleRole | null)[] = [null, 'PARTICIPANT', 'FACILITATOR', 'COORDINATOR'];

/** The API's answer the policy gives, in the order createPost checks. */
function expected(circle: CircleFacts, standing: Standing, thread: ThreadState, reply: Reply): string {
  if (!canRead(circle, standing)) return 'NOT_FOUND';
  if (!can('post', circle, standing)) return 'FORBIDDEN';
  if (thread === 'locked') return 'FORBIDDEN';
  if (thread === 'hidden' && !isModerator(standing)) return 'FORBIDDEN';
  if (reply === 'otherThread') return 'BAD_USER_INPUT';
  if (reply === 'hiddenPost' && !isModerator(standing)) return 'FORBIDDEN';
  return 'OK';
}

const uuid = (ref: Ref) => parseGlobalId(ref.id)!.id;

async function count(table: typeof posts | typeof idempotencyKeys | typeof notifications): Promise<number> {
  const [row] = await hub.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row.n;
}

describe('createPost in the database agrees with the policy', () => {
  it('for every standing, circle, thread and post replied to; a refusal writes nothing, not even the retry key', async () => {
    const { coordinator, org } = await kit.circleWithCoordinator({ quick: true });
    // Organisation admins see MEMBERS_ONLY circles their organisation takes part in without being members.
    const adminsOrg = await coordinator.createOrg();
    const db = hub.database.db;

    const viewers: { actor: Actor; role: CircleRole | null; orgAdmin: boolean }[] = [];
    for (const role of ROLES) {
      for (const orgAdmin of [false, true]) viewers.push({ actor: await kit.quickUser(`${role ?? 'outsider'}${orgAdmin ? ' admin' : ''}`), role, orgAdmin });
    }
    await db.insert(organisationMembers).values(
      viewers.filter((v) => v.orgAdmin).map((v) => ({ organisationId: uuid(adminsOrg), userId: uuid(v.actor), role: 'ADMIN' as const })),
    );

    type Setting = { facts: CircleFacts; circle: Ref; threads: Record<ThreadState, { thread: Ref; post: Ref; hiddenPost: Ref }> };
    const settings: Setting[] = [];
    for (const visibility of ['PUBLIC', 'MEMBERS_ONLY'] as const) {
      for (const status of ['ACTIVE', 'ARCHIVED'] as const) {
        const circle = await coordinator.createCircle({ orgs: [org], visibility });
        const circleId = uuid(circle);
        await db.insert(circleOrganisations).values({ circleId, organisationId: uuid(adminsOrg) });
        const members = viewers.filter((v) => v.role);
        await db.insert(circleMembers).values(members.map((v) => ({ circleId, userId: uuid(v.actor), role: v.role! })));
        const perThread = {} as Setting['threads'];
        for (const state of ['open', 'locked', 'hidden'] as const) {
          const thread = await coordinator.createThread(circle);
          const post = await coordinator.createPost(thread);
          const hiddenPost = await coordinator.createPost(thread);
          perThread[state] = { thread, post, hiddenPost };
          await db.update(posts).set({ hiddenAt: new Date() }).where(eq(posts.id, uuid(hiddenPost)));
          if (state === 'locked') await db.update(threads).set({ isLocked: true }).where(eq(threads.id, uuid(thread)));
          if (state === 'hidden') await db.update(threads).set({ hiddenAt: new Date() }).where(eq(threads.id, uuid(thread)));
        }
        if (status === 'ARCHIVED') await db.update(circles).set({ status }).where(eq(circles.id, circleId));
        settings.push({ facts: { visibility, status }, circle, threads: perThread });
      }
    }

    const mismatches: string[] = [];
    const outcomes = new Map<string, number>();
    let allowed = 0;
    const before = { posts: await count(posts), keys: await count(idempotencyKeys) };
    // Every standing towards every kind of thread, with every kind of post replied to.
    type Case = { viewer: Actor; thread: Ref; replyTo: Ref | undefined; reply: Reply; want: string; label: string };
    const cases: Case[] = [];
    for (const setting of settings) {
      for (const viewer of viewers) {
        const standing: Standing = { signedIn: true, role: viewer.role, orgAdmin: viewer.orgAdmin };
        const who = `${viewer.role ?? 'outsider'}${viewer.orgAdmin ? '+orgAdmin' : ''}`;
        for (const state of ['open', 'locked', 'hidden'] as const) {
          const { thread, post, hiddenPost } = setting.threads[state];
          const other = setting.threads[state === 'open' ? 'locked' : 'open'].post;
          const replies: Record<Reply, Ref | undefined> = { none: undefined, post, hiddenPost, otherThread: other };
          for (const reply of Object.keys(replies) as Reply[]) {
            const label = `${setting.facts.visibility}/${setting.facts.status} ${who} ${state} thread, reply ${reply}`;
            cases.push({ viewer: viewer.actor, thread, replyTo: replies[reply], reply, want: expected(setting.facts, standing, state, reply), label });
          }
        }
      }
    }

    let n = 0;
    // The four tries at a thread at once: posts to one thread queue on its row lock.
    for (let at = 0; at < cases.length; at += 4) {
      const tries = cases.slice(at, at + 4).map((c) => {
        const key = ++n;
        return c.viewer
          .gql(CREATE_POST, { input: { threadId: c.thread.id, body: `Agreement ${key}`, replyToId: c.replyTo?.id, clientMutationId: `agreement-${key}` } })
          .then((res) => ({ c, res }));
      });
      for (const { c, res } of await Promise.all(tries)) {
        const got = res.errors?.length ? codeOf(res) : 'OK';
        outcomes.set(c.want, (outcomes.get(c.want) ?? 0) + 1);
        if (got === 'OK') {
          allowed++;
          // A reply to a reply is kept as a reply to the post it answers (here always top-level).
          const replyTo = (res.data as any).createPost.post.replyTo?.id ?? null;
          if (replyTo !== (c.replyTo?.id ?? null)) mismatches.push(`${c.reply}: replied to ${replyTo}, not ${c.replyTo?.id}`);
        }
        if (got !== c.want) mismatches.push(`${c.label}: ${got}, policy says ${c.want}`);
      }
    }
    expect(mismatches).toEqual([]);

    // The same cases again, all in one call, as posts that arrive together go: each is refused or
    // written as it was alone.
    const together = cases.map((c) => {
      const key = ++n;
      const replyTo = c.replyTo ? uuid(c.replyTo) : null;
      return { ...c, replyTo, item: [uuid(c.viewer), uuid(c.thread), replyTo, randomUUID(), `Together ${key}`, new Date().toISOString(), `agreement-${key}`] };
    });
    const column = (i: number) => together.map((t) => t.item[i]);
    const raw = hub.database.raw;
    const call = 'select hub_create_posts($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[], $8::int[], $9::text[]) as result';
    const params = [0, 1, 2, 3, 4, 5, 6].map(column).concat([[], []]);
    const answer = raw.kind === 'pg' ? await raw.pool.query(call, params) : await raw.client.query(call, params);
    const results = (answer.rows[0] as { result: { post?: { reply_to_id: string | null }; refused?: unknown }[] }).result;
    expect(results).toHaveLength(together.length);
    together.forEach((t, i) => {
      const got = results[i].post ? 'OK' : results[i].refused !== undefined ? 'refused' : JSON.stringify(results[i]);
      if ((got === 'OK') !== (t.want === 'OK') || (got !== 'OK' && got !== 'refused')) mismatches.push(`together, ${t.label}: ${got}, policy says ${t.want}`);
      if (got === 'OK') {
        allowed++;
        if (results[i].post!.reply_to_id !== t.replyTo) mismatches.push(`together, ${t.label}: replied to ${results[i].post!.reply_to_id}`);
      }
    });
    expect(mismatches).toEqual([]);
    // Every kind of answer is among the cases, so none of the checks went untried.
    expect([...outcomes.keys()].sort()).toEqual(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'OK']);
    expect(allowed).toBe(2 * outcomes.get('OK')!);
    // Exactly the allowed posts were written, each with its retry key; refusals left nothing.
    expect(await count(posts)).toBe(before.posts + allowed);
    expect(await count(idempotencyKeys)).toBe(before.keys + allowed);
    const ids = settings.flatMap((s) => Object.values(s.threads).map((t) => uuid(t.thread)));
    const counted = await db
      .select({ postCount: threads.postCount, real: sql<number>`(select count(*)::int from posts p where p.thread_id = threads.id and p.hidden_at is null)` })
      .from(threads)
      .where(inArray(threads.id, ids));
    expect(counted).toHaveLength(ids.length);
    for (const t of counted) expect(t.postCount).toBe(t.real + 1);
  }, 120_000);
});
