import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExplorer } from '../scripts/build-explorer.mjs';

const root = path.resolve(import.meta.dirname, '..');

interface Running {
  child: ChildProcess;
  url: string;
  log: string[];
  exit: Promise<number | null>;
}

/** `npm start` as a new user runs it, minus npm: scripts/start.mjs with the given environment. */
async function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'scripts/start.mjs'], { cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env } });
  const log: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${log.join('')}`)), 90_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      const match = /hub listening on (http:\/\/[^"\s]+)/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exit.then((code) => reject(new Error(`exited with ${code}:\n${log.join('')}`)));
  });
  return { child, url, log, exit };
}

async function gql(url: string, query: string, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as any;
}

// The default path of the quick start: embedded PGlite in a data folder, demo data on first start.
describe.skipIf(process.env.TEST_DATABASE === 'postgres')('npm start', () => {
  let dataDir: string;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on an empty folder with the demo data, signs in the demo coordinator, stops cleanly on SIGTERM and restarts without seeding twice', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-main-'));
    const first = await start({ DATA_DIR: dataDir });
    expect(first.log.join('')).toContain('demo data seeded');
    const signIn = await gql(
      first.url,
      `mutation { signIn(input: { email: "koordinator@peduli-sdgs.demo", password: "belajar-bersama-2021" }) { token user { email } } }`,
    );
    expect(signIn.data.signIn.user.email).toBe('koordinator@peduli-sdgs.demo');
    const circles = await gql(first.url, `{ circles { totalCount } }`, signIn.data.signIn.token);
    expect(circles.data.circles.totalCount).toBe(11);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = await start({ DATA_DIR: dataDir });
    expect(second.log.join('')).not.toContain('demo data seeded');
    const again = await gql(second.url, `{ organisations { totalCount } }`);
    expect(again.data.organisations.totalCount).toBe(75);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, 240_000);

  it('in production loads no demo data unless asked, and then warns that its password is public; the explorer is served there too', async () => {
    await buildExplorer({ log: () => {} });
    const plain = await mkdtemp(path.join(os.tmpdir(), 'hub-prod-'));
    const asked = await mkdtemp(path.join(os.tmpdir(), 'hub-prod-demo-'));
    try {
      const prod = await start({ DATA_DIR: plain, NODE_ENV: 'production' });
      expect(prod.log.join('')).not.toContain('demo data seeded');
      expect((await gql(prod.url, `{ organisations { totalCount } }`)).data.organisations.totalCount).toBe(0);
      const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="explorer"');
      prod.child.kill('SIGTERM');
      expect(await prod.exit).toBe(0);
      expect(prod.log.join('')).not.toMatch(/password published/);

      const demo = await start({ DATA_DIR: asked, NODE_ENV: 'production', DEMO_DATA: '1' });
      const lines = demo.log.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(lines.find((l) => l.level === 'warn')).toMatchObject({ msg: expect.stringMatching(/DEMO_DATA is on in production.*password published/) });
      expect(demo.log.join('')).toContain('demo data seeded');
      const signIn = await gql(demo.url, `mutation { signIn(input: { email: "koordinator@peduli-sdgs.demo", password: "belajar-bersama-2021" }) { token } }`);
      expect(signIn.data.signIn.token).toMatch(/^lch_/);
      demo.child.kill('SIGTERM');
      expect(await demo.exit).toBe(0);
    } finally {
      await rm(plain, { recursive: true, force: true });
      await rm(asked, { recursive: true, force: true });
    }
  }, 240_000);

  it('refuses a bad configuration with a message naming the variable', async () => {
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/PORT must be a whole number/);
  }, 60_000);
});
