import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../src/schema.js';
import { DEFAULT_QUERY_LIMITS, queryCost, queryLimitRules } from '../src/shared/limits.js';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { seedKit, type Actor } from './support/seed-kit.js';
import { toGlobalId } from '../src/shared/ids.js';
import { collect, wsClient } from './support/ws.js';

let hub: TestHub;
let member: Actor;

beforeAll(async () => {
  hub = await startHub();
  member = await seedKit(hub).user();
});
afterAll(() => hub?.stop());

/** `{ regions { parent { parent ... { id } } } }`, `depth` fields deep counting `regions` and `id`. */
const nested = (depth: number) => `{ regions { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;
const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: regions { id }`).join(' ')} }`;
const directives = (n: number) => `{ sdgGoals { ${'number @include(if: true) '.repeat(n)} } }`;
/** `{ nodes(ids: ["…", "…", ...]) { id } }` of `n` tokens: each ID one token, none of them existing. */
const tokens = (n: number) => `{ nodes(ids: [${`"${toGlobalId('Circle', '00000000-0000-0000-0000-000000000000')}" `.repeat(n - 12)}]) { id } }`;
/** Each of `n` fragments spreads the next twice: 2^n fields if expanded, about 10 tokens a fragment. */
const fragmentBomb = (n: number) =>
  `query { ...F0 } ${Array.from({ length: n }, (_, i) =>
    i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { sdgGoals { number } }`,
  ).join(' ')}`;

/** SQL on `table` since `from`: any means resolvers ran. */
const queriesOn = (table: string, from: number) => hub.statements.slice(from).filter((q) => q.includes(`"${table}"`));

async function post(query: string, variables?: Record<string, unknown>, token?: string) {
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse };
}

/** Expects one QUERY_TOO_COMPLEX refusal naming `limit`, with nothing executed. */
function expectRefused(res: { status: number; body: GraphQLResponse }, limit: string) {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  const refusal = res.body.errors?.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX');
  expect(refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
  expect(res.body.errors!.every((e) => typeof e.extensions?.code === 'string')).toBe(true);
  return refusal!;
}

/** The errors a graphql-ws subscribe (or query) gets back, over a socket with `token` (or none). */
async function overSocket(query: string, token?: string, variables?: Record<string, unknown>) {
  const client = wsClient(hub.app.wsUrl, token);
  try {
    const { received, finished } = collect(client, query, variables);
    await finished;
    return received;
  } finally {
    await client.dispose();
  }
}

const wsRefusal = (received: { errors: unknown[] }) => ((received.errors[0] as any[]) ?? []).find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX');

describe('default query limits', () => {
  it('let every document in the README through, and the full introspection query', async () => {
    const schema = await buildSchema();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documents = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
    documents.push(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }));
    expect(documents.length).toBeGreaterThan(3);
    for (const text of documents) {
      const document = parse(text, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens });
      const refusals = validate(schema, document, [...specifiedRules, ...queryLimitRules()]).filter((e) => e.extensions.code === 'QUERY_TOO_COMPLEX');
      expect(refusals).toEqual([]);
      for (const def of document.definitions) {
        if (def.kind !== 'OperationDefinition') continue;
        expect(queryCost(schema, { ...document, definitions: [def] }, null, { slug: 'lbb-lombok-tengah' })).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxCost);
      }
    }
  });

  it('are no looser than graphql-armor defaults except depth and cost, which the README needs', () => {
    // armor: maxDepth 6, maxAliases 15, maxDirectives 50, maxTokens 1000, costLimit 5000.
    expect(DEFAULT_QUERY_LIMITS).toEqual({ maxDepth: 8, maxAliases: 15, maxDirectives: 50, maxTokens: 1_000, maxCost: 30_000 });
  });
});

