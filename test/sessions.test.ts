import { randomBytes, scryptSync } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts, sessions, users } from '../src/db/schema.js';
import { hashToken } from '../src/auth/tokens.js';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  // No sweep during the tests: a closed socket here shows the revocation notice at work.
  hub = await startHub({ security: { session: { sweepMs: 10 * 60_000 } } });
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token } }`;
const SESSIONS = `{ viewer { sessions { id label createdAt lastUsedAt expiresAt current } } }`;
const REVOKE = `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { revokedSessionIds clientMutationId } }`;
const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } clientMutationId } }`;
const DAY = 24 * 60 * 60 * 1000;

async function signIn(actor: Actor, opts: { password?: string; label?: string; userAgent?: string } = {}) {
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.userAgent ? { 'user-agent': opts.userAgent } : {}) },
    body: JSON.stringify({ query: SIGN_IN, variables: { input: { email: actor.email, password: opts.password ?? actor.password, sessionLabel: opts.label } } }),
  });
  return (await res.json()) as any;
}
async function tokenOf(actor: Actor, opts: Parameters<typeof signIn>[1] = {}): Promise<string> {
  return (ok(await signIn(actor, opts)) as any).signIn.token;
}
/** The database id behind a global ID. */
const dbId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const viewerId = async (token: string) => hub.gql(`{ viewer { id } }`, {}, token);

async function sessionIdOf(token: string): Promise<string> {
  const { viewer } = ok(await hub.gql(SESSIONS, {}, token)) as any;
  return viewer.sessions.find((s: any) => s.current).id;
}

/**
 * Moves a session's clock back, as if it had been created or last used that long ago. The hub
 * never rewrites a session's past, so nothing announces it: the session cache is told directly,
 * as a notice would tell it, or it would go on judging the session by the times it read.
 */
async function backDate(token: string, column: 'created_at' | 'last_used_at', ms: number) {
  const tokenHash = hashToken(token);
  await hub.database.db.execute(sql`update sessions set ${sql.raw(column)} = now() - make_interval(secs => ${ms / 1000}) where token_hash = ${tokenHash}`);
  hub.app.sessionCache.dropAll();
}

