import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { App } from '../src/app.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../src/shared/ids.js';
import { secondInstance, startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit } from './support/seed-kit.js';
import { until } from './support/ws.js';

/**
 * The response cache (src/shared/response-cache.ts): a query asked again is answered without
 * running it, until anything a query can read is written, by any path, on any instance.
 */

const onPostgres = process.env.TEST_DATABASE === 'postgres';

const FEED = `query Feed($id: ID!) { node(id: $id) { ... on Circle { name threads(first: 10) { nodes { title posts(first: 5) { nodes { body } } } } } } }`;

async function post(url: string, query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse;
}

/** The statements a request ran, leaving out the query budget's charge (not the answer's work). */
async function statementsOf(hub: TestHub, request: () => Promise<GraphQLResponse>) {
  const before = hub.statements.length;
  const res = await request();
  return { res, statements: hub.statements.slice(before).filter((q) => !q.includes('"rate_limits"')) };
}

async function hits(app: App): Promise<number> {
  const metric = await app.metrics.responseCache.get();
  return metric.values.find((v) => v.labels.outcome === 'hit')?.value ?? 0;
}

/**
 * Asks until the answer comes from the cache, and gives that answer. A write's own change notice
 * comes back through the database when it will (on PostgreSQL, on the listener's connection),
 * and a read it overtakes is rightly not kept: the next one is.
 */
async function fromCache<T>(app: App, ask: () => Promise<T>): Promise<T> {
  let answer!: T;
  await until(
    async () => {
      const before = await hits(app);
      answer = await ask();
      return (await hits(app)) === before + 1;
    },
    3_000,
    'an answer from the cache',
  );
  return answer;
}

async function answeredFromCache(b: App, ask: () => Promise<GraphQLResponse>) {
  ok(await fromCache(b, ask));
}

describe('the response cache', () => {
  let hub: TestHub;
  let kit: ReturnType<typeof seedKit>;
  beforeAll(async () => {
    hub = await startHub();
    kit = seedKit(hub);
  });
  afterAll(() => hub?.stop());

  it('answers a query asked again without running it, and counts the hit', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const thread = await coordinator.createThread(circle, { title: 'Musrenbang desa' });
    await coordinator.createPost(thread, { body: 'Undangan sudah dikirim' });
    const first = await statementsOf(hub, () => coordinator.gql(FEED, { id: circle.id }));
    expect(first.statements.length).toBeGreaterThan(0);
    const second = await fromCache(hub.app, () => statementsOf(hub, () => coordinator.gql(FEED, { id: circle.id })));
    expect(second.res).toEqual(first.res);
    expect(ok(second.res).node.threads.nodes[0].posts.nodes.map((p: any) => p.body)).toEqual(['Undangan sudah dikirim']);
    expect(second.statements).toEqual([]);
    // Other variables are another answer.
    const other = await coordinator.createCircle({ orgs: [await coordinator.createOrg()], name: 'Lingkar kedua' });
    expect(ok(await coordinator.gql(FEED, { id: other.id })).node.name).toBe('Lingkar kedua');
  });

  it('writes a cached answer as the very text of the fresh one, which is what JSON.stringify makes of it', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const thread = await coordinator.createThread(circle, { title: 'Teks yang sama' });
    await coordinator.createPost(thread, { body: 'Rapat "pleno" \u00e0 l\u2019ordre du jour\n<b>baris kedua</b>' });
    const raw = async () => {
      const res = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}` },
        body: JSON.stringify({ query: FEED, variables: { id: circle.id } }),
      });
      return res.text();
    };
    const fresh = await raw();
    const cached = await fromCache(hub.app, raw);
    expect(cached).toBe(fresh);
    expect(cached).toBe(JSON.stringify(JSON.parse(cached)) + '\n');
    expect(JSON.parse(cached).data.node.threads.nodes[0].posts.nodes[0].body).toBe('Rapat "pleno" \u00e0 l\u2019ordre du jour\n<b>baris kedua</b>');
    // An answer with errors is never a kept text, whatever its data.
    const partial = `query($id: ID!) { node(id: $id) { ... on Circle { name } } circle(slug: "tidak-ada") { id } resources(first: 1, after: "x") { totalCount } }`;
    const withErrors = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}` },
      body: JSON.stringify({ query: partial, variables: { id: circle.id } }),
    }).then((r) => r.text());
    expect(JSON.parse(withErrors).errors.length).toBeGreaterThan(0);
    expect(withErrors).toBe(JSON.stringify(JSON.parse(withErrors)) + '\n');
  });

  it('never serves one viewer what was cached for another', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true, visibility: 'MEMBERS_ONLY' });
    await coordinator.createThread(circle, { title: 'Rahasia lingkar' });
    const stranger = await kit.quickUser('Stranger');
    const mine = `{ viewer { id displayName } }`;
    expect(ok(await coordinator.gql(mine)).viewer.id).toBe(coordinator.id);
    expect(ok(await stranger.gql(mine)).viewer.id).toBe(stranger.id);
    ok(await coordinator.gql(FEED, { id: circle.id }));
    const asStranger = await stranger.gql(FEED, { id: circle.id });
    expect(asStranger.data?.node ?? null).toBeNull();
    expect(JSON.stringify(asStranger)).not.toContain('Rahasia lingkar');
  });

  it('is emptied by a mutation before its answer leaves: the next read sees the write', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const thread = await coordinator.createThread(circle, { title: 'Anggaran' });
    const member = await kit.quickUser('Member');
    await member.join(circle);
    expect(ok(await member.gql(FEED, { id: circle.id })).node.threads.nodes[0].posts.nodes).toEqual([]);
    await coordinator.createPost(thread, { body: 'Pagu indikatif sudah turun' });
    expect(ok(await member.gql(FEED, { id: circle.id })).node.threads.nodes[0].posts.nodes).toEqual([{ body: 'Pagu indikatif sudah turun' }]);
  });

  it('does not serve a removed member nor a revoked session', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true, visibility: 'MEMBERS_ONLY' });
    await coordinator.createThread(circle, { title: 'Hanya anggota' });
    const member = await kit.quickUser('Member');
    await coordinator.addMember(circle, member);
    expect(ok(await member.gql(FEED, { id: circle.id })).node.threads.nodes).toHaveLength(1);
    ok(await coordinator.gql(`mutation($input: RemoveCircleMemberInput!) { removeCircleMember(input: $input) { circle { id } } }`, { input: { circleId: circle.id, userId: member.id } }));
    const removed = await member.gql(FEED, { id: circle.id });
    expect(removed.data?.node ?? null).toBeNull();
    expect(JSON.stringify(removed)).not.toContain('Hanya anggota');

    const viewer = `{ viewer { id } }`;
    ok(await coordinator.gql(viewer));
    ok(await coordinator.gql(`mutation { signOut }`));
    expect(codeOf(await coordinator.gql(viewer))).toBe('UNAUTHENTICATED');
  });

  it('hears of a write made outside GraphQL through the database’s notice', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator({ quick: true });
    const name = `{ node(id: "${circle.id}") { ... on Circle { name } } }`;
    const before = ok(await coordinator.gql(name)).node.name;
    ok(await coordinator.gql(name));
    await hub.database.db.execute(sql`update circles set name = 'Diganti langsung' where id = ${fromGlobalId(circle.id, 'Circle', 'id')}`);
    // PostgreSQL delivers the notice after the commit, on the listener's own connection.
    await until(async () => ok(await coordinator.gql(name)).node.name !== before, 3_000, 'the new name');
    expect(ok(await coordinator.gql(name)).node.name).toBe('Diganti langsung');
  });

  it('keeps neither answers with errors nor those reading the viewer’s sessions', async () => {
    const user = await kit.quickUser();
    const sessions = `{ viewer { sessions { id lastUsedAt } } }`;
    ok(await user.gql(sessions));
    const again = await statementsOf(hub, () => user.gql(sessions));
    expect(again.statements.some((q) => q.includes('"sessions"'))).toBe(true);

    const missing = `{ circle(slug: "tidak-ada") { id } resources(first: 1, after: "not-a-cursor") { totalCount } }`;
    const failed = await user.gql(missing);
    expect(failed.errors?.length).toBeGreaterThan(0);
    const retried = await statementsOf(hub, () => user.gql(missing));
    expect(retried.res).toEqual(failed);
    expect(retried.statements.length).toBeGreaterThan(0);
  });

  it('every table a query can read announces its writes', async () => {
    const result = await hub.database.db.execute(sql`
      select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'hub_data_changed')
      order by 1`);
    const { rows } = result as unknown as { rows: { table: string }[] };
    // Sessions move with every request and the fields reading them are never cached; the
    // others no query reads. A new table belongs in migration 0012's list or here, on purpose.
    expect(rows.map((r) => r.table)).toEqual(['idempotency_keys', 'live_sockets', 'persisted_queries', 'rate_limits', 'sessions']);
  });
});

