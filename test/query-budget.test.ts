import { sql } from 'drizzle-orm';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../src/schema.js';
import { fromGlobalId } from '../src/shared/ids.js';
import { queryCost } from '../src/shared/limits.js';
import { secondInstance, startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { ok, seedKit, type Actor } from './support/seed-kit.js';
import { collect, wsClient } from './support/ws.js';

/**
 * The hourly budget of query cost per user (GitHub's points per hour, in the unit of the
 * per-document cost limit): charged over HTTP and WebSocket alike, refused with RATE_LIMITED
 * once spent, and on PostgreSQL shared by every instance.
 */

const BUDGET = 1_000;
const onPostgres = process.env.TEST_DATABASE === 'postgres';

const SMALL = `{ viewer { id displayName } }`;
/** 20 circles with a few fields: a few hundred, so that a handful spend the budget. */
const LARGE = `{ circles(first: 20) { nodes { id name slug description } } }`;

let costOf: (query: string) => number;
beforeAll(async () => {
  const schema = await buildSchema();
  costOf = (query) => queryCost(schema, parse(query));
});

interface Answer {
  status: number;
  headers: Headers;
  body: GraphQLResponse;
}

async function post(url: string, query: string, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse };
}

/** One query or mutation over a fresh socket: its single result and any error. */
async function overSocket(url: string, query: string, token: string) {
  const client = wsClient(url, token);
  try {
    const sub = collect(client, query, undefined, { errorsExpected: true });
    await sub.finished;
    return sub.received;
  } finally {
    await client.dispose();
  }
}

/** Spends `who`'s budget with LARGE over HTTP until it is refused; returns the refusal. */
async function spend(url: string, who: Actor): Promise<Answer> {
  for (let i = 0; i < 100; i++) {
    const a = await post(url, LARGE, who.token);
    if (a.body.errors) return a;
  }
  throw new Error('the budget was never spent');
}

function expectRefusal(a: Answer, cost: number) {
  expect(a.status).toBe(429);
  expect(a.body.data).toBeUndefined();
  expect(a.body.errors).toHaveLength(1);
  const ext = a.body.errors![0].extensions!;
  expect(ext).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryCostPerHour', max: BUDGET, cost });
  // Until the hour's window ends: a little under an hour, since it started with this test.
  expect(ext.retryAfter).toBeGreaterThan(3_000);
  expect(ext.retryAfter).toBeLessThanOrEqual(3_600);
  expect(Number(a.headers.get('retry-after'))).toBe(ext.retryAfter);
}

