import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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
 */
export async function launchBrowser(): Promise<Browser> {
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
      // The same again below the page: any name but localhost fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const blocked: string[] = [];
  await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (url) => !isLoopback(url.href),
    (ws) => {
      blocked.push(ws.url());
      ws.close();
    },
  );
  return {
    context,
    blocked,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
