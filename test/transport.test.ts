import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildApp, type App } from '../src/app.js';
import { persistedQueries } from '../src/db/schema.js';
import { createLogger } from '../src/logger.js';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit, type Actor, type Ref } from './support/seed-kit.js';

/** A raw HTTP exchange: fetch() would undo the content encoding this file is about. */
function exchange(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const FEED = `query Feed($slug: String!) {
  circle(slug: $slug) {
    name
    threads(first: 20) { nodes { title author { displayName } posts(first: 3) { nodes { body author { displayName } } } } }
  }
}`;

describe('compression and persisted queries', () => {
  let hub: TestHub;
  let member: Actor;
  let slug: string;
  let circleRef: Ref;

  beforeAll(async () => {
    hub = await startHub();
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    member = coordinator;
    slug = circle.slug!;
    circleRef = circle;
    for (let i = 0; i < 8; i++) {
      const thread = await coordinator.createThread(circle, { title: `Perencanaan desa dan SDGs, pertemuan ${i}` });
      await coordinator.createPost(thread, { body: 'Musrenbang desa membahas anggaran untuk stunting dan air bersih.' });
    }
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const feedRequest = (acceptEncoding?: string) =>
    exchange(hub.url, {
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${member.token}`,
        ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
      },
      body: JSON.stringify({ query: FEED, variables: { slug } }),
    });

  it('answers in brotli or gzip as the client asks, with the same JSON as uncompressed', async () => {
    const plain = await feedRequest();
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.raw.toString('utf8'));
    expect(json.data.circle.threads.nodes).toHaveLength(8);
    expect(plain.raw.length).toBeGreaterThan(1024);

    const br = await feedRequest('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(br.raw).toString('utf8'))).toEqual(json);
    expect(br.raw.length).toBeLessThan(plain.raw.length / 2);

    const gzip = await feedRequest('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.raw).toString('utf8'))).toEqual(json);
    expect(gzip.raw.length).toBeLessThan(plain.raw.length / 2);
  });

  it('leaves small answers uncompressed: under 1 KB the headers would cost more than the saving', async () => {
    const res = await exchange(hub.url, {
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.raw.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps persisted queries in the database: another instance, with nothing in memory, knows the hash', async () => {
    // A document of its own, so that no other test has registered this hash already.
    const query = `query PersistedFeed($slug: String!) { circle(slug: $slug) { name slug } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const stored = async () =>
      (await hub.database.db.select().from(persistedQueries).where(eq(persistedQueries.hash, sha256Hash))).map((r) => r.query);
    const send = (url: string, body: object) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);

    const unknown = await send(hub.url, { extensions, variables: { slug } });
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    // A hash that does not match its document is refused, and stores nothing.
    const forged = await send(hub.url, { query: '{ __typename }', extensions, variables: { slug } });
    expect(forged.errors[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    expect(await stored()).toEqual([]);

    const registered = await send(hub.url, { query, extensions, variables: { slug } });
    expect(registered.data.circle.slug).toBe(slug);
    // Apollo stores a registered document without holding the answer back for it: wait for the row.
    let rows: string[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = await stored();
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(rows).toEqual([query]);

    // A second instance on the same database, with an empty memory of its own.
    const other: App = await buildApp({ database: hub.database, logger: createLogger('error') });
    try {
      const hashOnly = await send(other.url, { extensions, variables: { slug } });
      expect(hashOnly.data.circle.slug).toBe(slug);
    } finally {
      await other.stop();
    }
  });

  it('answers a persisted query by GET with an ETag, and 304 with no body when the client already has it', async () => {
    const query = `query EtagFeed($slug: String!) { circle(slug: $slug) { name threads(first: 5) { nodes { title } } } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const headers = { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' };
    await fetch(hub.url, { method: 'POST', headers, body: JSON.stringify({ query, extensions, variables: { slug } }) });

    const url = `${hub.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}&variables=${encodeURIComponent(JSON.stringify({ slug }))}`;
    // GET needs a header a cross-site form cannot send (Apollo's CSRF prevention).
    const get = { authorization: `Bearer ${member.token}`, 'apollo-require-preflight': 'true' };
    const first = await exchange(url, { method: 'GET', headers: get });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.raw.toString('utf8')).data.circle.threads.nodes).toHaveLength(5);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"/);

    const again = await exchange(url, { method: 'GET', headers: { ...get, 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);

    // Something changed: the same GET gets the new answer, not a 304.
    await member.createThread(circleRef, { title: 'Jadwal musrenbang kecamatan' });
    const changed = await exchange(url, { method: 'GET', headers: { ...get, 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});