describe('the hourly query budget', () => {
  let hub: TestHub;
  let kit: ReturnType<typeof seedKit>;
  beforeAll(async () => {
    hub = await startHub({ security: { limits: { queryCostPerHour: BUDGET } } });
    kit = seedKit(hub);
  });
  afterAll(() => hub?.stop());

  it('is charged each operation’s cost and told in GitHub’s x-ratelimit headers', async () => {
    const user = await kit.quickUser();
    const small = costOf(SMALL);
    expect(small).toBeGreaterThan(0);
    const first = await post(hub.url, SMALL, user.token);
    ok(first.body);
    expect(first.headers.get('x-ratelimit-limit')).toBe(String(BUDGET));
    expect(first.headers.get('x-ratelimit-used')).toBe(String(small));
    expect(first.headers.get('x-ratelimit-remaining')).toBe(String(BUDGET - small));
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset * 1000 - Date.now()).toBeGreaterThan(3_590_000);
    expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(3_601_000);

    const second = await post(hub.url, LARGE, user.token);
    ok(second.body);
    expect(second.headers.get('x-ratelimit-remaining')).toBe(String(BUDGET - small - costOf(LARGE)));
    // The window is the hour from the first charge, not from each.
    expect(Number(second.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(reset + 1);
  });

  it('refuses an operation the rest of the budget cannot cover with RATE_LIMITED, 429 and Retry-After, before running it', async () => {
    const user = await kit.quickUser();
    const refusal = await spend(hub.url, user);
    expectRefusal(refusal, costOf(LARGE));
    expect(refusal.headers.get('x-ratelimit-remaining')).toBeNull();
    const before = hub.statements.length;
    expectRefusal(await post(hub.url, LARGE, user.token), costOf(LARGE));
    expect(hub.statements.slice(before).filter((q) => q.includes('"circles"'))).toEqual([]);
  });

  it('is one budget over HTTP and WebSocket: spent over one, refused over the other, for queries, mutations and subscriptions', async () => {
    const user = await kit.quickUser();
    // Spent over the socket...
    let result: any;
    for (let i = 0; i < 100; i++) {
      const received = await overSocket(hub.app.wsUrl, LARGE, user.token);
      result = received.results[0] ?? received.errors[0];
      if (!result?.data) break;
      // ...where each answer tells what is left, as HTTP's headers do.
      expect(result.extensions.rateLimit).toMatchObject({ limit: BUDGET, remaining: expect.any(Number), used: expect.any(Number) });
      expect(result.extensions.rateLimit.remaining + result.extensions.rateLimit.used).toBe(BUDGET);
    }
    const wsError = (Array.isArray(result) ? result : result.errors)[0];
    expect(wsError.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryCostPerHour', retryAfter: expect.any(Number) });
    // ...and refused over HTTP.
    expectRefusal(await post(hub.url, LARGE, user.token), costOf(LARGE));
    // A mutation and a subscription over the socket are refused the same way.
    const mutation = await overSocket(hub.app.wsUrl, `mutation { markNotificationsRead(input: {}) { viewer { id } } }`, user.token);
    expect((mutation.errors[0] as any)[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryCostPerHour' });
    const subscription = await overSocket(hub.app.wsUrl, `subscription { myActivity { id kind } }`, user.token);
    expect((subscription.errors[0] as any)[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryCostPerHour' });
  });

  it('is per user: another user, and anonymous requests, are not refused', async () => {
    const spender = await kit.quickUser();
    await spend(hub.url, spender);
    const other = await kit.quickUser();
    ok((await post(hub.url, LARGE, other.token)).body);
    // Anonymous requests have no budget (they see public data only) and carry no headers.
    const anonymous = await post(hub.url, `{ organisations(first: 50) { nodes { id name slug } } }`);
    ok(anonymous.body);
    expect(anonymous.headers.get('x-ratelimit-remaining')).toBeNull();
  });

  it.skipIf(!onPostgres)('on PostgreSQL writes a burst of charges together, none lost or counted twice', async () => {
    const user = await kit.quickUser();
    const small = costOf(SMALL);
    ok((await post(hub.url, SMALL, user.token)).body);
    const before = hub.statements.length;
    const started = Date.now();
    for (let i = 0; i < 10; i++) expect((await post(hub.url, SMALL, user.token)).headers.get('x-ratelimit-used')).toBe(String((i + 2) * small));
    const elapsed = Date.now() - started;
    const writes = hub.statements.slice(before).filter((q) => /^insert into "rate_limits"/i.test(q.trim()));
    // Each request only reads the count; the points go to the store at most every 100 ms.
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(writes.length).toBeLessThan(10);
    await hub.app.security.flush();
    const { rows } = (await hub.database.db.execute(
      sql`select points from rate_limits where key = ${`query-cost:${fromGlobalId(user.id, 'User', 'id')}`}`,
    )) as unknown as { rows: { points: number }[] };
    expect(rows[0].points).toBe(11 * small);
  });

  it.skipIf(!onPostgres)('never counts from a read that missed points on their way to the table', async () => {
    const userId = fromGlobalId((await kit.quickUser()).id, 'User', 'id');
    const security = hub.app.security;
    await security.chargeQueryCost(userId, 5); // the hour's first: written at once
    await security.chargeQueryCost(userId, 5); // counted here
    const flushing = security.flush(); // those 5 on their way
    const during = await security.chargeQueryCost(userId, 5);
    await flushing;
    expect(during.used).toBe(15);
  });

  it('does not charge introspection', async () => {
    const user = await kit.quickUser();
    const res = await post(hub.url, `{ __schema { queryType { name } } }`, user.token);
    ok(res.body);
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
    expect((await post(hub.url, SMALL, user.token)).headers.get('x-ratelimit-used')).toBe(String(costOf(SMALL)));
  });
});

// Instances share the budget through the rate_limits table; PGlite has one process by nature.
describe.skipIf(!onPostgres)('the hourly query budget across instances', () => {
  let a: TestHub;
  let b: Awaited<ReturnType<typeof secondInstance>>;
  beforeAll(async () => {
    a = await startHub({ security: { limits: { queryCostPerHour: BUDGET } } });
    b = await secondInstance(a, { security: { limits: { queryCostPerHour: BUDGET } } });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('is one budget on every instance: what was spent on one is gone on the other', async () => {
    const user = await seedKit(a).quickUser();
    const onA = await post(a.url, SMALL, user.token);
    const onB = await post(b.url, SMALL, user.token);
    expect(onB.headers.get('x-ratelimit-used')).toBe(String(2 * costOf(SMALL)));
    expect(onB.headers.get('x-ratelimit-reset')).toBe(onA.headers.get('x-ratelimit-reset'));
    await spend(a.url, user);
    expectRefusal(await post(b.url, LARGE, user.token), costOf(LARGE));
    const received = await overSocket(b.wsUrl, LARGE, user.token);
    expect((received.errors[0] as any)[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryCostPerHour' });
  });
});
