import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { createDatabase, type Database } from '../src/db/client.js';
import { createLogger } from '../src/logger.js';
import { startHub, type TestHub } from './support/hub.js';
import { ok, seedKit } from './support/seed-kit.js';
import { collect, expectWellFormedPayloads, until, wsClient } from './support/ws.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';

// Several instances share one PostgreSQL through NOTIFY; PGlite is one process by nature.
describe.skipIf(!onPostgres)('several instances on one PostgreSQL', () => {
  let a: TestHub;
  let bDatabase: Database;
  let b: App;

  beforeAll(async () => {
    a = await startHub();
    bDatabase = await createDatabase({ url: a.databaseUrl! });
    b = await buildApp({ database: bDatabase, logger: createLogger('error') });
  });
  afterEach(() => expectWellFormedPayloads());
  afterAll(async () => {
    await b?.stop();
    await bDatabase?.close();
    await a?.stop();
  });

  async function listenerPids(): Promise<number[]> {
    const client = new pg.Client({ connectionString: a.databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      `select pid from pg_stat_activity where datname = current_database() and application_name = 'hub-listener' order by pid`,
    );
    await client.end();
    return rows.map((r) => r.pid);
  }

  it('a subscriber on one instance receives posts written through the other', async () => {
    const kit = seedKit(a);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const client = wsClient(b.wsUrl, coordinator.token);
    const sub = collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind post { body } } }`, { id: circle.id });
    await until(() => b.hub.subscriberCount === 1, 5_000, 'subscription on instance B');
    await coordinator.createPost(thread, { body: 'ditulis lewat instance A' });
    await until(() => sub.received.results.length === 1, 5_000, 'delivery on instance B');
    expect(sub.received.results[0].data.circleActivity).toEqual({ kind: 'POST_CREATED', post: { body: 'ditulis lewat instance A' } });
    sub.dispose();
    await client.dispose();
  });

  it('when its LISTEN connection is killed, an instance reconnects and delivers everything committed meanwhile', async () => {
    const kit = seedKit(a);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const client = wsClient(b.wsUrl, coordinator.token);
    const sub = collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind post { body } } }`, { id: circle.id });
    await until(() => b.hub.subscriberCount === 1, 5_000, 'subscription on instance B');

    const before = await listenerPids();
    expect(before).toHaveLength(2);
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where pid = any($1::int[])`, [before]);
    await admin.end();
    for (let i = 0; i < 5; i++) await coordinator.createPost(thread, { body: `sementara terputus ${i}` });

    // Well inside the feed's 5 s safety sweep: the reconnect itself must catch up.
    await until(() => sub.received.results.length === 5, 4_000, 'catch-up after reconnect');
    expect(sub.received.results.map((r) => r.data.circleActivity.post.body)).toEqual([0, 1, 2, 3, 4].map((i) => `sementara terputus ${i}`));
    const after = await listenerPids();
    expect(after).toHaveLength(2);
    expect(after.some((pid) => before.includes(pid))).toBe(false);

    await coordinator.createPost(thread, { body: 'setelah tersambung lagi' });
    await until(() => sub.received.results.length === 6, 5_000, 'live delivery after reconnect');
    sub.dispose();
    await client.dispose();
  });

  it('signing out on instance A closes that session\u2019s socket on instance B within seconds (4401)', async () => {
    const kit = seedKit(a);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const signIn = ok(
      await a.gql(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, { input: { email: coordinator.email, password: coordinator.password } }),
    ) as any;
    const token: string = signIn.signIn.token;
    const client = wsClient(b.wsUrl, token);
    let closed: { code: number; reason: string; at: number } | undefined;
    client.on('closed', (event: any) => void (closed = { code: event.code, reason: String(event.reason), at: Date.now() }));
    const before = b.hub.subscriberCount;
    const sub = collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind post { body } } }`, { id: circle.id });
    await until(() => b.hub.subscriberCount === before + 1, 5_000, 'subscription on instance B');

    const started = Date.now();
    ok(await a.gql(`mutation { signOut }`, {}, token));
    await until(() => closed !== undefined, 5_000, 'socket on B closed');
    const latency = closed!.at - started;
    console.info(`revocation latency (sign-out on A to close on B): ${latency} ms`);
    expect(closed!.code).toBe(4401);
    expect(closed!.reason).toMatch(/revoked/);
    expect(latency).toBeLessThan(2_000);
    await coordinator.createPost(thread, { body: 'setelah keluar' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.received.results).toEqual([]);
    await until(() => b.hub.subscriberCount === before, 5_000, 'subscriber removed on B');
    await client.dispose();
  });

  it('share the sign-in limits: failures counted on A block the account on B', async () => {
    const user = await seedKit(a).user();
    const attempt = async (url: string, password: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation($input: SignInInput!) { signIn(input: $input) { token } }`, variables: { input: { email: user.email, password } } }),
      });
      return (await res.json()) as any;
    };
    // Five failures are free by default; the sixth starts a block.
    for (let i = 0; i < 6; i++) expect((await attempt(a.url, 'bukan-sandinya')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const onB = await attempt(b.url, user.password);
    expect(onB.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
  });
});