/** Opens a graphql-ws client with one subscription; resolves with the close event once it closes. */
function watchSocket(token: string, circleId: string) {
  const client = wsClient(hub.app.wsUrl, token);
  let closed: { code: number; reason: string; at: number } | undefined;
  client.on('closed', (event: any) => void (closed = { code: event.code, reason: String(event.reason), at: Date.now() }));
  const sub = collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind post { body } } }`, { id: circleId });
  return { client, sub, closed: () => closed };
}

describe('viewer.sessions', () => {
  it('lists the live sessions with their label, times and which one is current', async () => {
    const user = await kit.user();
    const phone = await tokenOf(user, { userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36' });
    const laptop = await tokenOf(user, { label: 'Laptop kantor', userAgent: 'curl/8.0' });
    const { viewer } = ok(await hub.gql(SESSIONS, {}, laptop)) as any;
    // The sign-up's session and the two sign-ins.
    expect(viewer.sessions).toHaveLength(3);
    const labels = viewer.sessions.map((s: any) => s.label);
    expect(labels).toContain('Chrome on Android');
    expect(labels).toContain('Laptop kantor');
    expect(viewer.sessions.filter((s: any) => s.current).map((s: any) => s.label)).toEqual(['Laptop kantor']);
    for (const s of viewer.sessions) {
      const expires = Date.parse(s.expiresAt);
      // Idle expiry (30 days after last use) comes before the absolute limit (90 days) for a new session.
      expect(expires - Date.parse(s.lastUsedAt)).toBe(30 * DAY);
      expect(Date.parse(s.createdAt)).toBeLessThanOrEqual(Date.parse(s.lastUsedAt));
    }
    const fromPhone = ok(await hub.gql(SESSIONS, {}, phone)) as any;
    expect(fromPhone.viewer.sessions.find((s: any) => s.current).label).toBe('Chrome on Android');
  });

  it("is null on another user, and another user's session is not found through node()", async () => {
    const a = await kit.user();
    const b = await kit.user();
    const res = ok(await b.gql(`query($id: ID!) { node(id: $id) { ... on User { sessions { id } } } }`, { id: a.id })) as any;
    expect(res.node.sessions).toBeNull();
    const aSession = await sessionIdOf(a.token);
    expect((ok(await b.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: aSession })) as any).node).toBeNull();
    expect((ok(await a.gql(`query($id: ID!) { node(id: $id) { ... on Session { current } } }`, { id: aSession })) as any).node).toEqual({ current: true });
  });

  it('moves lastUsedAt at most about once a minute, not on every request', async () => {
    const user = await kit.user();
    const token = await tokenOf(user);
    const lastUsed = async () => {
      const { viewer } = ok(await hub.gql(SESSIONS, {}, token)) as any;
      return viewer.sessions.find((s: any) => s.current).lastUsedAt as string;
    };
    const first = await lastUsed();
    await viewerId(token);
    expect(await lastUsed()).toBe(first);
    await backDate(token, 'last_used_at', 2 * 60_000);
    // This request finds it two minutes old and moves it to now before reading the list.
    const moved = Date.parse(await lastUsed());
    expect(moved).toBeGreaterThanOrEqual(Date.parse(first));
    expect(Date.now() - moved).toBeLessThan(30_000);
  });
});

describe('session expiry', () => {
  it('refuses a session idle for longer than 30 days with UNAUTHENTICATED, over HTTP', async () => {
    const user = await kit.user();
    const token = await tokenOf(user);
    await backDate(token, 'last_used_at', 29 * DAY);
    expect(codeOf(await viewerId(token))).toBeUndefined();
    await backDate(token, 'last_used_at', 30 * DAY + 60_000);
    const res = await viewerId(token);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0].message).toMatch(/expired/);
  });

  it('refuses a session older than 90 days however recently it was used', async () => {
    const user = await kit.user();
    const token = await tokenOf(user);
    await backDate(token, 'created_at', 91 * DAY);
    const res = await viewerId(token);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    // A session three years old, the case the issue found still working.
    await backDate(token, 'created_at', 3 * 365 * DAY);
    expect(codeOf(await viewerId(token))).toBe('UNAUTHENTICATED');
    // Expired sessions are not listed.
    const { viewer } = ok(await hub.gql(SESSIONS, {}, user.token)) as any;
    expect(viewer.sessions).toHaveLength(1);
  });

  it('follows the configured lifetimes, over HTTP and on open sockets (closed by the sweep, saying why)', async () => {
    const short = await startHub({ security: { session: { maxAgeMs: DAY, idleMs: DAY / 2, sweepMs: 200 } } });
    try {
      const shortKit = seedKit(short);
      const { coordinator, circle } = await shortKit.circleWithCoordinator();
      const user = await shortKit.user();
      expect(codeOf(await short.gql(`{ viewer { id } }`, {}, user.token))).toBeUndefined();
      await short.database.db.update(sessions).set({ createdAt: new Date(Date.now() - DAY - 1000) }).where(eq(sessions.userId, dbId(user.id)));
      short.app.sessionCache.dropAll();
      expect(codeOf(await short.gql(`{ viewer { id } }`, {}, user.token))).toBe('UNAUTHENTICATED');

      const client = wsClient(short.app.wsUrl, coordinator.token);
      let closed: { code: number; reason: string } | undefined;
      client.on('closed', (event: any) => void (closed = { code: event.code, reason: String(event.reason) }));
      collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind } }`, { id: circle.id });
      await until(() => short.app.sessionSockets.countOf(dbId(coordinator.id)) === 1, 5_000, 'socket');
      // An open socket is use: the sweep moves lastUsedAt forward, so idle expiry spares it.
      await short.database.db.update(sessions).set({ lastUsedAt: new Date(Date.now() - 5 * 60_000) }).where(eq(sessions.userId, dbId(coordinator.id)));
      const lastUsed = async () => (await short.database.db.select({ t: sessions.lastUsedAt }).from(sessions).where(eq(sessions.userId, dbId(coordinator.id))))[0].t.getTime();
      const deadline = Date.now() + 3_000;
      while ((await lastUsed()) < Date.now() - 60_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(Date.now() - (await lastUsed())).toBeLessThan(60_000);
      expect(closed).toBeUndefined();
      // The absolute limit is not spared.
      await short.database.db.update(sessions).set({ createdAt: new Date(Date.now() - DAY - 1000) }).where(eq(sessions.userId, dbId(coordinator.id)));
      await until(() => closed !== undefined, 3_000, 'expired socket closed');
      expect(closed).toEqual({ code: 4401, reason: expect.stringMatching(/expired/) });
      await client.dispose();
    } finally {
      await short.stop();
    }
    // A hub of its own takes a while to start on a busy machine.
  }, 120_000);

  it('refuses an expired session over the WebSocket at connection_init', async () => {
    const user = await kit.user();
    const token = await tokenOf(user);
    await backDate(token, 'created_at', 91 * DAY);
    const { circle } = await kit.circleWithCoordinator();
    const client = wsClient(hub.app.wsUrl, token);
    const sub = collect(client, `subscription($id: ID!) { circleActivity(circleId: $id) { kind } }`, { id: circle.id });
    await sub.finished;
    expect(JSON.stringify(sub.received.errors)).toContain('UNAUTHENTICATED');
    await client.dispose();
  });
});

