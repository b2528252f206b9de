import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/shared/ids.js';
import { TEST_OUTPUT } from './support/browser.js';
import { startHub, type TestHub } from './support/hub.js';
import { parseMetrics, sample } from './support/metrics.js';
import { seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { until } from './support/ws.js';

/** The README's subscription client, as a module: its ```ts block, pointed at this hub. */
interface ReadmeClient {
  client: import('graphql-ws').Client;
  Refused: new (...args: any[]) => Error & { errors: { extensions?: { code?: string } }[] };
  followCircle(circleId: string, render: (activity: any) => void): Promise<void>;
}

let hub: TestHub;
let member: Actor;
let circleA: Ref;
let circleB: Ref;
let readme: ReadmeClient;
let modulePath: string;
const storage = new Map<string, string>();

beforeAll(async () => {
  hub = await startHub();
  const kit = seedKit(hub);
  member = await kit.user('Phone');
  const org = await member.createOrg();
  circleA = await member.createCircle({ orgs: [org] });
  circleB = await member.createCircle({ orgs: [org] });

  const markdown = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const block = /^```ts\n([\s\S]*?export async function follow[\s\S]*?)^```$/m.exec(markdown)![1];
  const { code } = await transform(block.replaceAll('wss://hub.example.org/graphql', hub.app.wsUrl), { loader: 'ts', format: 'esm' });
  // What a browser gives the code: localStorage, and WebSocket (global from Node 22 on).
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
  });
  (globalThis as any).WebSocket ??= WebSocket;
  await mkdir(TEST_OUTPUT, { recursive: true });
  modulePath = path.join(TEST_OUTPUT, `readme-client-${process.pid}.mjs`);
  await writeFile(modulePath, code);
  readme = await import(pathToFileURL(modulePath).href);
});
afterAll(async () => {
  await readme?.client.dispose();
  await hub?.stop();
  if (modulePath) await rm(modulePath, { force: true });
});

const refusals = async (code: string) =>
  sample(parseMetrics(await (await fetch(new URL('/metrics', hub.url))).text()), 'hub_graphql_requests_total', { transport: 'ws', outcome: code }) ?? 0;

describe("the README's subscription client", () => {
  it('surfaces a refusal when subscribing (NOT_FOUND, UNAUTHENTICATED) and does not retry it', async () => {
    storage.set('hub:token', member.token);
    const before = await refusals('NOT_FOUND');
    const unknown = toGlobalId('Circle', randomUUID());
    const err = await readme.followCircle(unknown, () => {}).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(readme.Refused);
    expect(err.errors[0].extensions.code).toBe('NOT_FOUND');
    // Longer than the first backoff (at most 1 s): a retry would have been counted by now.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await refusals('NOT_FOUND')) - before).toBe(1);

    storage.set('hub:token', 'lch_not-a-session-token');
    const bad = await readme.followCircle(circleA.id, () => {}).then(() => null, (e) => e);
    expect(bad).toBeInstanceOf(readme.Refused);
    expect(bad.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  }, 30_000);

  it('keeps one cursor per circle, resumes each after a lost connection with nothing lost or doubled, and stops for good on 4401', async () => {
    storage.set('hub:token', member.token);
    const seen: Record<string, string[]> = { a: [], b: [] };
    const followingA = readme.followCircle(circleA.id, (e) => seen.a.push(e.thread?.title ?? e.kind));
    const followingB = readme.followCircle(circleB.id, (e) => seen.b.push(e.thread?.title ?? e.kind));
    // Settled from the start: the 4401 may arrive before signOut's own answer does, and a rejection
    // with no handler yet attached is an unhandled one, failing the run though the test passes.
    const ended = Promise.allSettled([followingA, followingB]);
    await until(() => hub.app.hub.subscriberCount === 2, 10_000, 'both subscribed');
    await member.createThread(circleA, { title: 'A1' });
    await member.createThread(circleB, { title: 'B1' });
    await until(() => seen.a.includes('A1') && seen.b.includes('B1'), 10_000, 'first events');
    const cursorA = storage.get(`hub:cursor:circle:${circleA.id}`);
    const cursorB = storage.get(`hub:cursor:circle:${circleB.id}`);
    expect(cursorA).toBeTruthy();
    expect(cursorB).toBeTruthy();
    expect(cursorA).not.toBe(cursorB);

    // The connection drops; what happens meanwhile arrives after the reconnect, once.
    readme.client.terminate();
    await member.createThread(circleA, { title: 'A2' });
    await member.createThread(circleB, { title: 'B2' });
    await member.createThread(circleA, { title: 'A3' });
    await until(() => seen.a.includes('A3') && seen.b.includes('B2'), 20_000, 'resumed');
    expect(seen.a.filter((t) => t.startsWith('A'))).toEqual(['A1', 'A2', 'A3']);
    expect(seen.b.filter((t) => t.startsWith('B'))).toEqual(['B1', 'B2']);

    // Signed out: the hub closes the socket with 4401, after which retrying cannot help.
    await hub.gql('mutation { signOut }', {}, member.token);
    const [a, b] = await ended;
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 4401 } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 4401 } });
  }, 60_000);
});