// PGlite is one process; instances share a PostgreSQL and hear each other's writes by NOTIFY.
/**
 * Asks until B answers from its cache. The seeding wrote on A just before, and its notices reach B
 * whenever they do: one that lands during B's read rightly keeps the answer out of the cache.
 */
describe.skipIf(!onPostgres)('the response cache across instances', () => {
  let a: TestHub;
  let b: Awaited<ReturnType<typeof secondInstance>>;
  beforeAll(async () => {
    a = await startHub();
    b = await secondInstance(a);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('an instance empties its cache when another one commits a write', async () => {
    const { coordinator, circle } = await seedKit(a).circleWithCoordinator({ quick: true });
    const thread = await coordinator.createThread(circle, { title: 'Di dua instance' });
    const onB = () => post(b.url, FEED, { id: circle.id }, coordinator.token);
    expect(ok(await onB()).node.threads.nodes[0].posts.nodes).toHaveLength(0);
    await answeredFromCache(b, onB);
    await coordinator.createPost(thread, { body: 'lewat instance A' });
    await until(async () => ok(await onB()).node.threads.nodes[0].posts.nodes.length === 1, 3_000, 'the post on instance B');
  });

  it('is emptied when its listener reconnects, since notices sent meanwhile are lost', async () => {
    const { coordinator, circle } = await seedKit(a).circleWithCoordinator({ quick: true });
    await answeredFromCache(b, () => post(b.url, FEED, { id: circle.id }, coordinator.token));
    expect(b.responseCache.size).toBeGreaterThan(0);
    const generation = b.responseCache.generation;
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    const { rows } = await admin.query(
      `select pid from pg_stat_activity where datname = current_database() and application_name = 'hub-listener'`,
    );
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where pid = any($1::int[])`, [rows.map((r) => r.pid)]);
    await admin.end();
    await until(() => b.responseCache.generation > generation, 5_000, 'the reconnect');
    expect(b.responseCache.size).toBe(0);
  });
});
