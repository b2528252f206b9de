import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExplorer } from '../scripts/build-explorer.mjs';
import { DEMO_COORDINATOR_EMAIL, DEMO_PASSWORD, seedDemoData } from '../src/demo/seed.js';
import { launchBrowser, SKIP_BROWSER, SKIP_REASON, TEST_OUTPUT, type Browser } from './support/browser.js';
import { startHub, type TestHub } from './support/hub.js';

let hub: TestHub;
beforeAll(async () => {
  // The bundle as `npm start` makes it (a no-op when nothing changed since the last build).
  await buildExplorer({ log: () => {} });
  hub = await startHub();
  await seedDemoData(hub.database.db);
}, 180_000);
afterAll(() => hub?.stop());

describe('GET /graphql', () => {
  it('serves the explorer page to browsers, with a policy that keeps everything on this origin', async () => {
    const res = await fetch(hub.url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<title>Learning-circle hub');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('leaves GraphQL requests to Apollo: JSON clients, and GET requests carrying a query', async () => {
    const json = await fetch(hub.url, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const url = new URL(hub.url);
    url.searchParams.set('query', '{ sdgGoals { number } }');
    const get = await fetch(url, { headers: { accept: 'text/html, application/json;q=0.5', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data.sdgGoals.length).toBeGreaterThanOrEqual(17);
  });

  it('serves the assets precompressed and cached for good', async () => {
    const html = await (await fetch(hub.url, { headers: { accept: 'text/html' } })).text();
    const script = /src="(explorer\/[^"]+\.js)"/.exec(html)![1];
    const res = await fetch(new URL(script, hub.url), { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('says how to build the explorer where it is not built', async () => {
    const bare = await startHub({ explorer: { dir: path.join(TEST_OUTPUT, 'no-explorer-here') } });
    try {
      const res = await fetch(bare.url, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:explorer');
    } finally {
      await bare.stop();
    }
  }, 120_000);
});

/** The text a Monaco editor shows (its rendered lines; these documents fit in view). */
const editorText = async (page: Page, selector: string) =>
  (await page.locator(`${selector} .view-lines`).first().innerText()).replace(/\u00a0/g, ' ');

/** Replaces the active tab's headers with `Authorization: Bearer <token>` in the header editor. */
async function pasteToken(page: Page, token: string) {
  await page.getByRole('button', { name: 'Headers' }).click();
  const headers = page.locator('.graphiql-editor-tool .graphiql-editor:visible');
  await headers.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(`{ "Authorization": "Bearer ${token}" }`);
  // Monaco closed the brace as it was typed: what follows the cursor goes.
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Home'); // the header in view on the screenshot
  await expect.poll(() => editorText(page, '.graphiql-editor-tool .graphiql-editor:visible')).toContain(`"Bearer ${token}" }`);
}

describe.skipIf(SKIP_BROWSER)(`explorer in Chromium${SKIP_BROWSER ? ` (${SKIP_REASON})` : ''}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(() => browser?.close());

  it('signs in as the demo coordinator, runs the circle feed with the token in the header editor, and follows a subscription, all offline', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));

    await page.goto(hub.url);
    await expect(page.title()).resolves.toBe('Learning-circle hub · GraphQL explorer');
    // The README's examples are the tabs, the sign-in first.
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
    await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 30_000 }).toContain(DEMO_COORDINATOR_EMAIL);
    expect(await editorText(page, '.graphiql-query-editor')).toContain(DEMO_PASSWORD);

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 30_000 }).toContain('"displayName": "Koordinator Program PEDULI SDGs"');
    const token = /lch_[A-Za-z0-9_-]+/.exec(await editorText(page, '.graphiql-response'))![0];

    // Each tab has its own headers: the token goes into the circle feed's, as a person would paste it.
    await tabs.filter({ hasText: 'CircleFeed' }).click();
    await expect.poll(() => editorText(page, '.graphiql-query-editor')).toContain('query CircleFeed');
    await pasteToken(page, token);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 30_000 }).toContain('"viewerRole": "COORDINATOR"');
    const feed = await editorText(page, '.graphiql-response');
    expect(feed).toContain('"name": "Lingkar Belajar Bersama Kabupaten Lombok Tengah"');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'explorer-circle-feed.png') });

    // A subscription runs over graphql-ws with the header's token: a thread started elsewhere arrives.
    await tabs.filter({ hasText: 'FollowMyCircles' }).click();
    await expect.poll(() => editorText(page, '.graphiql-query-editor')).toContain('subscription FollowMyCircles');
    await pasteToken(page, token);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => hub.app.hub.subscriberCount, { timeout: 30_000 }).toBe(1);
    const circle = await hub.gql(`{ circle(slug: "lbb-lombok-tengah") { id } }`, {}, token);
    const started = await hub.gql(
      `mutation($circleId: ID!) { createThread(input: { circleId: $circleId, title: "Dari explorer", body: "Uji langganan" }) { thread { id } } }`,
      { circleId: circle.data.circle.id },
      token,
    );
    expect(started.errors).toBeUndefined();
    await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 30_000 }).toContain('Dari explorer');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'explorer-subscription.png') });

    expect(browser.blocked).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
