import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { ok, seedKit } from './support/seed-kit.js';
import { collect, openRawSocket, until, wsClient } from './support/ws.js';

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`;
const run = randomBytes(3).toString('hex');
let n = 0;
/** A client address of its own per test, so the per-address limits of one test do not reach another. */
const freshIp = () => `198.51.100.${++n}`;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: GraphQLResponse;
}

async function post(hub: TestHub, query: string, variables: Record<string, unknown>, ip?: string): Promise<Answer> {
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GraphQLResponse };
}
const code = (a: Answer) => a.body.errors?.[0]?.extensions?.code;
const ext = (a: Answer) => a.body.errors?.[0]?.extensions ?? {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('abuse limits (lowered for the test)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({
      security: {
        trustProxy: 'loopback',
        hashing: { concurrency: 1, queue: 2 },
        limits: {
          signInAccount: { freeFailures: 2, firstBlockSeconds: 1, maxBlockSeconds: 60, windowSeconds: 600 },
          signInAddress: { freeFailures: 4, firstBlockSeconds: 1, maxBlockSeconds: 60, windowSeconds: 600 },
          signUpPerAddressPerHour: 2,
          socketsPerUser: 2,
        },
      },
    });
  });
  afterAll(() => hub?.stop());

  async function account() {
    const email = `akun${++n}-${run}@example.test`;
    const password = 'kata-sandi-yang-benar';
    ok((await post(hub, SIGN_UP, { input: { email, password, displayName: 'Akun' } }, freshIp())).body);
    return { email, password };
  }
  const signIn = (email: string, password: string, ip = freshIp()) => post(hub, SIGN_IN, { input: { email, password } }, ip);

  it('blocks an account after consecutive failures, for a time that doubles with each further failure, and forgets on success', async () => {
    const { email, password } = await account();
    // Each attempt from another address: only the account's limit is at work here.
    for (let i = 0; i < 2; i++) {
      const a = await signIn(email, 'salah-sandi');
      expect(code(a)).toBe('UNAUTHENTICATED');
      expect(ext(a).retryAfter).toBeUndefined();
    }
    const third = await signIn(email, 'salah-sandi');
    expect(code(third)).toBe('UNAUTHENTICATED');
    expect(ext(third).retryAfter).toBe(1);

    // Even the right password waits, in any letter case of the email.
    const blocked = await signIn(email.toUpperCase(), password);
    expect(code(blocked)).toBe('RATE_LIMITED');
    expect(ext(blocked).retryAfter).toBe(1);
    expect(blocked.retryAfter).toBe('1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.data).toBeNull();

    await sleep(1_100);
    const fourth = await signIn(email, 'salah-sandi');
    expect(ext(fourth).retryAfter).toBe(2);
    const again = await signIn(email, password);
    expect(code(again)).toBe('RATE_LIMITED');
    expect(ext(again).retryAfter).toBe(2);

    await sleep(2_100);
    ok((await signIn(email, password)).body);
    // The success forgot the failures: the next one is free again.
    const after = await signIn(email, 'salah-sandi');
    expect(code(after)).toBe('UNAUTHENTICATED');
    expect(ext(after).retryAfter).toBeUndefined();
  });

  it('refuses over the WebSocket too, with the same code and retryAfter', async () => {
    const { email, password } = await account();
    for (let i = 0; i < 3; i++) await signIn(email, 'salah-sandi');
    const client = wsClient(hub.app.wsUrl);
    const sub = collect(client, SIGN_IN, { input: { email, password } });
    await sub.finished;
    expect(sub.received.results).toHaveLength(1);
    expect(sub.received.results[0].errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: 1 });
    await client.dispose();
  });

  it('blocks a client address guessing across accounts, unknown emails included; other addresses sign in', async () => {
    const { email, password } = await account();
    const guesser = freshIp();
    for (let i = 0; i < 5; i++) {
      expect(code(await signIn(`tidak-ada-${i}-${run}@example.test`, 'tebakan', guesser))).toBe('UNAUTHENTICATED');
    }
    const refused = await signIn(email, password, guesser);
    expect(code(refused)).toBe('RATE_LIMITED');
    expect(refused.body.errors![0].message).toMatch(/network/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    ok((await signIn(email, password, freshIp())).body);
  });

  it('limits sign-ups per client address per hour; the refused one creates no account', async () => {
    const ip = freshIp();
    const signUp = (i: number) => post(hub, SIGN_UP, { input: { email: `baru${i}-${n}-${run}@example.test`, password: 'kata-sandi-panjang', displayName: 'Baru' } }, ip);
    ok((await signUp(1)).body);
    ok((await signUp(2)).body);
    const third = await signUp(3);
    expect(code(third)).toBe('RATE_LIMITED');
    expect(Number(ext(third).retryAfter)).toBeGreaterThan(3_000);
    expect(Number(third.retryAfter)).toBe(ext(third).retryAfter);
    // The account was not created: signing in to it fails as for any unknown email.
    expect(code(await signIn(`baru3-${n}-${run}@example.test`, 'kata-sandi-panjang'))).toBe('UNAUTHENTICATED');
    ok((await post(hub, SIGN_UP, { input: { email: `lain-${n}-${run}@example.test`, password: 'kata-sandi-panjang', displayName: 'Lain' } }, freshIp())).body);
  });

  it('refuses a socket beyond the per-user limit with 4429, and accepts one again after another closed', async () => {
    const user = await seedKit(hub).user();
    const open = () => openRawSocket(hub.app.wsUrl, user.token);
    const first = await open();
    const second = await open();
    expect([first.acked, second.acked]).toEqual([true, true]);
    const third = await open();
    expect(third.acked).toBe(false);
    expect(third.closed).toEqual({ code: 4429, reason: expect.stringMatching(/at most 2/) });
    first.socket.close();
    await until(() => first.closed !== undefined, 3_000, 'first closed');
    await sleep(100);
    const fourth = await open();
    expect(fourth.acked).toBe(true);
    second.socket.close();
    fourth.socket.close();
  });

  it('bounds concurrent password hashing: a flood beyond the queue is refused at once with RATE_LIMITED, never an error', async () => {
    const { email, password } = await account();
    // Thirty at once, nearly all with the right password: wrong ones soon block the account
    // (RATE_LIMITED for another reason), and once hashes run faster than requests arrive, ten
    // alternating right and wrong ones could all be answered without ever filling the queue.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(email, i % 10 ? password : 'salah-sandi-' + i)));
    const codes = answers.map(code);
    for (const c of codes) expect([undefined, 'UNAUTHENTICATED', 'RATE_LIMITED']).toContain(c);
    const busy = answers.filter((a) => code(a) === 'RATE_LIMITED' && /busy/.test(a.body.errors![0].message));
    console.info(`password hashing flood: ${busy.length} of 30 turned away as busy (${codes.filter((c) => c === undefined).length} signed in)`);
    // One hashing and two waiting at most: of thirty at once, some must have been turned away.
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      expect(ext(a).retryAfter).toBe(1);
      expect(a.retryAfter).toBe('1');
    }
    expect(hub.app.security.hasher.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe('client addresses', () => {
  it('ignore X-Forwarded-For unless it comes from a trusted proxy', async () => {
    // 127.0.0.1 is not among the trusted proxies: every request counts as from 127.0.0.1.
    const hub = await startHub({ security: { trustProxy: '10.0.0.0/8', limits: { signUpPerAddressPerHour: 1 } } });
    try {
      const signUp = (i: number, ip: string) =>
        post(hub, SIGN_UP, { input: { email: `xff${i}-${run}@example.test`, password: 'kata-sandi-panjang', displayName: 'X' } }, ip);
      ok((await signUp(1, '203.0.113.1')).body);
      expect(code(await signUp(2, '203.0.113.2'))).toBe('RATE_LIMITED');
    } finally {
      await hub.stop();
    }
    // A hub of its own takes a while to start on a busy machine.
  }, 120_000);
});