describe('revokeSession', () => {
  it('ends one session: its token stops working, the others keep working', async () => {
    const user = await kit.user();
    const other = await tokenOf(user);
    const otherId = await sessionIdOf(other);
    const res = ok(await user.gql(REVOKE, { input: { sessionId: otherId, clientMutationId: 'revoke-1' } })) as any;
    expect(res.revokeSession).toEqual({ revokedSessionIds: [otherId], clientMutationId: 'revoke-1' });
    expect(codeOf(await viewerId(other))).toBe('UNAUTHENTICATED');
    expect(codeOf(await viewerId(user.token))).toBeUndefined();
    // A retry is harmless and answers the same.
    expect((ok(await user.gql(REVOKE, { input: { sessionId: otherId, clientMutationId: 'revoke-1' } })) as any).revokeSession.revokedSessionIds).toEqual([otherId]);
  });

  it('ends all other sessions with allOthers, keeping the current one', async () => {
    const user = await kit.user();
    const others = [await tokenOf(user), await tokenOf(user)];
    const res = ok(await user.gql(REVOKE, { input: { allOthers: true } })) as any;
    expect(res.revokeSession.revokedSessionIds).toHaveLength(2);
    for (const t of others) expect(codeOf(await viewerId(t))).toBe('UNAUTHENTICATED');
    expect(codeOf(await viewerId(user.token))).toBeUndefined();
    const { viewer } = ok(await user.gql(SESSIONS)) as any;
    expect(viewer.sessions).toHaveLength(1);
  });

  it("answers NOT_FOUND for another user's session and revokes nothing", async () => {
    const a = await kit.user();
    const b = await kit.user();
    const aSession = await sessionIdOf(a.token);
    const res = await b.gql(REVOKE, { input: { sessionId: aSession } });
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0].extensions!.field).toBe('sessionId');
    expect(codeOf(await viewerId(a.token))).toBeUndefined();
  });

  it('asks for exactly one of sessionId and allOthers, and sign-in', async () => {
    const user = await kit.user();
    const both = await user.gql(REVOKE, { input: { sessionId: await sessionIdOf(user.token), allOthers: true } });
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
    expect(both.errors![0].extensions!.field).toBe('sessionId');
    expect(codeOf(await user.gql(REVOKE, { input: {} }))).toBe('BAD_USER_INPUT');
    const notAnId = await user.gql(REVOKE, { input: { sessionId: 'bm90LWFuLWlk' } });
    expect(codeOf(notAnId)).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.gql(REVOKE, { input: { allOthers: true } }))).toBe('UNAUTHENTICATED');
  });
});

