import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondInstance, startHub, type TestHub } from './support/hub.js';
import { seedKit } from './support/seed-kit.js';
import { openAll, openRawSocket, until, type Opened } from './support/ws.js';

/**
 * The per-user limit of open WebSockets holds across instances (live_sockets leases), gives a
 * place back when a socket closes, and forgets a killed instance's sockets once their leases
 * run out. Two or three instances share one PostgreSQL; PGlite is one process by nature
 * (abuse-limits.test.ts covers the limit on one instance, on both drivers).
 */

const onPostgres = process.env.TEST_DATABASE === 'postgres';
const root = path.resolve(import.meta.dirname, '..');
const LEASE_SECONDS = 3;
const LIMITS = { socketsPerUser: 2, socketLeaseSeconds: LEASE_SECONDS };

const open = openRawSocket;

/** Waits until an asynchronous `check` holds, polling every 50 ms. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function close(opened: Opened) {
  opened.socket.close();
  await until(() => opened.closed !== undefined, 3_000, 'socket closed');
}

describe.skipIf(!onPostgres)('sockets per user across instances', () => {
  let a: TestHub;
  let b: Awaited<ReturnType<typeof secondInstance>>;
  let admin: pg.Client;

  beforeAll(async () => {
    a = await startHub({ security: { limits: LIMITS } });
    b = await secondInstance(a, { security: { limits: LIMITS } });
    admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await b?.stop();
    await a?.stop();
  });

  /** The user's rows in live_sockets by instance: live ones only unless `all`. */
  async function leases(userId: string, all = false): Promise<string[]> {
    const { rows } = await admin.query(
      `select instance_id from live_sockets where user_id = $1 ${all ? '' : 'and lease_until > now()'} order by instance_id`,
      [userId],
    );
    return rows.map((r) => r.instance_id);
  }

  it('counts a user’s sockets on every instance together and gives a place back when one closes', async () => {
    const user = await seedKit(a).quickUser();
    const userId = (await admin.query(`select id from users where email = $1`, [user.email])).rows[0].id;
    const onA = await open(a.app.wsUrl, user.token);
    const onB = await open(b.wsUrl, user.token);
    expect([onA.acked, onB.acked]).toEqual([true, true]);
    expect(await leases(userId)).toEqual([a.app.socketLeases.instanceId, b.socketLeases.instanceId].sort());

    // Each instance holds one: per instance, both would admit a second.
    for (const url of [a.app.wsUrl, b.wsUrl]) {
      const third = await open(url, user.token);
      expect(third.acked).toBe(false);
      expect(third.closed).toEqual({ code: 4429, reason: expect.stringMatching(/at most 2 on all instances/) });
    }

    await close(onB);
    await eventually(async () => (await leases(userId)).length === 1, 3_000, 'B released its lease');
    const again = await open(a.app.wsUrl, user.token);
    expect(again.acked).toBe(true);
    // Renewals keep live sockets counted well past their first lease.
    await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 1) * 1000));
    expect((await open(b.wsUrl, user.token)).closed?.code).toBe(4429);
    await close(onA);
    await close(again);
    await eventually(async () => (await leases(userId, true)).length === 0, 3_000, 'all released');
  }, 30_000);

  it('admits no more than the limit when sockets race for the last places on two instances', async () => {
    // Each round one user's 30 sockets, half on each instance, initialised at once; without the
    // per-user lock around count and insert, a round now and then admits three or more.
    for (let round = 0; round < 6; round++) {
      const user = await seedKit(a).quickUser();
      const opened = await openAll(Array.from({ length: 30 }, (_, i) => (i % 2 ? b.wsUrl : a.app.wsUrl)), user.token);
      expect(opened.filter((o) => o.acked), `admitted in round ${round}`).toHaveLength(2);
      expect(opened.filter((o) => o.closed?.code === 4429)).toHaveLength(28);
      for (const o of opened.filter((o) => o.acked)) await close(o);
    }
  }, 60_000);

  it('forgets the sockets of a killed instance once their leases run out', async () => {
    const user = await seedKit(a).quickUser();
    const userId = (await admin.query(`select id from users where email = $1`, [user.email])).rows[0].id;
    const child = await startProcess(a.databaseUrl!);
    let killedAt = 0;
    try {
      const held = await Promise.all([open(child.wsUrl, user.token), open(child.wsUrl, user.token)]);
      expect(held.map((o) => o.acked)).toEqual([true, true]);
      expect((await open(a.app.wsUrl, user.token)).closed?.code).toBe(4429);

      child.proc.kill('SIGKILL');
      killedAt = Date.now();
      await child.exited;
      // Nothing released them: the rows are still there and, for now, still count.
      expect(await leases(userId, true)).toHaveLength(2);
      expect((await open(a.app.wsUrl, user.token)).closed?.code).toBe(4429);
    } finally {
      child.proc.kill('SIGKILL');
    }
    let admitted: Opened | undefined;
    await eventually(
      async () => {
        const o = await open(a.app.wsUrl, user.token);
        if (o.acked) admitted = o;
        return o.acked;
      },
      (LEASE_SECONDS + 3) * 1000,
      'a socket admitted once the dead instance’s leases ran out',
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual((LEASE_SECONDS + 2) * 1000);
    await close(admitted!);
  }, 120_000);
});

/** The hub as `npm start` runs it, on the given database, in a process of its own. */
async function startProcess(databaseUrl: string): Promise<{ proc: ChildProcess; wsUrl: string; exited: Promise<unknown> }> {
  const proc = spawn(process.execPath, ['--enable-source-maps', 'scripts/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DEMO_DATA: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SOCKETS_PER_USER: String(LIMITS.socketsPerUser),
      SOCKET_LEASE_SECONDS: String(LEASE_SECONDS),
    },
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${log.join('')}`)), 90_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      const match = /hub listening on (http:\/\/[^"\s]+)/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${log.join('')}`)));
  });
  return { proc, wsUrl: url.replace(/^http/, 'ws'), exited };
}
