import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { parseGlobalId } from '../src/shared/ids.js';
import { startHub, type TestHub } from './support/hub.js';
import { parseMetrics, sample, type Sample } from './support/metrics.js';
import { seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

/** A logger writing into `lines`, as the hub's would to stderr. */
function capturingLogger(level: 'debug' | 'info' = 'info') {
  const lines: any[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      cb();
    },
  });
  return { logger: createLogger(level, stream), lines, raw };
}

let hub: TestHub;
let log: ReturnType<typeof capturingLogger>;
let kit: ReturnType<typeof seedKit>;
let coordinator: Actor;
let circle: Ref;

beforeAll(async () => {
  log = capturingLogger();
  hub = await startHub({ logger: log.logger });
  kit = seedKit(hub);
  coordinator = await kit.user('Koordinator');
  const org = await coordinator.createOrg();
  circle = await coordinator.createCircle({ orgs: [org] });
});
afterAll(() => hub?.stop());

const dbId = (globalId: string) => parseGlobalId(globalId)!.id;

async function scrape(): Promise<Sample[]> {
  const res = await fetch(new URL('/metrics', hub.url));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

describe('access log', () => {
  it('writes one line for a 200 with request id, operation, duration, status and user, and echoes the request id', async () => {
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}`, 'x-request-id': 'test-request-0001' },
      body: JSON.stringify({ query: 'query WhoAmI { viewer { id } }', operationName: 'WhoAmI' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('test-request-0001');
    await until(() => log.lines.some((l) => l.requestId === 'test-request-0001'));
    const lines = log.lines.filter((l) => l.requestId === 'test-request-0001');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'http request',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'WhoAmI',
      operationType: 'query',
      outcome: 'ok',
      userId: dbId(coordinator.id),
    });
    expect(lines[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof lines[0].time).toBe('string');
  });

  it('writes a line for a 401 with its outcome, and no line anywhere carries the token', async () => {
    const token = 'not-a-real-token-but-secret-looking-0123456789';
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'test-request-0401' },
      body: JSON.stringify({ query: 'query Mine { viewer { id } }', operationName: 'Mine', variables: { password: 'hunter2-hunter2' } }),
    });
    expect(res.status).toBe(401);
    await until(() => log.lines.some((l) => l.requestId === 'test-request-0401'));
    const line = log.lines.find((l) => l.requestId === 'test-request-0401');
    expect(line).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED', operation: 'Mine', userId: null, path: '/graphql' });
    expect(log.raw.join('\n')).not.toContain(token);
    expect(log.raw.join('\n')).not.toContain('hunter2');
  });

  it('writes a line for a request refused by CSRF prevention (a GET without a preflight header)', async () => {
    const url = new URL(hub.url);
    url.searchParams.set('query', '{ sdgGoals { number } }');
    const res = await fetch(url, { headers: { 'x-request-id': 'test-request-csrf' } });
    expect(res.status).toBe(400);
    await until(() => log.lines.some((l) => l.requestId === 'test-request-csrf'));
    expect(log.lines.find((l) => l.requestId === 'test-request-csrf')).toMatchObject({ method: 'GET', status: 400, outcome: 'BAD_REQUEST' });
  });

  it('writes one line when a WebSocket connection closes, with its close code, duration and user', async () => {
    const client = wsClient(hub.app.wsUrl, coordinator.token);
    const sub = collect(client, `subscription { circleActivity(circleId: "${circle.id}") { cursor } }`);
    await until(() => hub.app.hub.subscriberCount === 1, 10_000, 'subscribed');
    const before = log.lines.length;
    await client.dispose();
    await sub.finished.catch(() => {});
    await until(() => log.lines.slice(before).some((l) => l.msg === 'websocket closed'));
    const line = log.lines.slice(before).find((l) => l.msg === 'websocket closed');
    expect(line).toMatchObject({ code: 1000, userId: dbId(coordinator.id), subscriptions: 1, operations: 1 });
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(log.raw.join('\n')).not.toContain(coordinator.token);
  });

  it('logs a close code set by the server (4408: no connection_init in time)', async () => {
    const slow = await startHub({ logger: log.logger, webSocket: { connectionInitWaitMs: 200 } });
    try {
      const { default: WebSocket } = await import('ws');
      const ws = new WebSocket(slow.app.wsUrl, 'graphql-transport-ws');
      const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      expect(code).toBe(4408);
      await until(() => log.lines.some((l) => l.msg === 'websocket closed' && l.code === 4408));
      expect(log.lines.find((l) => l.msg === 'websocket closed' && l.code === 4408)).toMatchObject({ userId: null, operations: 0 });
    } finally {
      await slow.stop();
    }
  }, 120_000);
});

describe('logger', () => {
  it('keeps the cause of a drizzle error: the PostgreSQL code and message of the driver error', async () => {
    const { logger, lines } = capturingLogger();
    const err = await hub.database.db.execute(sql`select 1 / ${0}::int`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    logger.error('unexpected error', { err });
    const line = lines[0];
    expect(line.err.message).toMatch(/Failed query/);
    expect(line.err.cause.code).toBe('22012');
    expect(line.err.cause.message).toMatch(/division by zero/);
  });

  it('redacts passwords and tokens wherever a call site passes them', () => {
    const { logger, raw } = capturingLogger();
    logger.info('careless', {
      password: 'p1-secret',
      headers: { authorization: 'Bearer p2-secret' },
      variables: { input: { email: 'a@b.c', password: 'p3-secret' } },
      connectionParams: { authToken: 'p4-secret' },
      token: 'p5-secret',
    });
    expect(raw[0]).not.toMatch(/p\d-secret/);
    expect(raw[0]).toContain('[redacted]');
    expect(raw[0]).toContain('a@b.c');
  });

  it('leaves out lines below its level', () => {
    const { logger, lines } = capturingLogger();
    logger.debug('quiet');
    logger.info('loud');
    expect(lines.map((l) => l.msg)).toEqual(['loud']);
  });
});

describe('metrics', () => {
  it('counts GraphQL requests by operation and outcome, with duration histograms, in the Prometheus text format', async () => {
    await coordinator.gql('query CountMe { viewer { id } }');
    await coordinator.gql('query CountMe { viewer { id } }');
    await hub.gql('query CountMe { circle(slug: "x") { id } }', {}, 'bad-token');
    await hub.gql('mutation Broken { nope }');
    const samples = await scrape();
    expect(sample(samples, 'hub_graphql_requests_total', { transport: 'http', type: 'query', operation: 'CountMe', outcome: 'ok' })).toBe(2);
    expect(sample(samples, 'hub_graphql_requests_total', { transport: 'http', operation: 'CountMe', outcome: 'UNAUTHENTICATED' })).toBe(1);
    expect(sample(samples, 'hub_graphql_requests_total', { transport: 'http', operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(samples, 'hub_graphql_request_duration_seconds_count', { transport: 'http', type: 'query', operation: 'CountMe' })).toBe(2);
    expect(sample(samples, 'hub_graphql_request_duration_seconds_bucket', { transport: 'http', type: 'query', operation: 'CountMe', le: '+Inf' })).toBe(2);
    expect(sample(samples, 'hub_http_requests_total', { route: '/graphql', status: '401' })).toBeGreaterThanOrEqual(1);
    // Node's own metrics come along, on the same registry.
    expect(sample(samples, 'hub_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows open sockets and active subscriptions, counts subscription operations, and times fan-out and notifier lag', async () => {
    const before = await scrape();
    const fanoutBefore = sample(before, 'hub_fanout_delivery_seconds_count') ?? 0;
    const lagBefore = sample(before, 'hub_notifier_lag_seconds_count') ?? 0;
    const client = wsClient(hub.app.wsUrl, coordinator.token);
    const sub = collect(client, `subscription Follow { circleActivity(circleId: "${circle.id}") { cursor kind } }`);
    await until(() => hub.app.hub.subscriberCount === 1, 10_000, 'subscribed');
    let samples = await scrape();
    expect(sample(samples, 'hub_websocket_connections')).toBe(1);
    expect(sample(samples, 'hub_subscriptions')).toBe(1);
    expect(sample(samples, 'hub_graphql_requests_total', { transport: 'ws', type: 'subscription', operation: 'Follow', outcome: 'ok' })).toBe(1);

    await coordinator.createThread(circle, { title: 'Metrik' });
    await until(() => sub.received.results.length === 1, 10_000, 'the event delivered');
    samples = await scrape();
    expect(sample(samples, 'hub_fanout_delivery_seconds_count')).toBe(fanoutBefore + 1);
    expect(sample(samples, 'hub_fanout_deliveries_total')).toBeGreaterThanOrEqual(1);
    expect(sample(samples, 'hub_notifier_lag_seconds_count')).toBeGreaterThan(lagBefore);
    expect(sample(samples, 'hub_notifier_connected')).toBe(1);

    await client.dispose();
    await until(() => hub.app.hub.subscriberCount === 0, 10_000, 'unsubscribed');
    for (let i = 0; i < 100; i++) {
      samples = await scrape();
      if (sample(samples, 'hub_websocket_connections') === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sample(samples, 'hub_websocket_connections')).toBe(0);
    expect(sample(samples, 'hub_subscriptions')).toBe(0);
    expect(sample(samples, 'hub_websocket_connections_closed_total', { code: '1000' })).toBeGreaterThanOrEqual(1);
  });

  it('counts subscribe-time refusals by their code', async () => {
    const client = wsClient(hub.app.wsUrl, 'bad-token');
    const sub = collect(client, 'subscription Denied { myActivity { cursor } }');
    await sub.finished;
    await client.dispose();
    const samples = await scrape();
    expect(sample(samples, 'hub_graphql_requests_total', { transport: 'ws', operation: 'Denied', outcome: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('counts rate-limit refusals through the hook limits call', async () => {
    hub.app.metrics.rateLimitRefused('signIn');
    hub.app.metrics.rateLimitRefused('signIn');
    hub.app.metrics.rateLimitRefused('mutations');
    const samples = await scrape();
    expect(sample(samples, 'hub_rate_limit_refusals_total', { limit: 'signIn' })).toBe(2);
    expect(sample(samples, 'hub_rate_limit_refusals_total', { limit: 'mutations' })).toBe(1);
  });

  it("counts the sign-in limits' refusals: a blocked account is one more signInAccount refusal", async () => {
    const guarded = await startHub({
      security: { limits: { signInAccount: { freeFailures: 1, firstBlockSeconds: 60, maxBlockSeconds: 60, windowSeconds: 3600 } } },
    });
    try {
      const signIn = (password: string) =>
        guarded.gql(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, { input: { email: 'nobody@example.test', password } });
      await signIn('wrong-password-1');
      await signIn('wrong-password-2');
      const refused = await signIn('wrong-password-3');
      expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const samples = parseMetrics(await guarded.app.metrics.text());
      expect(sample(samples, 'hub_rate_limit_refusals_total', { limit: 'signInAccount' })).toBe(1);
    } finally {
      await guarded.stop();
    }
  });

  it('keeps each instance on its own registry, so two hubs in one process count apart', async () => {
    const a = new Metrics({ defaultMetrics: false });
    const b = new Metrics({ defaultMetrics: false });
    a.rateLimitRefused('x');
    expect(sample(parseMetrics(await a.text()), 'hub_rate_limit_refusals_total', { limit: 'x' })).toBe(1);
    expect(sample(parseMetrics(await b.text()), 'hub_rate_limit_refusals_total', { limit: 'x' })).toBeUndefined();
  });

  it('bounds the operation label: names clients make up past the cap count as "other"', () => {
    const m = new Metrics({ defaultMetrics: false });
    for (let i = 0; i < 250; i++) m.operationLabel(`Op${i}`);
    expect(m.operationLabel('Op1')).toBe('Op1');
    expect(m.operationLabel('Op249')).toBe('other');
    expect(m.operationLabel('not a name!')).toBe('other');
    expect(m.operationLabel(undefined)).toBe('anonymous');
  });
});

describe('probes', () => {
  it('is ready once migrated, reports pending migrations, and stops being ready while draining; liveness stays up', async () => {
    const other = await startHub({ logger: log.logger });
    try {
      const readyz = () => fetch(new URL('/readyz', other.url)).then(async (r) => ({ status: r.status, body: await r.json() }));
      // This copy of the database loses its migration record: the build's newest migration is not applied.
      const { rows } = (await other.database.db.execute(sql`select hash, created_at from drizzle.__drizzle_migrations`)) as unknown as { rows: any[] };
      await other.database.db.execute(sql`delete from drizzle.__drizzle_migrations`);
      expect(await readyz()).toEqual({ status: 503, body: { status: 'migrations pending' } });
      for (const row of rows) {
        await other.database.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${row.hash}, ${row.created_at})`);
      }
      expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });

      other.app.drain();
      expect(await readyz()).toEqual({ status: 503, body: { status: 'draining' } });
      const health = await fetch(new URL('/healthz', other.url));
      expect(health.status).toBe(200);
      // Still serving while draining: only new traffic should go elsewhere.
      expect((await other.gql('{ sdgGoals { number } }')).data.sdgGoals).toHaveLength(18);
    } finally {
      await other.stop();
    }
  }, 120_000);
});

describe.runIf(process.env.TEST_DATABASE === 'postgres')('metrics on PostgreSQL', () => {
  it('shows pool usage, and counts a reconnect of the activity listener', async () => {
    let samples = await scrape();
    expect(sample(samples, 'hub_db_pool_connections', { state: 'max' })).toBe(10);
    expect(sample(samples, 'hub_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(samples, 'hub_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(samples, 'hub_notifier_reconnects_total')).toBe(0);

    // Only this test's own database: other suites run beside it on the same server.
    const admin = new pg.Client({ connectionString: hub.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'hub-listener'`);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 200; i++) {
      samples = await scrape();
      if (sample(samples, 'hub_notifier_reconnects_total') === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sample(samples, 'hub_notifier_reconnects_total')).toBe(1);
    expect(sample(samples, 'hub_notifier_connected')).toBe(1);
  });
});
