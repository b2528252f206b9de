import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { sql } from 'drizzle-orm';
import { ArgumentValidationError } from 'type-graphql';
import { formatError } from '../src/error-masking.js';
import { BadInputError, NotFoundError } from '../src/errors.js';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, seedKit, type Actor, type Ref } from './support/seed-kit.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
let member: Actor;
let outsider: Actor;
let org: Ref;
let circle: Ref;
let hidden: Ref;
let thread: Ref;
let post: Ref;

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
  member = await kit.user('Member');
  outsider = await kit.user('Outsider');
  org = await member.createOrg({ name: 'Yayasan Lingkar Desa' });
  circle = await member.createCircle({ orgs: [org], name: 'Perencanaan Desa' });
  const outsiderOrg = await outsider.createOrg();
  hidden = await outsider.createCircle({ orgs: [outsiderOrg], visibility: 'MEMBERS_ONLY' });
  thread = await member.createThread(circle, { title: 'Musrenbang desa' });
  post = await member.createPost(thread, { body: 'Jadwal sudah keluar.' });
});
afterAll(() => hub?.stop());

/** Every response seen here; none may be an HTTP 500. */
const statuses: number[] = [];

async function postRaw(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  statuses.push(res.status);
  return res;
}

/** A GraphQL request over HTTP, failing the test on any HTTP 5xx. */
async function send(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse> {
  const res = await postRaw(JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {});
  expect(res.status, `HTTP ${res.status} for ${query.slice(0, 80)}`).toBeLessThan(500);
  return (await res.json()) as GraphQLResponse;
}

const TABLES = [
  'users',
  'sessions',
  'organisations',
  'organisation_members',
  'circles',
  'circle_organisations',
  'circle_members',
  'circle_sdg_goals',
  'threads',
  'thread_sdg_goals',
  'posts',
  'reactions',
  'resources',
  'resource_circles',
  'resource_sdg_goals',
  'activity',
  'circle_reads',
  'idempotency_keys',
] as const;

/** Row counts of every table the API writes, in one statement. */
async function rowCounts(): Promise<Record<string, number>> {
  const result = (await hub.database.db.execute(
    sql.raw(`select ${TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`),
  )) as unknown as { rows: Record<string, number>[] };
  return { ...result.rows[0] };
}

/** Runs a request that must fail with `code` (and `field`), and checks that no table changed. */
async function rejectsWithoutWriting(run: () => Promise<GraphQLResponse>, code: string, field?: string) {
  const before = await rowCounts();
  const res = await run();
  expect(res.errors, `expected ${code}, got ${JSON.stringify(res)}`).toHaveLength(1);
  expect(res.errors![0].extensions).toMatchObject(field === undefined ? { code } : { code, field });
  expect(res.errors![0].message).not.toBe('Internal server error.');
  for (const value of Object.values(res.data ?? {})) expect(value).toBeNull();
  expect(await rowCounts()).toEqual(before);
  return res;
}

const CREATE_ORG = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } } }`;
const CREATE_CIRCLE = `mutation($input: CreateCircleInput!) { createCircle(input: $input) { circle { id } } }`;
const CREATE_THREAD = `mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id } } }`;
const UPDATE_THREAD = `mutation($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const UPDATE_POST = `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } } }`;
const SHARE = `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { id } } }`;
const ADD_REACTION = `mutation($input: AddReactionInput!) { addReaction(input: $input) { reactionGroups { count } } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`;
const MARK_READ = `mutation($input: MarkCircleReadInput!) { markCircleRead(input: $input) { circle { id } } }`;

const orgInput = (over: Record<string, unknown>) => ({ name: 'Forum Warga Sejahtera', kind: 'CIVIL_SOCIETY', ...over });
const circleInput = (over: Record<string, unknown>) => ({
  name: 'Lingkar Anggaran Desa',
  visibility: 'PUBLIC',
  organisationIds: [org.id],
  ...over,
});
const threadInput = (over: Record<string, unknown>) => ({ circleId: circle.id, title: 'Pagu indikatif', body: 'Berapa pagunya?', ...over });
const resourceInput = (over: Record<string, unknown>) => ({
  title: 'Panduan APBDes',
  kind: 'DOCUMENT',
  url: 'https://example.org/apbdes.pdf',
  circleIds: [circle.id],
  ...over,
});

const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('mutation input', () => {
  type Case = { name: string; query: string; input: () => Record<string, unknown>; field: string };
  const cases: Case[] = [
    { name: 'an organisation name over 120 characters', query: CREATE_ORG, input: () => orgInput({ name: 'x'.repeat(121) }), field: 'name' },
    { name: 'a blank organisation name', query: CREATE_ORG, input: () => orgInput({ name: '   ' }), field: 'name' },
    { name: 'an empty organisation name', query: CREATE_ORG, input: () => orgInput({ name: '' }), field: 'name' },
    {
      name: 'an organisation description over 2,000 characters',
      query: CREATE_ORG,
      input: () => orgInput({ description: 'd'.repeat(2001) }),
      field: 'description',
    },
    { name: 'a circle name over 120 characters', query: CREATE_CIRCLE, input: () => circleInput({ name: 'c'.repeat(121) }), field: 'name' },
    { name: 'SDG goal 0 on a circle', query: CREATE_CIRCLE, input: () => circleInput({ sdgGoals: [0] }), field: 'sdgGoals' },
    { name: 'SDG goal 19 on a circle', query: CREATE_CIRCLE, input: () => circleInput({ sdgGoals: [1, 19] }), field: 'sdgGoals' },
    { name: 'a circle without organisations', query: CREATE_CIRCLE, input: () => circleInput({ organisationIds: [] }), field: 'organisationIds' },
    { name: 'a thread title over 200 characters', query: CREATE_THREAD, input: () => threadInput({ title: 't'.repeat(201) }), field: 'title' },
    { name: 'a blank thread title', query: CREATE_THREAD, input: () => threadInput({ title: ' \n\t ' }), field: 'title' },
    { name: 'a thread body over 20,000 characters', query: CREATE_THREAD, input: () => threadInput({ body: 'b'.repeat(20_001) }), field: 'body' },
    { name: 'SDG goal 0 on a thread', query: CREATE_THREAD, input: () => threadInput({ sdgGoals: [0] }), field: 'sdgGoals' },
    { name: 'SDG goal 19 on a thread', query: CREATE_THREAD, input: () => threadInput({ sdgGoals: [19] }), field: 'sdgGoals' },
    {
      name: 'a thread clientMutationId over 100 characters',
      query: CREATE_THREAD,
      input: () => threadInput({ clientMutationId: 'k'.repeat(101) }),
      field: 'clientMutationId',
    },
    { name: 'a malformed circle ID on a thread', query: CREATE_THREAD, input: () => threadInput({ circleId: 'abc' }), field: 'circleId' },
    {
      name: 'a thread title edited to over 200 characters',
      query: UPDATE_THREAD,
      input: () => ({ threadId: thread.id, title: 't'.repeat(201) }),
      field: 'title',
    },
    {
      name: 'a post body over 20,000 characters',
      query: CREATE_POST,
      input: () => ({ threadId: thread.id, body: 'p'.repeat(20_001) }),
      field: 'body',
    },
    { name: 'a blank post body', query: CREATE_POST, input: () => ({ threadId: thread.id, body: '  ' }), field: 'body' },
    {
      name: 'a post clientMutationId over 100 characters',
      query: CREATE_POST,
      input: () => ({ threadId: thread.id, body: 'ok', clientMutationId: 'k'.repeat(101) }),
      field: 'clientMutationId',
    },
    { name: 'a malformed thread ID on a post', query: CREATE_POST, input: () => ({ threadId: 'abc', body: 'ok' }), field: 'threadId' },
    { name: 'a malformed replyToId', query: CREATE_POST, input: () => ({ threadId: thread.id, body: 'ok', replyToId: 'nope' }), field: 'replyToId' },
    {
      name: 'a post body edited to over 20,000 characters',
      query: UPDATE_POST,
      input: () => ({ postId: post.id, body: 'p'.repeat(20_001) }),
      field: 'body',
    },
    { name: 'a resource title over 200 characters', query: SHARE, input: () => resourceInput({ title: 'r'.repeat(201) }), field: 'title' },
    { name: 'a blank resource title', query: SHARE, input: () => resourceInput({ title: ' \t ' }), field: 'title' },
    {
      name: 'a resource description over 2,000 characters',
      query: SHARE,
      input: () => resourceInput({ description: 'd'.repeat(2001) }),
      field: 'description',
    },
    {
      name: 'a resource URL over 2,000 characters',
      query: SHARE,
      input: () => resourceInput({ url: `https://example.org/${'u'.repeat(2001 - 'https://example.org/'.length)}` }),
      field: 'url',
    },
    { name: 'a resource URL without a host', query: SHARE, input: () => resourceInput({ url: 'https://' }), field: 'url' },
    { name: 'a javascript: resource URL', query: SHARE, input: () => resourceInput({ url: 'javascript:alert(1)' }), field: 'url' },
    { name: 'an ftp: resource URL', query: SHARE, input: () => resourceInput({ url: 'ftp://x' }), field: 'url' },
    { name: 'a relative resource URL', query: SHARE, input: () => resourceInput({ url: 'guides/apbdes.pdf' }), field: 'url' },
    { name: 'a root-relative resource URL', query: SHARE, input: () => resourceInput({ url: '/guides/apbdes.pdf' }), field: 'url' },
    { name: 'SDG goal 0 on a resource', query: SHARE, input: () => resourceInput({ sdgGoals: [0] }), field: 'sdgGoals' },
    { name: 'SDG goal 19 on a resource', query: SHARE, input: () => resourceInput({ sdgGoals: [19] }), field: 'sdgGoals' },
    { name: 'a language that is not a BCP 47 tag', query: SHARE, input: () => resourceInput({ language: 'not a tag!' }), field: 'language' },
    {
      name: 'a resource clientMutationId over 100 characters',
      query: SHARE,
      input: () => resourceInput({ clientMutationId: 'k'.repeat(101) }),
      field: 'clientMutationId',
    },
    { name: 'a resource shared with no circle', query: SHARE, input: () => resourceInput({ circleIds: [] }), field: 'circleIds' },
    { name: 'a malformed circle ID among circleIds', query: SHARE, input: () => resourceInput({ circleIds: [circle.id, 'abc'] }), field: 'circleIds' },
    { name: 'a malformed reaction subject', query: ADD_REACTION, input: () => ({ subjectId: '%%%', content: 'HEART' }), field: 'subjectId' },
  ];

  it.each(cases)('rejects $name with BAD_USER_INPUT naming $field and writes nothing', async ({ query, input, field }) => {
    await rejectsWithoutWriting(() => send(query, { input: input() }, member.token), 'BAD_USER_INPUT', field);
  });

  it('accepts a resource title, description and URL at their limits of 200, 2,000 and 2,000 characters, stored whole', async () => {
    const title = 'T'.repeat(200);
    const description = 'D'.repeat(2000);
    const url = `https://example.org/${'u'.repeat(2000 - 'https://example.org/'.length)}`;
    const res = await send(
      `mutation($input: ShareResourceInput!) { shareResource(input: $input) { resource { title description url } } }`,
      { input: resourceInput({ title, description, url }) },
      member.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.shareResource.resource).toEqual({ title, description, url });
  });

  it('answers a well-formed ID of the wrong type (a User ID as circleId) with NOT_FOUND and writes nothing', async () => {
    await rejectsWithoutWriting(() => send(CREATE_THREAD, { input: threadInput({ circleId: member.id }) }, member.token), 'NOT_FOUND', 'circleId');
    await rejectsWithoutWriting(() => send(SHARE, { input: resourceInput({ circleIds: [org.id] }) }, member.token), 'NOT_FOUND', 'circleIds');
  });

  it('writes nothing when one of several circles a resource is shared with is not visible to the sharer', async () => {
    await rejectsWithoutWriting(
      () => send(SHARE, { input: resourceInput({ circleIds: [circle.id, hidden.id], sdgGoals: [4] }) }, member.token),
      'NOT_FOUND',
      'circleIds',
    );
  });

  it('refuses an organisation whose name differs from an existing one only in letter case with CONFLICT and writes nothing', async () => {
    await rejectsWithoutWriting(() => send(CREATE_ORG, { input: orgInput({ name: 'YAYASAN lingkar desa' }) }, outsider.token), 'CONFLICT', 'name');
  });

  it('refuses a second account with the same email in other letter case with CONFLICT and writes nothing', async () => {
    const input = { email: member.email.toUpperCase(), password: 'another-long-password', displayName: 'Twin' };
    await rejectsWithoutWriting(() => send(SIGN_UP, { input }), 'CONFLICT', 'email');
  });

  it('refuses text with NUL characters as BAD_USER_INPUT instead of failing in the database', async () => {
    await rejectsWithoutWriting(() => send(CREATE_THREAD, { input: threadInput({ title: 'a\u0000b' }) }, member.token), 'BAD_USER_INPUT', 'title');
    await rejectsWithoutWriting(() => send(CREATE_THREAD, { input: threadInput({ body: '\u0000' }) }, member.token), 'BAD_USER_INPUT', 'body');
    await rejectsWithoutWriting(
      () => send(CREATE_THREAD, { input: threadInput({ clientMutationId: 'key\u0000' }) }, member.token),
      'BAD_USER_INPUT',
      'clientMutationId',
    );
    await rejectsWithoutWriting(() => send(CREATE_POST, { input: { threadId: thread.id, body: 'x\u0000' } }, member.token), 'BAD_USER_INPUT', 'body');
    await rejectsWithoutWriting(() => send(CREATE_ORG, { input: orgInput({ name: 'Org\u0000' }) }, member.token), 'BAD_USER_INPUT', 'name');
    await rejectsWithoutWriting(() => send(SHARE, { input: resourceInput({ url: 'https://example.org/\u0000' }) }, member.token), 'BAD_USER_INPUT', 'url');
    await rejectsWithoutWriting(
      () => send(SIGN_UP, { input: { email: 'nul@example.org', password: 'long-enough-password', displayName: 'Nul\u0000' } }),
      'BAD_USER_INPUT',
      'displayName',
    );
  });
});

describe('query arguments', () => {
  it.each([
    { list: 'circles', query: `query($goal: Int) { circles(sdgGoal: $goal) { totalCount } }` },
    { list: 'resources', query: `query($goal: Int) { resources(sdgGoal: $goal) { totalCount } }` },
    { list: 'threads of a circle', query: `query($goal: Int, $slug: String!) { circle(slug: $slug) { threads(sdgGoal: $goal) { totalCount } } }` },
  ])('rejects an sdgGoal filter of 19 or 0 on $list with BAD_USER_INPUT naming sdgGoal', async ({ query }) => {
    for (const goal of [19, 0]) {
      const res = await send(query, { goal, ...(query.includes('$slug') && { slug: circle.slug }) }, member.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sdgGoal' });
    }
  });

  it.each([0, 101, -1])('rejects first: %i with BAD_USER_INPUT naming first', async (first) => {
    const res = await send(`query($first: Int) { circles(first: $first) { totalCount } }`, { first }, member.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects a search over 100 characters with BAD_USER_INPUT naming search', async () => {
    const res = await send(`query($q: String) { resources(search: $q) { totalCount } }`, { q: 's'.repeat(101) }, member.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
  });

  it('rejects malformed global IDs in filters with BAD_USER_INPUT naming the argument', async () => {
    const circles = await send(`query($id: ID) { circles(regionId: $id) { totalCount } }`, { id: 'abc' }, member.token);
    expect(circles.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionId' });
    const byOrg = await send(`query($id: ID) { circles(organisationId: $id) { totalCount } }`, { id: 'abc' }, member.token);
    expect(byOrg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organisationId' });
    const regions = await send(`query($id: ID) { regions(parentId: $id) { id } }`, { id: 'abc' });
    expect(regions.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
    const orgs = await send(`query($id: ID) { organisations(regionId: $id) { totalCount } }`, { id: '!!' });
    expect(orgs.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionId' });
  });

  it('rejects a cursor that is not one of the list with BAD_USER_INPUT naming after', async () => {
    for (const after of ['garbage', cursor(['a']), cursor([1, 2])]) {
      const res = await send(`query($after: String) { organisations(after: $after) { totalCount } }`, { after });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('rejects forged cursors with out-of-range values as BAD_USER_INPUT instead of failing in the database', async () => {
    const byActivity = `query($slug: String!, $after: String) { circle(slug: $slug) { activity(after: $after) { nodes { id } } } }`;
    const res = await send(byActivity, { slug: circle.slug, after: cursor(['9999999999999999999']) }, member.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });

    const byThreads = `query($slug: String!, $after: String) { circle(slug: $slug) { threads(after: $after) { nodes { id } } } }`;
    for (const date of ['-100000-01-01T00:00:00.000Z', '+275000-01-01T00:00:00.000Z']) {
      const forged = cursor([date, '00000000-0000-4000-8000-000000000000']);
      const threads = await send(byThreads, { slug: circle.slug, after: forged }, member.token);
      expect(threads.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }

    const orgs = await send(`query($after: String) { organisations(after: $after) { totalCount } }`, {
      after: cursor(['Org\u0000', '00000000-0000-4000-8000-000000000000']),
    });
    expect(orgs.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });

    await rejectsWithoutWriting(
      () => send(MARK_READ, { input: { circleId: circle.id, upTo: cursor(['9999999999999999999']) } }, member.token),
      'BAD_USER_INPUT',
      'upTo',
    );
  });

  it('rejects NUL characters in searches and slugs as BAD_USER_INPUT instead of failing in the database', async () => {
    const search = await send(`query($q: String) { circles(search: $q) { totalCount } }`, { q: 'desa\u0000' }, member.token);
    expect(search.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    const orgSlug = await send(`query($slug: String!) { organisation(slug: $slug) { id } }`, { slug: 'a\u0000' });
    expect(orgSlug.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slug' });
    const circleSlug = await send(`query($slug: String!) { circle(slug: $slug) { id } }`, { slug: 'a\u0000' }, member.token);
    expect(circleSlug.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slug' });
    const signIn = await send(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, {
      input: { email: 'a\u0000@example.org', password: 'whatever-password' },
    });
    expect(signIn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('enum values in variables', () => {
  it('rejects an unknown enum value in a mutation input with BAD_USER_INPUT that names the field, and runs nothing', async () => {
    const res = await rejectsWithoutWriting(() => send(CREATE_ORG, { input: orgInput({ kind: 'NOPE' }) }, member.token), 'BAD_USER_INPUT');
    expect(res.errors![0].message).toContain('input.kind');
    expect(res.data).toBeUndefined();
  });

  it('rejects an unknown enum value for an argument with BAD_USER_INPUT that names the variable', async () => {
    const res = await send(`query($kind: ResourceKind) { resources(kind: $kind) { totalCount } }`, { kind: 'NOPE' }, member.token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toContain('$kind');
    expect(res.data).toBeUndefined();
  });

  it('names the offending input field in extensions.field for an unknown enum value', async () => {
    const res = await send(CREATE_ORG, { input: orgInput({ kind: 'NOPE' }) }, member.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kind' });
  });
});

describe('HTTP edges', () => {
  it('answers a request body over 1 MB with HTTP 413 and a JSON GraphQL error, not an HTML page', async () => {
    const body = JSON.stringify({ query: '{ sdgGoals { number } }', variables: { padding: 'x'.repeat(1_100_000) } });
    const res = await postRaw(body);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as GraphQLResponse;
    expect(json.errors).toHaveLength(1);
    expect(json.errors![0].message).toMatch(/too large/i);
    expect(json.errors![0].extensions?.code).toBe('BAD_REQUEST');
    expect(json.data).toBeUndefined();
  });

  // A body that is not a GraphQL request at all is BAD_REQUEST; one whose query text does not
  // parse is GRAPHQL_PARSE_FAILED, as Apollo codes it.
  it.each([
    ['truncated JSON', '{"query": ', 'BAD_REQUEST'],
    ['not JSON at all', '<xml/>', 'BAD_REQUEST'],
    ['a JSON string', '"{ sdgGoals { number } }"', 'BAD_REQUEST'],
    ['JSON null', 'null', 'BAD_REQUEST'],
    ['an empty object', '{}', 'BAD_REQUEST'],
    ['a batch (batching is off)', '[{"query": "{ sdgGoals { number } }"}]', 'BAD_REQUEST'],
    ['a query that is not a string', '{"query": 5}', 'BAD_REQUEST'],
    ['variables as a string', '{"query": "{ sdgGoals { number } }", "variables": "{}"}', 'BAD_REQUEST'],
    ['a query that does not parse', '{"query": "{ sdgGoals { "}', 'GRAPHQL_PARSE_FAILED'],
  ])('answers a body with %s with HTTP 400 and a coded JSON GraphQL error', async (_name, body, code) => {
    const res = await postRaw(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as GraphQLResponse;
    expect(json.errors?.length).toBeGreaterThan(0);
    expect(json.errors![0].message).toEqual(expect.any(String));
    expect(json.errors![0].extensions?.code).toBe(code);
    expect(json.data).toBeUndefined();
  });

  it('keeps serving after refusing bad bodies', async () => {
    const res = await send('{ sdgGoals { number } }');
    expect(res.data?.sdgGoals).toHaveLength(18);
  });

  it('answers none of these requests, nor any other in this file, with HTTP 500', async () => {
    await postRaw('{"query": "mutation { signOut }"}', { authorization: 'Bearer not-a-token' });
    await postRaw('{"query": "{ viewer { id } }"}', { authorization: 'Basic abc' });
    await postRaw(JSON.stringify({ query: '{ nodes(ids: ["a"]) { id } }', variables: { unused: '\u0000' } }));
    await postRaw(JSON.stringify({ query: 'query($n: Int) { circles(first: $n) { totalCount } }', variables: { n: 2 ** 40 } }));
    await postRaw(JSON.stringify({ query: '{ circles { totalCount } }', operationName: 'Nope' }));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});

describe('formatError', () => {
  const formattedOf = (error: GraphQLError): GraphQLFormattedError => ({
    ...error.toJSON(),
    extensions: { ...error.extensions, stacktrace: (error.originalError ?? error).stack?.split('\n') },
  });

  it('masks an unexpected plain Error thrown in a resolver as INTERNAL_SERVER_ERROR without its message or stack', () => {
    const original = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    const error = new GraphQLError(original.message, { path: ['viewer'], originalError: original });
    const formatted = formattedOf(error);
    formatted.extensions!.code = 'INTERNAL_SERVER_ERROR';

    const out = formatError(formatted, error);
    expect(out).toMatchObject({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(Object.keys(out.extensions!)).toEqual(['code']);
    expect(out.path).toEqual(['viewer']);
    const text = JSON.stringify(out);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toMatch(/stack|at .*\.ts:/);
  });

  it('masks a plain Error that reaches it unwrapped, and a GraphQLError with an unknown code', () => {
    const plain = new Error('undefined is not a function');
    expect(formatError({ message: plain.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, plain)).toEqual({
      message: 'Internal server error.',
      locations: undefined,
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const odd = new GraphQLError('driver exploded', { extensions: { code: 'ECONNRESET' } });
    const out = formatError(formattedOf(odd), odd);
    expect(out.message).toBe('Internal server error.');
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('passes coded errors through with their message, code and field, minus the stack trace', () => {
    const notFound = new NotFoundError('Organisation', 'slug');
    const wrapped = new GraphQLError(notFound.message, { path: ['organisation'], originalError: notFound, extensions: notFound.extensions });
    const out = formatError(formattedOf(wrapped), wrapped);
    expect(out.message).toBe('Organisation not found.');
    expect(out.extensions).toEqual({ code: 'NOT_FOUND', field: 'slug' });

    const bad = new BadInputError('title', 'must not be blank');
    const outBad = formatError(formattedOf(bad), bad);
    expect(outBad).toMatchObject({ message: 'title: must not be blank', extensions: { code: 'BAD_USER_INPUT', field: 'title' } });
    expect(outBad.extensions).not.toHaveProperty('stacktrace');
  });

  it('turns a class-validator failure into BAD_USER_INPUT naming the first offending field', () => {
    const failure = new ArgumentValidationError([
      { property: 'title', constraints: { maxLength: 'title must be shorter than or equal to 200 characters' }, children: [] },
    ]);
    const error = new GraphQLError(failure.message, { path: ['createThread'], originalError: failure });
    const out = formatError(formattedOf(error), error);
    expect(out.message).toBe('title: title must be shorter than or equal to 200 characters');
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
  });
});