describe('query limits over HTTP', () => {
  it('runs a query nested 8 levels deep and refuses 9 with QUERY_TOO_COMPLEX naming depth, before running anything', async () => {
    expect((await post(nested(8))).body.errors).toBeUndefined();
    const before = hub.statements.length;
    const refusal = expectRefused(await post(nested(9)), 'depth');
    expect(refusal.extensions).toMatchObject({ max: 8, found: 9 });
    expect(refusal.message).toBe('Query is nested 9 levels deep; the depth limit is 8.');
    expect(queriesOn('regions', before)).toEqual([]);
  });

  it('counts depth through fragments', async () => {
    const res = await post(`query { regions { ...Deep } } fragment Deep on Region { ${'parent { '.repeat(7)}id${' }'.repeat(7)} }`);
    expectRefused(res, 'depth');
  });

  it('runs 15 aliases and refuses 16, naming aliases', async () => {
    const ok = await post(aliased(15));
    expect(ok.body.errors).toBeUndefined();
    expect(Object.keys(ok.body.data!)).toHaveLength(15);
    const before = hub.statements.length;
    expect(expectRefused(await post(aliased(16)), 'aliases').extensions).toMatchObject({ max: 15, found: 16 });
    expect(queriesOn('regions', before)).toEqual([]);
  });

  it('runs 50 directives and refuses 51, naming directives', async () => {
    expect((await post(directives(50))).body.errors).toBeUndefined();
    expect(expectRefused(await post(directives(51)), 'directives').extensions).toMatchObject({ max: 50, found: 51 });
  });

  it('runs a document of 1,000 tokens and refuses 1,001 in the parser, naming tokens', async () => {
    // It runs: the field itself refuses more than 100 IDs.
    const ok = await post(tokens(1_000), undefined, member.token);
    expect(ok.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    const refusal = expectRefused(await post(tokens(1_001)), 'tokens');
    expect(refusal.extensions).toMatchObject({ max: 1_000 });
  });

  it('refuses nested pages of 100 (a million potential nodes) by cost, also when the page sizes are variables', async () => {
    const literal = `{ circles(first: 100) { nodes { threads(first: 100) { nodes { posts(first: 100) { totalCount } } } } } }`;
    const variables = `query($n: Int) { circles(first: $n) { nodes { threads(first: $n) { nodes { posts(first: $n) { totalCount } } } } } }`;
    const before = hub.statements.length;
    const refusal = expectRefused(await post(literal, undefined, member.token), 'cost');
    expect(refusal.extensions).toMatchObject({ max: 30_000, found: expect.any(Number) });
    expect(refusal.extensions!.found as number).toBeGreaterThan(1_000_000);
    expectRefused(await post(variables, { n: 100 }, member.token), 'cost');
    expect(queriesOn('circles', before)).toEqual([]);
    // The same shape with small pages is cheap and runs.
    const small = await post(variables, { n: 5 }, member.token);
    expect(small.body.errors).toBeUndefined();
  });

  it('counts a list without `first` at the default page size of 20', async () => {
    const schema = await buildSchema();
    const implicit = queryCost(schema, parse(`{ circles { nodes { id } } }`));
    expect(implicit).toBe(queryCost(schema, parse(`{ circles(first: 20) { nodes { id } } }`)));
    expect(implicit).toBeGreaterThan(queryCost(schema, parse(`{ circles(first: 1) { nodes { id } } }`)));
    // Out-of-range page sizes are the field's to refuse (BAD_USER_INPUT naming `first`), counted as 100.
    expect(queryCost(schema, parse(`query($n: Int) { circles(first: $n) { nodes { id } } }`), null, { n: 1e9 })).toBe(
      queryCost(schema, parse(`{ circles(first: 100) { nodes { id } } }`)),
    );
    expect(queryCost(schema, parse(getIntrospectionQuery()))).toBe(0);
  });

  it.each([30, 60])('refuses the blow-up of %i fragments each spreading the next twice at once, while /healthz keeps answering', async (n) => {
    const health: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        const res = await fetch(hub.url.replace('/graphql', '/healthz'));
        expect(res.status).toBe(200);
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    const res = await post(fragmentBomb(n));
    const took = performance.now() - started;
    done = true;
    await probe;
    expectRefused(res, 'depth');
    console.log(`fragment blow-up of ${n}: refused in ${took.toFixed(0)} ms; /healthz at most ${Math.max(...health).toFixed(0)} ms`);
    // Exponential work would take minutes at 30 fragments and forever at 60; linear is milliseconds.
    expect(took).toBeLessThan(3_000);
    expect(Math.max(...health)).toBeLessThan(3_000);
  });
});

describe('query limits over WebSocket', () => {
  it('refuses the same documents with the same codes, subscriptions and queries alike', async () => {
    for (const [query, limit] of [
      [nested(9), 'depth'],
      [aliased(16), 'aliases'],
      [directives(51), 'directives'],
      [tokens(1_001), 'tokens'],
      [`subscription { myActivity { thread { posts(first: 100) { nodes { replies(first: 100) { nodes { id } } } } } } }`, 'cost'],
    ] as const) {
      const refusal = wsRefusal(await overSocket(query, member.token));
      expect(refusal?.extensions, `${limit} over WebSocket`).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
    }
  });

  it('refuses the fragment blow-up before looking at the token: on a socket without one and on one with a bad one', async () => {
    for (const token of [undefined, 'not-a-real-token']) {
      const started = performance.now();
      const refusal = wsRefusal(await overSocket(fragmentBomb(60), token));
      expect(refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
      expect(performance.now() - started).toBeLessThan(3_000);
    }
  });
});

describe('field suggestions', () => {
  const TYPO = `{ sdgGoal { number } }`;

  it('are left out for anonymous requests over HTTP and WebSocket', async () => {
    const res = await post(TYPO);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toBe('Cannot query field "sdgGoal" on type "Query".');
    const ws = (await overSocket(TYPO)).errors[0] as any[];
    expect(ws[0].message).toBe('Cannot query field "sdgGoal" on type "Query".');
  });

  it('are kept for signed-in requests', async () => {
    const res = await post(TYPO, undefined, member.token);
    expect(res.body.errors?.[0]?.message).toMatch(/Did you mean "sdgGoals"/);
    const ws = (await overSocket(TYPO, member.token)).errors[0] as any[];
    expect(ws[0].message).toMatch(/Did you mean "sdgGoals"/);
  });

  it('leave introspection public', async () => {
    const res = await post(getIntrospectionQuery());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });
});
