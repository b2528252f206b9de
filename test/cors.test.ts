import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { launchBrowser, SKIP_BROWSER, SKIP_REASON, type Browser } from './support/browser.js';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit, type Actor, type Ref } from './support/seed-kit.js';

/** A page server on a loopback port of its own: another origin than the hub's. */
async function pageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>frontend</title><p>a frontend on another origin</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let allowed: Awaited<ReturnType<typeof pageServer>>;
let other: Awaited<ReturnType<typeof pageServer>>;
let hub: TestHub;
let member: Actor;
let circle: Ref;

beforeAll(async () => {
  allowed = await pageServer();
  other = await pageServer();
  hub = await startHub({ corsOrigins: [allowed.origin, 'https://app.example.org'] });
  const kit = seedKit(hub);
  member = await kit.user('Frontend');
  circle = await member.createCircle({ orgs: [await member.createOrg()] });
});
afterAll(async () => {
  await hub?.stop();
  await allowed?.close();
  await other?.close();
});

describe('CORS_ORIGINS', () => {
  it('takes a comma-separated list of origins or *, none by default, and refuses anything that is not an origin', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.org, http://localhost:5173/' }).corsOrigins).toEqual([
      'https://app.example.org',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    for (const bad of ['app.example.org', 'https://app.example.org/path', 'ftp://files.example.org']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(ConfigError);
    }
  });

  it('answers a preflight from a listed origin with the methods and headers a frontend needs, and no credentials', async () => {
    const res = await fetch(hub.url, {
      method: 'OPTIONS',
      headers: {
        origin: allowed.origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, apollo-require-preflight, if-none-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST']));
    const allowedHeaders = res.headers.get('access-control-allow-headers')!.split(',');
    expect(allowedHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'if-none-match']));
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('answers a conditional GET from a listed origin 304, with the CORS headers a browser needs to accept it', async () => {
    const query = 'query CircleSlug($slug: String!) { circle(slug: $slug) { slug } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const auth = { authorization: `Bearer ${member.token}`, origin: allowed.origin };
    await fetch(hub.url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions, variables: { slug: circle.slug } }) });
    const url = `${hub.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}&variables=${encodeURIComponent(JSON.stringify({ slug: circle.slug }))}`;
    const headers = { ...auth, 'apollo-require-preflight': 'true' };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('access-control-expose-headers')).toMatch(/etag/);
    // Not fetch(): a manual If-None-Match makes any fetch() add Cache-Control: no-cache (the Fetch
    // standard), which asks for a full answer. A browser revalidating its own cached copy sends none.
    const again = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(url, { headers: { ...headers, 'if-none-match': first.headers.get('etag')! } }, resolve).on('error', reject),
    );
    again.resume();
    expect(again.statusCode).toBe(304);
    expect(again.headers['access-control-allow-origin']).toBe(allowed.origin);
  });

  it('gives an origin that is not listed no CORS headers, and a hub without CORS_ORIGINS gives none to anyone', async () => {
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' };
    const res = await fetch(hub.url, { method: 'OPTIONS', headers: { origin: other.origin, ...preflight } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const plain = await startHub();
    try {
      const r = await fetch(plain.url, { method: 'OPTIONS', headers: { origin: allowed.origin, ...preflight } });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(plain.url, {
        method: 'POST',
        headers: { origin: allowed.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ sdgGoals { number } }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  }, 120_000);
});

describe.skipIf(SKIP_BROWSER)(`CORS in Chromium${SKIP_BROWSER ? ` (${SKIP_REASON})` : ''}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    // No request routing here: playwright would answer the preflights itself.
    browser = await launchBrowser({ intercept: false });
  }, 60_000);
  afterAll(() => browser?.close());

  const query = 'query CircleName($slug: String!) { circle(slug: $slug) { name } }';
  const sha256Hash = createHash('sha256').update(query).digest('hex');

  /** What reached the hub from pages of an origin: method and status. */
  function arrivals(origin: string) {
    const seen: string[] = [];
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.headers.origin === origin) res.once('finish', () => seen.push(`${req.method} ${res.statusCode}`));
    };
    hub.app.httpServer.prependListener('request', listener);
    return { seen, stop: () => hub.app.httpServer.off('request', listener) };
  }

  /**
   * From a page of `origin`: a POST, then the same operation as a persisted query by GET, twice,
   * as a frontend would (the browser's cache revalidates the second with the ETag).
   */
  async function callFrom(origin: string) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(
        async ({ url, token, query, sha256Hash, slug }) => {
          const outcome = async (run: () => Promise<Response>) => {
            try {
              const res = await run();
              return { status: res.status, etag: res.headers.get('etag'), body: (res.status === 200 ? await res.json() : null) as any };
            } catch (err) {
              return { error: String(err) };
            }
          };
          const extensions = { persistedQuery: { version: 1, sha256Hash } };
          const auth = { authorization: `Bearer ${token}` };
          const post = await outcome(() =>
            fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { slug }, extensions }) }),
          );
          const getUrl = `${url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}&variables=${encodeURIComponent(JSON.stringify({ slug }))}`;
          const headers = { ...auth, 'apollo-require-preflight': 'true' };
          const get = await outcome(() => fetch(getUrl, { headers }));
          const again = await outcome(() => fetch(getUrl, { headers }));
          return { post, get, again };
        },
        { url: hub.url, token: member.token, query, sha256Hash, slug: circle.slug! },
      );
    } finally {
      await page.close();
    }
  }

  it('lets a page on a listed origin POST and GET a persisted query (with its ETag), and blocks a page on another origin', async () => {
    const fromAllowed = arrivals(allowed.origin);
    const ok = await callFrom(allowed.origin);
    fromAllowed.stop();
    expect(ok.post).toMatchObject({ status: 200, body: { data: { circle: { name: expect.any(String) } } } });
    expect(ok.get).toMatchObject({ status: 200, body: { data: { circle: { name: ok.post.body.data.circle.name } } } });
    expect(ok.get.etag).toMatch(/^W\/"/);
    // The browser revalidated its copy: the hub answered 304, and the page got the cached answer.
    expect(ok.again).toMatchObject({ status: 200, etag: ok.get.etag, body: ok.get.body });
    // Preflights for the POST (JSON, authorization) and the GET (apollo-require-preflight).
    expect(fromAllowed.seen).toEqual(['OPTIONS 204', 'POST 200', 'OPTIONS 204', 'GET 200', 'GET 304']);

    const fromOther = arrivals(other.origin);
    const blocked = await callFrom(other.origin);
    fromOther.stop();
    expect(blocked.post).toEqual({ error: expect.stringMatching(/TypeError: Failed to fetch/) });
    expect(blocked.get).toEqual({ error: expect.stringMatching(/TypeError: Failed to fetch/) });
    // Refused at the preflight: the requests themselves never left the browser.
    expect(fromOther.seen.every((s) => s.startsWith('OPTIONS'))).toBe(true);
    expect(fromOther.seen.length).toBeGreaterThan(0);

    expect(browser.blocked).toEqual([]);
  }, 60_000);
});
