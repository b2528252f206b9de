import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SLOW_CONSUMER_CLOSE_CODE } from '../src/realtime/ws-server.js';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit, type Actor } from './support/seed-kit.js';
import { until } from './support/ws.js';
import { sql } from 'drizzle-orm';

/**
 * The server's side of graphql-transport-ws, spoken with a bare `ws` socket so that the test,
 * not a client library, decides what is sent and when.
 */

const PROTOCOL = 'graphql-transport-ws';

interface Raw {
  ws: WebSocket;
  /** Every message received, parsed. */
  messages: any[];
  /** Resolves with the close code and reason (the socket closed, for whatever reason). */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** The next message of this type (and id, if given) not yet taken. */
  next(type: string, id?: string, timeoutMs?: number): Promise<any>;
  /** connection_init, then waits for connection_ack. */
  init(token?: string): Promise<void>;
}

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

async function connect(url: string, protocol: string | string[] | null = PROTOCOL, options: WebSocket.ClientOptions = {}): Promise<Raw> {
  const ws = protocol === null ? new WebSocket(url, options) : new WebSocket(url, protocol, options);
  sockets.push(ws);
  const messages: any[] = [];
  const taken = new Set<any>();
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const raw: Raw = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(type, id, timeoutMs = 10_000) {
      const find = () => messages.find((m) => !taken.has(m) && m.type === type && (id === undefined || m.id === id));
      await until(() => find() !== undefined, timeoutMs, `a ${type} message${id ? ` for ${id}` : ''}`);
      const m = find();
      taken.add(m);
      return m;
    },
    async init(token) {
      raw.send({ type: 'connection_init', payload: token ? { authToken: token } : {} });
      await raw.next('connection_ack');
    },
  };
  return raw;
}

/** The close code, failing the test if the socket stays open longer than `timeoutMs`. */
async function closeCode(raw: Raw, timeoutMs = 5_000): Promise<number> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('socket was not closed')), timeoutMs));
  return (await Promise.race([raw.closed, timeout])).code;
}

const MY_ACTIVITY = `subscription { myActivity { cursor kind } }`;
const CIRCLE_ACTIVITY = `subscription($circleId: ID!, $after: String) { circleActivity(circleId: $circleId, after: $after) { cursor kind post { body } } }`;

