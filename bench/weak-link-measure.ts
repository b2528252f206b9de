/**
 * circleFeed over an emulated weak link: as a phone on village data would ask for it the first
 * time (the whole document, no compression) and as a client that knows the hub asks for it
 * (the document's hash only, brotli), each on a new and on a reused connection.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { LINKS, startWeakLink, verifyPacing, type LinkSettings } from './weak-link.js';

export interface WeakLinkRecord {
  operation: string;
  link: string;
  settings: LinkSettings;
  /** The proxy against its setting, measured before (fraction, signed). */
  pacingError: { up: number; down: number };
  /** Bytes through the link each way, headers included. */
  bytesPlain: number;
  bytesCompressed: number;
  plain: { up: number; down: number };
  compressed: { up: number; down: number };
  /** Milliseconds from the request's start to the last byte of its answer, on a new connection. */
  msPlain: number;
  msCompressed: number;
  /** The same on a connection already open. */
  msPlainReused: number;
  msCompressedReused: number;
  /** Two round trips plus the compressed exchange's bytes at the link's rates each way. */
  msFloor: number;
}

interface Exchange {
  ms: number;
  status: number;
  body: Buffer;
}

function request(port: number, agent: http.Agent | false, headers: Record<string, string>, body: string): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function measureWeakLinks(opts: {
  hubUrl: string;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  operation: string;
  /** Exchanges per variant; the median is kept (each costs seconds on EDGE). */
  repeats: number;
  log: (msg: string) => void;
}): Promise<WeakLinkRecord[]> {
  const target = new URL(opts.hubUrl);
  const sha256Hash = createHash('sha256').update(opts.query).digest('hex');
  const auth = { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' };
  const plainBody = JSON.stringify({ query: opts.query, variables: opts.variables });
  const hashBody = JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } }, variables: opts.variables });
  // Register the document once, directly: afterwards its hash stands for it on every instance.
  const registered = await fetch(opts.hubUrl, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ query: opts.query, variables: opts.variables, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
  }).then((r) => r.json() as Promise<any>);
  if (registered.errors) throw new Error(`registering the persisted query failed: ${JSON.stringify(registered.errors)}`);

  const records: WeakLinkRecord[] = [];
  for (const link of LINKS) {
    const pacing = await verifyPacing(link);
    if (Math.abs(pacing.upError) > 0.1 || Math.abs(pacing.downError) > 0.1) {
      throw new Error(`the ${link.name} proxy paces ${(pacing.upError * 100).toFixed(1)} % / ${(pacing.downError * 100).toFixed(1)} % off its setting`);
    }
    const proxy = await startWeakLink({ host: target.hostname, port: Number(target.port) }, link);
    try {
      const variant = async (headers: Record<string, string>, body: string) => {
        const fresh: number[] = [];
        const reused: number[] = [];
        let bytes = { up: 0, down: 0 };
        for (let i = 0; i < opts.repeats; i++) {
          proxy.resetBytes();
          const first = await request(proxy.port, false, headers, body);
          if (first.status !== 200) throw new Error(`weak link ${link.name}: HTTP ${first.status}`);
          bytes = proxy.bytes();
          fresh.push(first.ms);
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          try {
            await request(proxy.port, agent, headers, body);
            reused.push((await request(proxy.port, agent, headers, body)).ms);
          } finally {
            agent.destroy();
          }
        }
        return { bytes, ms: median(fresh), msReused: median(reused) };
      };
      const plain = await variant(auth, plainBody);
      const compressed = await variant({ ...auth, 'accept-encoding': 'br, gzip' }, hashBody);
      const msFloor = 2 * link.rttMs + (compressed.bytes.up * 8) / link.upKbps + (compressed.bytes.down * 8) / link.downKbps;
      const record: WeakLinkRecord = {
        operation: opts.operation,
        link: link.name,
        settings: link,
        pacingError: { up: pacing.upError, down: pacing.downError },
        bytesPlain: plain.bytes.up + plain.bytes.down,
        bytesCompressed: compressed.bytes.up + compressed.bytes.down,
        plain: plain.bytes,
        compressed: compressed.bytes,
        msPlain: plain.ms,
        msCompressed: compressed.ms,
        msPlainReused: plain.msReused,
        msCompressedReused: compressed.msReused,
        msFloor,
      };
      opts.log(
        `weak link ${link.name}: ${opts.operation} plain ${record.bytesPlain} B in ${plain.ms.toFixed(0)} ms, ` +
          `persisted + brotli ${record.bytesCompressed} B in ${compressed.ms.toFixed(0)} ms (floor ${msFloor.toFixed(0)} ms, ` +
          `${(compressed.ms / msFloor).toFixed(2)}x); reused connection ${plain.msReused.toFixed(0)} / ${compressed.msReused.toFixed(0)} ms`,
      );
      records.push(record);
    } finally {
      await proxy.close();
    }
  }
  return records;
}
