import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const WRITERS = 8;
const POSTS_PER_WRITER = 20;

/** Small deterministic PRNG (mulberry32): the same "random" reconnects on every run. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function allCursorsAfter(viewer: Actor, circle: Ref, after: string | null): Promise<string[]> {
  const cursors: string[] = [];
  for (;;) {
    const d = await viewer.must(
      `query($slug: String!, $after: String) { circle(slug: $slug) { activity(first: 100, after: $after) { nodes { cursor } pageInfo { hasNextPage endCursor } } } }`,
      { slug: circle.slug, after },
    );
    cursors.push(...d.circle.activity.nodes.map((n: { cursor: string }) => n.cursor));
    if (!d.circle.activity.pageInfo.hasNextPage) return cursors;
    after = d.circle.activity.pageInfo.endCursor;
  }
}

describe('exactly once, in order, with resume', () => {
  it('a subscriber that disconnects at random moments and resumes by cursor sees every activity of 8 concurrent writers once, in cursor order', async () => {
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const writers: Actor[] = [];
    for (let i = 0; i < WRITERS; i++) {
      const w = await kit.user(`Writer ${i}`);
      await coordinator.addMember(circle, w, 'PARTICIPANT');
      writers.push(w);
    }
    const threads: Ref[] = [];
    for (const w of writers.slice(0, 4)) threads.push(await w.createThread(circle));
    const start = (await allCursorsAfter(coordinator, circle, null)).at(-1)!;

    const random = prng(20210916);
    const received: string[] = [];
    // Every payload must carry its event: one with errors or without data is a failed delivery.
    const malformed: unknown[] = [];
    const cursorOf = (payload: any): string => {
      if (payload?.data?.circleActivity == null || payload.errors !== undefined) malformed.push(payload);
      return payload?.data?.circleActivity?.cursor;
    };
    let reconnects = 0;
    let writing = true;

    // The subscriber: a fresh connection each round, resuming after the last cursor it holds.
    const subscriber = (async () => {
      while (writing || received.length < WRITERS * POSTS_PER_WRITER) {
        const client = wsClient(hub.app.wsUrl, coordinator.token);
        const sub = collect(
          client,
          `subscription($circleId: ID!, $after: String) { circleActivity(circleId: $circleId, after: $after) { cursor kind } }`,
          { circleId: circle.id, after: received.at(-1) ?? start },
        );
        const quota = 3 + Math.floor(random() * 25);
        const seenBefore = received.length;
        const pull = setInterval(() => {
          while (sub.received.results.length) received.push(cursorOf(sub.received.results.shift()));
        }, 1);
        await until(
          () => received.length - seenBefore >= quota || (!writing && received.length >= WRITERS * POSTS_PER_WRITER) || sub.received.errors.length > 0,
          30_000,
          'events',
        ).finally(() => clearInterval(pull));
        // Drop whatever is in flight on purpose: the resume cursor must cover it.
        while (sub.received.results.length) received.push(cursorOf(sub.received.results.shift()));
        expect(sub.received.errors).toEqual([]);
        sub.dispose();
        await client.dispose();
        reconnects++;
      }
    })();

    await Promise.all(
      writers.map(async (w, i) => {
        for (let n = 0; n < POSTS_PER_WRITER; n++) {
          await w.createPost(threads[(i + n) % threads.length], { body: `writer ${i} post ${n}` });
        }
      }),
    );
    writing = false;
    await subscriber;

    const expected = await allCursorsAfter(coordinator, circle, start);
    const counts = new Map<string, number>();
    for (const c of received) counts.set(c, (counts.get(c) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    const missing = expected.filter((c) => !counts.has(c)).length;
    console.log(
      `exactly-once: ${WRITERS} writers, ${expected.length} activities, ${reconnects} reconnects, duplicates ${duplicates}, missing ${missing}`,
    );
    expect(malformed).toEqual([]);
    expect(expected.length).toBe(WRITERS * POSTS_PER_WRITER);
    expect(duplicates).toBe(0);
    expect(missing).toBe(0);
    expect(received).toEqual(expected);
    expect(reconnects).toBeGreaterThan(3);
  }, 120_000);
});
