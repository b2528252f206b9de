import pg from 'pg';
import { sql } from 'drizzle-orm';
import { fromGlobalId } from '../src/shared/ids.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secondInstance, startHub, type TestHub } from './support/hub.js';
import { ok, seedKit } from './support/seed-kit.js';
import { collect, expectWellFormedPayloads, until, wsClient } from './support/ws.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';

// Several instances share one PostgreSQL through NOTIFY; PGlite is one process by nature.
describe.skipIf(!onPostgres)('several instances on one PostgreSQL', () => {
  let a: TestHub;
  let b: Awaited<ReturnType<typeof secondInstance>>;

  beforeAll(async () => {
    a = await startHub();
    b = await secondInstance(a);
  });
  afterEach(() => expectWellFormedPayloads());
  afterAll(async () => {
    await b?.stop();
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

  /** Asks instance `url` who the token's viewer is: a display name, or the error code. */
  async function whoOn(url: string, token: string): Promise<string> {
    const res = (await (
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ viewer { displayName } }' }) })
    ).json()) as any;
    return res.errors?.[0]?.extensions?.code ?? res.data.viewer.displayName;
  }

  it('a session B has cached stops working on B within a moment of signing out on A, and a profile changed on A shows on B', async () => {
    const user = await seedKit(a).user();
    const signIn = ok(await a.gql(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, { input: { email: user.email, password: user.password } })) as any;
    const token: string = signIn.signIn.token;
    expect(await whoOn(b.url, token)).toBe(user.displayName);
    expect(await whoOn(b.url, user.token)).toBe(user.displayName);
    expect(b.sessionCache.size).toBeGreaterThan(0);

    ok(await a.gql(`mutation { updateProfile(input: { displayName: "Dari Instance A" }) { user { id } } }`, {}, user.token));
    await until(async () => (await whoOn(b.url, token)) === 'Dari Instance A', 2_000, 'new name on B');

    const started = Date.now();
    ok(await a.gql(`mutation { signOut }`, {}, token));
    await until(async () => (await whoOn(b.url, token)) === 'UNAUTHENTICATED', 2_000, 'session refused on B');
    console.info(`session cache invalidation (sign-out on A to refusal on B): ${Date.now() - started} ms`);
    expect(await whoOn(b.url, user.token)).toBe('Dari Instance A');
  });

  it('B keeps no answer it began from the old profile while A changed it, however the requests fall about the notices', async () => {
    const user = await seedKit(a).user();
    expect(await whoOn(b.url, user.token)).toBe(user.displayName);
    // Requests on B without pause, so some authenticate from the cached session just before the
    // change's notices arrive and resolve just after: none of their answers may be kept.
    for (let round = 0; round < 4; round++) {
      const name = `Nama ke-${round}`;
      let changed = false;
      const pollers = Array.from({ length: 6 }, async () => {
        while (!changed) await whoOn(b.url, user.token);
      });
      await new Promise((r) => setTimeout(r, 30));
      ok(await a.gql(`mutation($n: String!) { updateProfile(input: { displayName: $n }) { user { id } } }`, { n: name }, user.token));
      await new Promise((r) => setTimeout(r, 100));
      changed = true;
      await Promise.all(pollers);
      // Nothing has been written since: whatever B answers now, it answers from its cache too.
      await until(async () => (await whoOn(b.url, user.token)) === name, 2_000, `new name ${round} on B`);
      for (let i = 0; i < 3; i++) expect(await whoOn(b.url, user.token)).toBe(name);
    }
  });

  it('an instance whose listener reconnects forgets every cached session (notices may have been lost meanwhile)', async () => {
    const user = await seedKit(a).user();
    expect(await whoOn(b.url, user.token)).toBe(user.displayName);
    // Ended with no notice at all, as a notice sent while B's listener is away would be lost.
    await b.database.db.execute(sql`update sessions set revoked_at = now() where user_id = ${fromGlobalId(user.id, 'User', 'id')}`);
    const before = await listenerPids();
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where pid = any($1::int[])`, [before]);
    await admin.end();
    await until(async () => (await listenerPids()).filter((pid) => !before.includes(pid)).length === 2, 5_000, 'listeners back');
    // The reconnect handler runs right after LISTEN succeeds: a moment after the pid shows.
    await until(() => b.sessionCache.size === 0, 2_000, 'cache emptied on reconnect');
    expect(await whoOn(b.url, user.token)).toBe('UNAUTHENTICATED');
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