describe('changePassword', () => {
  it('needs the current password: a wrong one is BAD_USER_INPUT naming it, and changes nothing', async () => {
    const user = await kit.user();
    const other = await tokenOf(user);
    const res = await user.gql(CHANGE, { input: { currentPassword: 'not-the-password', newPassword: 'a-new-password-1' } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toBe('currentPassword');
    expect(codeOf(await viewerId(other))).toBeUndefined();
    ok(await signIn(user));
  });

  it('refuses a new password that is too short or the same as the current one', async () => {
    const user = await kit.user();
    const short = await user.gql(CHANGE, { input: { currentPassword: user.password, newPassword: 'short' } });
    expect(codeOf(short)).toBe('BAD_USER_INPUT');
    expect(short.errors![0].extensions!.field).toBe('newPassword');
    const same = await user.gql(CHANGE, { input: { currentPassword: user.password, newPassword: user.password } });
    expect(same.errors![0].extensions!.field).toBe('newPassword');
  });

  it('sets the new password and ends every other session; the current one stays; a retry with its key succeeds again', async () => {
    const user = await kit.user();
    const other = await tokenOf(user);
    const input = { currentPassword: user.password, newPassword: 'kata-sandi-baru-2026', clientMutationId: 'pw-1' };
    expect((ok(await user.gql(CHANGE, { input })) as any).changePassword).toEqual({ user: { id: user.id }, clientMutationId: 'pw-1' });
    expect(codeOf(await viewerId(other))).toBe('UNAUTHENTICATED');
    expect(codeOf(await viewerId(user.token))).toBeUndefined();
    expect(codeOf(await signIn(user))).toBe('UNAUTHENTICATED');
    ok(await signIn(user, { password: 'kata-sandi-baru-2026' }));
    // The answer was lost and the phone retries: the key answers, though the current password has changed.
    expect((ok(await user.gql(CHANGE, { input })) as any).changePassword.clientMutationId).toBe('pw-1');
    ok(await signIn(user, { password: 'kata-sandi-baru-2026' }));
  });
});

describe('password hashes', () => {
  it('rehashes a hash made at the old scrypt parameters (N=2^15) to argon2id at the next sign-in', async () => {
    const user = await kit.user();
    const salt = randomBytes(16);
    const key = scryptSync(user.password.normalize('NFKC'), salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await hub.database.db.update(users).set({ passwordHash: old }).where(eq(users.id, dbId(user.id)));
    expect(codeOf(await signIn(user, { password: 'wrong-password-123' }))).toBe('UNAUTHENTICATED');
    const [still] = await hub.database.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, dbId(user.id)));
    expect(still.h).toBe(old);
    ok(await signIn(user));
    const [now] = await hub.database.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, dbId(user.id)));
    expect(now.h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    ok(await signIn(user));
  });
});

describe('revocation reaches open WebSockets', () => {
  async function subscribed(actor: Actor, token: string, circle: { id: string }) {
    const before = hub.app.hub.subscriberCount;
    const sockets = hub.app.sessionSockets.countOf(dbId(actor.id));
    const watch = watchSocket(token, circle.id);
    await until(() => hub.app.hub.subscriberCount > before && hub.app.sessionSockets.countOf(dbId(actor.id)) > sockets, 5_000, 'subscription');
    return watch;
  }

  it('signing out over HTTP closes the socket of that session with 4401 within a second; it delivers nothing after', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const token = await tokenOf(coordinator);
    const before = hub.app.hub.subscriberCount;
    const watch = await subscribed(coordinator, token, circle);
    await coordinator.createPost(thread, { body: 'sebelum keluar' });
    await until(() => watch.sub.received.results.length === 1, 5_000, 'first event');
    const started = Date.now();
    ok(await hub.gql(`mutation { signOut }`, {}, token));
    await until(() => watch.closed() !== undefined, 3_000, 'socket closed');
    const latency = watch.closed()!.at - started;
    expect(watch.closed()!.code).toBe(4401);
    expect(watch.closed()!.reason).toMatch(/revoked/);
    expect(latency).toBeLessThan(1_000);
    console.info(`revocation latency (sign-out to close, one instance): ${latency} ms`);
    await coordinator.createPost(thread, { body: 'sesudah keluar' });
    await new Promise((r) => setTimeout(r, 200));
    expect(watch.sub.received.results.map((r) => r.data.circleActivity.post.body)).toEqual(['sebelum keluar']);
    await until(() => hub.app.hub.subscriberCount === before, 5_000, 'subscriber removed');
    await watch.client.dispose();
  });

  it('revokeSession and changePassword close the other sessions\u2019 sockets, not the current one\u2019s', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const phone = await tokenOf(coordinator);
    const laptop = await tokenOf(coordinator);
    const w1 = await subscribed(coordinator, phone, circle);
    const w2 = watchSocket(laptop, circle.id);
    const w3 = watchSocket(coordinator.token, circle.id);
    await until(() => hub.app.sessionSockets.countOf(dbId(coordinator.id)) === 3, 5_000, 'three sockets');
    ok(await coordinator.gql(REVOKE, { input: { sessionId: await sessionIdOf(phone) } }));
    await until(() => w1.closed() !== undefined, 3_000, 'phone closed');
    expect(w1.closed()!.code).toBe(4401);
    ok(await coordinator.gql(CHANGE, { input: { currentPassword: coordinator.password, newPassword: 'sandi-yang-baru-99' } }));
    await until(() => w2.closed() !== undefined, 3_000, 'laptop closed');
    await new Promise((r) => setTimeout(r, 300));
    expect(w3.closed()).toBeUndefined();
    expect(hub.app.sessionSockets.countOf(dbId(coordinator.id))).toBe(1);
    await Promise.all([w1, w2, w3].map((w) => w.client.dispose()));
  });

  it('a socket whose session ended before any notice came accepts no subscription and runs no mutation', async () => {
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const token = await tokenOf(coordinator);
    const socket = new WebSocket(hub.app.wsUrl, 'graphql-transport-ws');
    const messages: any[] = [];
    let closed: { code: number; reason: string } | undefined;
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    socket.on('close', (code, reason) => (closed = { code, reason: String(reason) }));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } }));
    await until(() => messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
    // Revoked behind the hub's back: no NOTIFY, so only the per-operation check stands in the way.
    await hub.database.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.tokenHash, hashToken(token)));
    socket.send(
      JSON.stringify({
        id: 'm1',
        type: 'subscribe',
        payload: { query: `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`, variables: { input: { threadId: thread.id, body: 'tidak boleh' } } },
      }),
    );
    await until(() => closed !== undefined, 3_000, 'socket closed');
    expect(closed!.code).toBe(4401);
    const error = messages.find((m) => m.id === 'm1');
    if (error) expect(error.type).toBe('error');
    expect(await hub.database.db.select({ id: posts.id }).from(posts).where(eq(posts.body, 'tidak boleh'))).toEqual([]);
    socket.terminate();
  });
});

