import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium): never a browser build downloaded by playwright. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests skip only on a developer's machine without chromium; in CI (.ci/run sets CI,
 * and installs chromium where missing) a missing browser fails them instead.
 */
export const SKIP_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;
export const SKIP_REASON = `skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (SKIP_BROWSER) console.warn(`browser tests ${SKIP_REASON}`);

/** Screenshots and other artefacts of a run (gitignored). */
export const TEST_OUTPUT = path.resolve(import.meta.dirname, '..', '..', 'test-output');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLoopback = (url: string) => {
  const u = new URL(url);
  return !['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) || LOOPBACK.has(u.hostname);
};

export interface Browser {
  context: BrowserContext;
  /** Every non-loopback request the pages attempted (all refused). */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Chromium on a fresh profile with nothing of its own going out (no background networking,
 * component updates, sync or QUIC), and every request to anything but loopback refused and
 * recorded, HTTP and WebSocket alike.
 *
 * Two guards: Chromium itself sends everything but loopback to a proxy that is not there and
 * resolves no name but localhost; and with `intercept` (the default), playwright's routing
 * refuses such requests before they leave. Without `intercept` requests are only watched:
 * playwright answers every CORS preflight itself, allowing all, while routing is on, so a CORS
 * test must run without it.
 */
export async function launchBrowser({ intercept = true }: { intercept?: boolean } = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'hub-chromium-'));
  await mkdir(TEST_OUTPUT, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Below the page: any name but localhost fails to resolve, and whatever is not loopback
      // (Chromium's implicit proxy bypass) goes to a proxy on a port where nothing listens.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      '--proxy-server=http://127.0.0.1:9',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const blocked: string[] = [];
  const watch = (page: Page) => page.on('websocket', (ws) => !isLoopback(ws.url()) && blocked.push(ws.url()));
  context.pages().forEach(watch);
  context.on('page', watch);
  context.on('request', (request) => {
    if (!isLoopback(request.url()) && !blocked.includes(request.url())) blocked.push(request.url());
  });
  if (intercept) await routeLoopbackOnly(context, blocked);
  return {
    context,
    blocked,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function routeLoopbackOnly(context: BrowserContext, blocked: string[]) {
  await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      if (!blocked.includes(route.request().url())) blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (url) => !isLoopback(url.href),
    (ws) => {
      if (!blocked.includes(ws.url())) blocked.push(ws.url());
      ws.close();
    },
  );
}