describe('graphql-transport-ws with the default limits', () => {
  let hub: TestHub;
  let user: Actor;
  beforeAll(async () => {
    hub = await startHub();
    user = await seedKit(hub).user();
  });
  afterAll(() => hub?.stop());
  afterEach(() => until(() => hub.app.hub.subscriberCount === 0, 5_000, 'no subscription left'));

  it('acknowledges connection_init and answers ping with pong (payload echoed)', async () => {
    const raw = await connect(hub.app.wsUrl);
    expect(raw.ws.protocol).toBe(PROTOCOL);
    await raw.init(user.token);
    raw.send({ type: 'ping' });
    expect(await raw.next('pong')).toEqual({ type: 'pong' });
    raw.send({ type: 'ping', payload: { at: 42 } });
    expect(await raw.next('pong')).toEqual({ type: 'pong', payload: { at: 42 } });
    // A pong from the client is accepted silently.
    raw.send({ type: 'pong' });
    raw.send({ type: 'ping' });
    await raw.next('pong');
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('runs a query sent as a subscribe message: next, then complete', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(); // anonymous: sdgGoals needs no sign-in
    raw.send({ id: 'q1', type: 'subscribe', payload: { query: 'query { sdgGoals { number } }' } });
    const next = await raw.next('next', 'q1');
    expect(next.payload.errors).toBeUndefined();
    const numbers = next.payload.data.sdgGoals.map((g: { number: number }) => g.number);
    expect(numbers.length).toBeGreaterThanOrEqual(17);
    expect(numbers.slice(0, 17)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    await raw.next('complete', 'q1');
    // An invalid query is answered with an error message for that id; the socket stays open.
    raw.send({ id: 'q2', type: 'subscribe', payload: { query: 'query { noSuchField }' } });
    const error = await raw.next('error', 'q2');
    expect(error.payload[0].message).toMatch(/noSuchField/);
    raw.send({ id: 'q3', type: 'subscribe', payload: { query: 'query { viewer { id } }' } });
    expect((await raw.next('next', 'q3')).payload).toEqual({ data: { viewer: null } });
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a query or mutation over the socket with the errors HTTP gives', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    const cases = [
      `mutation { createOrganisation(input: { name: "", kind: CIVIL_SOCIETY }) { organisation { id } } }`,
      `mutation { createOrganisation(input: { name: "Valid name", kind: CIVIL_SOCIETY, regionId: "garbage" }) { organisation { id } } }`,
      `mutation { shareResource(input: { title: "Guide", kind: DOCUMENT, url: "javascript:alert(1)", circleIds: [] }) { resource { id } } }`,
      `query { circle(slug: "no-such-circle") { id } node(id: "bm90LWFuLWlk") { id } }`,
      `mutation { leaveCircle(input: { circleId: "garbage" }) { circle { id } } }`,
    ];
    for (const [i, query] of cases.entries()) {
      raw.send({ id: `op${i}`, type: 'subscribe', payload: { query } });
      const ws = (await raw.next('next', `op${i}`)).payload;
      const http = await hub.gql(query, {}, user.token);
      expect(ws.errors?.map((e: any) => [e.message, e.extensions?.code, e.extensions?.field]), query).toEqual(
        http.errors?.map((e) => [e.message, e.extensions?.code, e.extensions?.field]),
      );
      expect(ws.data, query).toEqual(http.data);
    }
  });

  it('answers an unparsable or invalid document with the codes HTTP gives, for that operation only', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    const PARSE = 'GRAPHQL_PARSE_FAILED';
    const INVALID = 'GRAPHQL_VALIDATION_FAILED';
    const cases = [
      { query: 'query { sdgGoals { number }', code: PARSE, http: true },
      { query: 'query { noSuchField }', code: INVALID, http: true },
      { query: 'subscription { myActivity { kind ', code: PARSE, http: false },
      { query: 'subscription { myActivity { noSuchField } }', code: INVALID, http: false },
      { query: 'subscription { myActivity { kind } circleActivity(circleId: "x") { kind } }', code: INVALID, http: false },
    ];
    for (const [i, c] of cases.entries()) {
      raw.send({ id: `bad${i}`, type: 'subscribe', payload: { query: c.query } });
      const error = await raw.next('error', `bad${i}`);
      expect(error.payload[0].extensions?.code, c.query).toBe(c.code);
      expect(error.payload[0].locations, c.query).toBeDefined();
      if (c.http) expect((await hub.gql(c.query, {}, user.token)).errors?.[0]?.extensions?.code, c.query).toBe(c.code);
    }
    // The depth limit keeps its own code.
    const deep = `subscription { myActivity { ${'circle { threads { nodes { '.repeat(4)}id${' } } }'.repeat(4)} } }`;
    raw.send({ id: 'deep', type: 'subscribe', payload: { query: deep } });
    expect((await raw.next('error', 'deep')).payload[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 4400 on a message that is not JSON', async () => {
    const raw = await connect(hub.app.wsUrl);
    raw.send('this is not json');
    expect(await closeCode(raw)).toBe(4400);
  });

  it('closes with 4400 on a message of an unknown type, or not a message object', async () => {
    for (const bad of [{ type: 'hello' }, { type: 'start', id: '1', payload: { query: '{ viewer { id } }' } }, [1, 2], { id: '1' }]) {
      const raw = await connect(hub.app.wsUrl);
      await raw.init();
      raw.send(bad);
      expect(await closeCode(raw), JSON.stringify(bad)).toBe(4400);
    }
    // Also a subscribe without an id, after the acknowledgement.
    const raw = await connect(hub.app.wsUrl);
    await raw.init();
    raw.send({ type: 'subscribe', payload: { query: MY_ACTIVITY } });
    expect(await closeCode(raw)).toBe(4400);
  });

  it('closes with 4401 on a subscribe before connection_ack', async () => {
    const raw = await connect(hub.app.wsUrl);
    raw.send({ id: '1', type: 'subscribe', payload: { query: 'query { sdgGoals { number } }' } });
    expect(await closeCode(raw)).toBe(4401);
    expect(raw.messages).toEqual([]);
  });

  it('closes with 4406 when the client asks for no subprotocol', async () => {
    const raw = await connect(hub.app.wsUrl, null);
    expect(raw.ws.protocol).toBe('');
    expect(await closeCode(raw)).toBe(4406);
  });

  it("closes with 4406 when the client asks for the legacy 'graphql-ws' subprotocol", async () => {
    // `ws` itself refuses a handshake that selected none of the protocols it asked for, so this
    // speaks the HTTP upgrade by hand and reads the server's close frame off the wire.
    const { res, socket, head } = await rawUpgrade(hub.app.wsUrl, 'graphql-ws');
    expect(res.statusCode).toBe(101);
    expect(res.headers['sec-websocket-protocol']).toBeUndefined();
    const frame = await readBytes(socket, head, 4);
    expect(frame[0]).toBe(0x88); // FIN + close
    expect(frame.readUInt16BE(2)).toBe(4406);
    socket.destroy();

    // And a `ws` client that asks for it fails to connect.
    await expect(connect(hub.app.wsUrl, 'graphql-ws')).rejects.toThrow(/subprotocol/i);
  });

  it('closes with 4409 on a second subscribe with an id that is in use', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    raw.send({ id: 'same', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, 'first subscription registered');
    raw.send({ id: 'same', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    expect(await closeCode(raw)).toBe(4409);
    // Closing the socket ended the first subscription too.
    await until(() => hub.app.hub.subscriberCount === 0, 5_000, 'subscription ended with its socket');
  });

  it('accepts an id again once its subscription completed', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    raw.send({ id: 'x', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, 'subscription registered');
    raw.send({ id: 'x', type: 'complete' });
    await until(() => hub.app.hub.subscriberCount === 0, 5_000, 'subscription completed by the client');
    raw.send({ id: 'x', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, 'id reused');
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    raw.ws.close();
  });

  it('a subscription completed by the client while it is being set up is ended, and nothing answers it', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    // The complete arrives while the subscription still reads the session and the viewer's standing.
    raw.send({ id: 'early', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    raw.send({ id: 'early', type: 'complete' });
    // A later subscription on the same socket: once it is registered, the first's setup is long over.
    raw.send({ id: 'later', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, 'the later subscription registered');
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.app.hub.subscriberCount).toBe(1);
    expect(raw.messages.filter((m) => m.id === 'early')).toEqual([]);
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    raw.ws.close();
  });

  it('closes with 4429 on a second connection_init', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    raw.send({ type: 'connection_init', payload: { authToken: user.token } });
    expect(await closeCode(raw)).toBe(4429);
  });

  it('closes with 1009 on a message larger than 64 KiB; one just under it is fine', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    const near = JSON.stringify({ type: 'ping', payload: { pad: '' } });
    const fits = 64 * 1024 - near.length;
    raw.send({ type: 'ping', payload: { pad: 'x'.repeat(fits) } });
    expect((await raw.next('pong')).payload.pad).toHaveLength(fits);

    raw.send({ id: 'big', type: 'subscribe', payload: { query: `query { sdgGoals { number } } # ${'x'.repeat(64 * 1024)}` } });
    expect(await closeCode(raw)).toBe(1009);
    expect(raw.messages.filter((m) => m.id === 'big')).toEqual([]);
  });

  it('serves a subscription whose root field is selected through a fragment or an inline fragment', async () => {
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const raw = await connect(hub.app.wsUrl);
    await raw.init(coordinator.token);
    raw.send({ id: 'plain', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, 'plain subscription registered');
    raw.send({
      id: 'frag',
      type: 'subscribe',
      payload: {
        query: 'subscription($id: ID!) { ...Feed } fragment Feed on Subscription { threadActivity(threadId: $id) { kind post { body } } }',
        variables: { id: thread.id },
      },
    });
    raw.send({
      id: 'inline',
      type: 'subscribe',
      payload: { query: `subscription { ... on Subscription { circleActivity(circleId: "${circle.id}") { kind post { body } } } }` },
    });
    await until(() => hub.app.hub.subscriberCount === 3 || raw.ws.readyState !== WebSocket.OPEN, 5_000, 'subscriptions answered');
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    expect(hub.app.hub.subscriberCount).toBe(3);
    await hub.app.feed.settle();
    await coordinator.createPost(thread, { body: 'through fragments' });
    for (const id of ['frag', 'inline']) {
      const next = await raw.next('next', id);
      expect(Object.values(next.payload.data)[0]).toEqual({ kind: 'POST_CREATED', post: { body: 'through fragments' } });
    }
    raw.ws.close();
  });
});

describe('graphql-transport-ws when the database fails', () => {
  let hub: TestHub;
  const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logged.push({ level, msg, fields });
  beforeAll(async () => {
    hub = await startHub({ logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } });
  });
  afterAll(() => hub?.stop());

  it('masks an unexpected error of a query over the socket as over HTTP, with a request id', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init(); // anonymous: the acknowledgement needs no database
    // A schema the code does not expect: an error nobody planned for. (A lost connection is
    // not one: that is SERVICE_UNAVAILABLE, see faults.test.ts.)
    await hub.database.db.execute(sql`alter table organisations rename column name to name_gone`);
    const query = 'query { organisations { totalCount nodes { name } } }';
    raw.send({ id: 'q', type: 'subscribe', payload: { query } });
    const ws = (await raw.next('next', 'q')).payload;
    const http = await hub.gql(query);
    expect(http.errors?.[0]).toMatchObject({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(ws.errors).toHaveLength(1);
    expect(ws.errors[0]).toMatchObject({ message: 'Internal server error.', path: ['organisations', 'nodes'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(ws.errors[0].extensions.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(ws)).not.toMatch(/select|params|failed query/i);
    await raw.next('complete', 'q');
    // What the client does not see is logged, under the id it does see.
    const entry = logged.find((e) => e.fields?.requestId === ws.errors[0].extensions.requestId);
    expect(entry).toMatchObject({ level: 'error', msg: 'unexpected error', fields: { path: 'organisations.nodes' } });
    expect(String((entry!.fields!.err as Error).message)).toMatch(/select/i);
  });
});

describe('graphql-transport-ws with tight limits', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({
      webSocket: { connectionInitWaitMs: 300, maxSubscriptionsPerConnection: 3, keepAliveMs: 200 },
    });
  });
  afterAll(() => hub?.stop());
  afterEach(() => until(() => hub.app.hub.subscriberCount === 0, 5_000, 'no subscription left'));

  it('closes with 4408 when connection_init does not come within the wait', async () => {
    const started = Date.now();
    const raw = await connect(hub.app.wsUrl);
    expect(await closeCode(raw, 3_000)).toBe(4408);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
  });

  it('keeps a socket that sent connection_init in time past the wait', async () => {
    const raw = await connect(hub.app.wsUrl);
    await raw.init();
    await new Promise((r) => setTimeout(r, 600));
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    raw.ws.close();
  });

  it('refuses a subscription past the per-connection limit with RATE_LIMITED, and frees the slot on complete', async () => {
    const user = await seedKit(hub).user();
    const raw = await connect(hub.app.wsUrl);
    await raw.init(user.token);
    for (const id of ['1', '2', '3']) raw.send({ id, type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 3, 5_000, 'three subscriptions registered');
    raw.send({ id: '4', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    const refused = await raw.next('error', '4');
    expect(refused.payload[0].extensions.code).toBe('RATE_LIMITED');
    expect(hub.app.hub.subscriberCount).toBe(3);

    raw.send({ id: '1', type: 'complete' });
    await until(() => hub.app.hub.subscriberCount === 2, 5_000, 'one completed');
    raw.send({ id: '5', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 3, 5_000, 'the freed slot taken');

    // The limit is per connection: another socket has its own.
    const other = await connect(hub.app.wsUrl);
    await other.init(user.token);
    other.send({ id: '1', type: 'subscribe', payload: { query: MY_ACTIVITY } });
    await until(() => hub.app.hub.subscriberCount === 4, 5_000, 'a subscription on another socket');
    expect(raw.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    raw.ws.close();
    other.ws.close();
  });

  it('terminates a socket that stops answering keep-alive pings, and keeps one that answers', async () => {
    const silent = await connect(hub.app.wsUrl, PROTOCOL, { autoPong: false });
    await silent.init();
    const answering = await connect(hub.app.wsUrl);
    await answering.init();
    // Terminated, not closed: no close frame, so the client sees 1006.
    expect(await closeCode(silent, 3_000)).toBe(1006);
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    answering.ws.close();
  });
});

describe('graphql-transport-ws with a slow consumer', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // A long keep-alive interval: the paused test socket must not be dropped for missing pongs.
    hub = await startHub({ webSocket: { maxBufferedBytes: 2 * 1024 * 1024, keepAliveMs: 60_000 } });
  });
  afterAll(() => hub?.stop());

  it(`closes a socket whose unsent data passes the limit with ${SLOW_CONSUMER_CLOSE_CODE}; its client resumes from its last cursor`, async () => {
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    // Every event renders the thread's 5 posts of 20,000 characters 10 times over: ~1 MB. A reader
    // that keeps up never has more than about one event unsent, under the 2 MiB limit. A reader
    // that stops reading fills the operating system's socket buffers (on Linux an unread loopback
    // connection takes a few MB) and then the server's own, so a dozen events pass the limit.
    const page = 'x'.repeat(20_000);
    for (let i = 0; i < 5; i++) await coordinator.createPost(thread, { body: page });
    const aliases = Array.from({ length: 10 }, (_, i) => `t${i}: thread { posts(first: 100) { nodes { body } } }`).join(' ');
    const HEAVY = `subscription($circleId: ID!) { circleActivity(circleId: $circleId) { cursor kind post { body } ${aliases} } }`;
    const subscribe = { type: 'subscribe', payload: { query: HEAVY, variables: { circleId: circle.id } } };

    const slow = await connect(hub.app.wsUrl);
    await slow.init(coordinator.token);
    // An observer with the same document and circle shares the slow socket's execution group:
    // when it has an event, the hub has already handed that event to the slow socket as well.
    const observer = await connect(hub.app.wsUrl);
    await observer.init(coordinator.token);
    await hub.app.feed.settle();
    slow.send({ id: 'heavy', ...subscribe });
    observer.send({ id: 'watch', ...subscribe });
    await until(() => hub.app.hub.subscriberCount === 2, 5_000, 'heavy subscriptions registered');

    // Every byte the server sends, as it arrives, beside ws's own parsing: the fan-out writes its
    // frames below ws (ws-server.ts `nextFrame`), so the stream itself must show they never tear
    // a frame of ws's and never follow its close frame.
    const wire: Buffer[] = [];
    (slow.ws as any)._socket.on('data', (chunk: Buffer) => wire.push(chunk));
    // Stop reading: the server's writes pile up in the kernel, then in its own buffer.
    (slow.ws as any)._socket.pause();
    const EVENTS = 14;
    for (let i = 1; i <= EVENTS; i++) await coordinator.createPost(thread, { body: `event ${i}` });
    await until(() => observer.messages.filter((m) => m.type === 'next').length === EVENTS, 30_000, 'observer got every event');
    expect(observer.ws.readyState).toBe(WebSocket.OPEN);
    (slow.ws as any)._socket.resume();

    const closed = await closeCode(slow, 30_000);
    expect(closed).toBe(SLOW_CONSUMER_CLOSE_CODE);
    expect((await slow.closed).reason).toMatch(/after/);
    const delivered = slow.messages.filter((m) => m.type === 'next' && m.id === 'heavy');
    const frames = serverFrames(Buffer.concat(wire));
    const closeAt = frames.findIndex((f) => f.opcode === 0x8);
    expect(closeAt).toBe(frames.length - 1);
    expect(frames[closeAt].payload.readUInt16BE(0)).toBe(SLOW_CONSUMER_CLOSE_CODE);
    const nexts = frames.filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString('utf8'))).filter((m) => m.type === 'next' && m.id === 'heavy');
    expect(nexts.map((m) => m.payload.data.circleActivity.post.body)).toEqual(
      delivered.map((m) => m.payload.data.circleActivity.post.body),
    );
    console.log(`slow consumer: closed with ${closed} after ${delivered.length} of ${EVENTS} events of ~${Math.round(JSON.stringify(delivered[0]).length / 1024)} KiB`);
    expect(delivered.length).toBeGreaterThanOrEqual(1);
    expect(delivered.length).toBeLessThan(EVENTS);
    expect(delivered.map((m) => m.payload.data.circleActivity.post.body)).toEqual(
      Array.from({ length: delivered.length }, (_, i) => `event ${i + 1}`),
    );
    await until(() => hub.app.hub.subscriberCount === 1, 5_000, "the slow socket's subscription ended");
    observer.ws.close();
    slow.messages.length = 0;
    observer.messages.length = 0;

    // The client resumes after the last cursor it got and misses nothing.
    const last: string = delivered.at(-1).payload.data.circleActivity.cursor;
    const again = await connect(hub.app.wsUrl);
    await again.init(coordinator.token);
    again.send({ id: 'resume', type: 'subscribe', payload: { query: CIRCLE_ACTIVITY, variables: { circleId: circle.id, after: last } } });
    const rest: string[] = [];
    for (let i = delivered.length + 1; i <= EVENTS; i++) rest.push((await again.next('next', 'resume')).payload.data.circleActivity.post.body);
    expect(rest).toEqual(Array.from({ length: EVENTS - delivered.length }, (_, i) => `event ${delivered.length + i + 1}`));
    again.ws.close();
    await until(() => hub.app.hub.subscriberCount === 0, 5_000, 'no subscription left');
  }, 120_000);
});

/**
 * A server's WebSocket byte stream cut into frames (RFC 6455 5.2; server frames are unmasked).
 * Throws where the bytes are not a whole sequence of frames, e.g. one written into the middle of another.
 */
function serverFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 2) throw new Error(`a torn frame header at byte ${at}`);
    const fin = bytes[at] & 0x80;
    const opcode = bytes[at] & 0x0f;
    if (!fin || bytes[at] & 0x70 || bytes[at + 1] & 0x80 || ![0x1, 0x2, 0x8, 0x9, 0xa].includes(opcode)) {
      throw new Error(`not a whole unmasked server frame at byte ${at}: ${bytes.subarray(at, at + 2).toString('hex')}`);
    }
    let length = bytes[at + 1] & 0x7f;
    let head = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      head = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (at + head + length > bytes.length) throw new Error(`a frame at byte ${at} runs past the end of the stream`);
    frames.push({ opcode, payload: bytes.subarray(at + head, at + head + length) });
    at += head + length;
  }
  return frames;
}

describe('the fan-out writes below ws', () => {
  it('runs only with the ws it was written against: one copy, the pinned version', async () => {
    // nextFrame relies on ws writing each of its own frames in one write while compression is
    // off; another ws version could queue or split them. Bumping ws means reading its Sender again.
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    const lock = JSON.parse(await readFile(new URL('../package-lock.json', import.meta.url), 'utf8'));
    const copies = Object.entries(lock.packages as Record<string, { version: string }>)
      .filter(([path]) => path === 'node_modules/ws' || path.endsWith('/node_modules/ws'))
      .map(([path, p]) => `${path}@${p.version}`);
    expect(pkg.dependencies.ws).toBe('8.23.0');
    expect(copies).toEqual(['node_modules/ws@8.23.0']);
    const installed = JSON.parse(await readFile(new URL('../node_modules/ws/package.json', import.meta.url), 'utf8'));
    expect(installed.version).toBe('8.23.0');
  });
});

/** An HTTP upgrade to WebSocket by hand, asking for `protocol`. */
function rawUpgrade(wsUrl: string, protocol: string): Promise<{ res: http.IncomingMessage; socket: Duplex; head: Buffer }> {
  const url = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': protocol,
      },
    });
    req.on('upgrade', (res, socket, head) => resolve({ res, socket, head }));
    req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The first `n` bytes the server sends after the handshake. */
function readBytes(socket: Duplex, head: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = head;
    const check = () => {
      if (buf.length >= n) {
        socket.off('data', onData);
        resolve(buf);
      }
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      check();
    };
    socket.on('data', onData);
    socket.once('error', reject);
    setTimeout(() => reject(new Error(`only ${buf.length} bytes arrived`)), 5_000).unref();
    check();
  });
}