describe('the session cache', () => {
  const sessionStatements = (from: number) => hub.statements.slice(from).filter((s) => /"sessions"/.test(s));

  it('answers a session this instance knows without reading it again, and forgets it at sign-out', async () => {
    const user = await kit.user();
    const token = await tokenOf(user);
    expect((ok(await viewerId(token)) as any).viewer.id).toBe(user.id);
    const before = hub.statements.length;
    expect((ok(await viewerId(token)) as any).viewer.id).toBe(user.id);
    expect(sessionStatements(before), 'no session statement for a known session').toEqual([]);

    ok(await hub.gql(`mutation { signOut }`, {}, token));
    // The very next request, on the instance that signed out: no window for the notice to arrive.
    expect(codeOf(await viewerId(token))).toBe('UNAUTHENTICATED');
  });

  it('revokes other sessions and password changes at once for the next request', async () => {
    const user = await kit.user();
    const phone = await tokenOf(user);
    const laptop = await tokenOf(user);
    ok(await viewerId(phone));
    ok(await viewerId(laptop));
    ok(await hub.gql(REVOKE, { input: { allOthers: true } }, laptop));
    expect(codeOf(await viewerId(phone))).toBe('UNAUTHENTICATED');
    expect(codeOf(await viewerId(laptop))).toBeUndefined();

    const tablet = await tokenOf(user);
    ok(await viewerId(tablet));
    ok(await hub.gql(CHANGE, { input: { currentPassword: user.password, newPassword: 'kata-sandi-baru-sekali' } }, laptop));
    expect(codeOf(await viewerId(tablet))).toBe('UNAUTHENTICATED');
    expect(codeOf(await viewerId(laptop))).toBeUndefined();
  });

  it('shows a changed profile on the next request from every session of the user', async () => {
    const user = await kit.user();
    const other = await tokenOf(user);
    ok(await hub.gql(`{ viewer { displayName } }`, {}, other));
    ok(await hub.gql(`mutation { updateProfile(input: { displayName: "Nama Baru" }) { user { displayName } } }`, {}, user.token));
    expect((ok(await hub.gql(`{ viewer { displayName } }`, {}, other)) as any).viewer.displayName).toBe('Nama Baru');
  });

  it('still refuses a session past its idle limit by the times it knows, without a notice', async () => {
    const short = await startHub({ security: { session: { idleMs: 1_500, touchEveryMs: 60_000, sweepMs: 10 * 60_000 } } });
    try {
      const user = await seedKit(short).user();
      expect(codeOf(await short.gql(`{ viewer { id } }`, {}, user.token))).toBeUndefined();
      expect(short.app.sessionCache.size).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1_700));
      expect(codeOf(await short.gql(`{ viewer { id } }`, {}, user.token))).toBe('UNAUTHENTICATED');
    } finally {
      await short.stop();
    }
  }, 120_000);
});
