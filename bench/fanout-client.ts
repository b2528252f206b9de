/**
 * The subscribers of the fan-out benchmark: one process holding N WebSockets, started by
 * bench/run.ts. Against the hub each socket speaks graphql-transport-ws (raw, no client
 * library: 10,000 graphql-ws clients would cost this process more than the sockets do) and
 * holds one circleActivity subscription; against the floor server sockets only listen.
 *
 * A round counts deliveries: the time of the first and the last, and the frame's size. The
 * handler is the same for both servers and does no parsing beyond the first frame.
 */
import WebSocket from 'ws';
import { now, serveIpc } from './ipc.js';

interface ConnectArgs {
  url: string;
  n: number;
  /** graphql: graphql-transport-ws with one subscription per socket; raw: listen only. */
  mode: 'graphql' | 'raw';
  /** Bearer tokens, used round robin (graphql mode). */
  tokens?: string[];
  query?: string;
  variables?: Record<string, unknown>;
  /** Handshakes in flight at once. */
  concurrency?: number;
  /** Keep these sockets apart (a warm-up set): not counted in rounds, closed by `release`. */
  hold?: boolean;
}

interface Round {
  expect: number;
  count: number;
  first: number;
  last: number;
  minBytes: number;
  maxBytes: number;
  frame: string | null;
  done: (() => void) | null;
}

let sockets: WebSocket[] = [];
let held: WebSocket[] = [];
/** Sockets this process is closing itself: their close is expected. */
const closing = new WeakSet<WebSocket>();
let round: Round | null = null;
let stray = 0;
let unexpectedCloses = 0;
let errors: string[] = [];

function deliver(data: Buffer): void {
  const t = now();
  const r = round;
  if (!r) {
    stray++;
    return;
  }
  r.count++;
  r.last = t;
  const bytes = data.length;
  if (r.count === 1) {
    r.first = t;
    r.frame = data.toString('utf8');
  }
  if (bytes < r.minBytes) r.minBytes = bytes;
  if (bytes > r.maxBytes) r.maxBytes = bytes;
  if (r.count === r.expect) r.done?.();
}

function open(args: ConnectArgs, index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(args.url, args.mode === 'graphql' ? 'graphql-transport-ws' : undefined, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    let ready = false;
    const fail = (why: string) => {
      if (!ready) reject(new Error(`socket ${index}: ${why}`));
      else {
        unexpectedCloses++;
        if (errors.length < 10) errors.push(`socket ${index}: ${why}`);
      }
    };
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code, reason) => {
      if (!closing.has(ws)) fail(`closed ${code} ${String(reason)}`);
    });
    if (args.mode === 'raw') {
      ws.on('open', () => {
        ready = true;
        resolve(ws);
      });
      ws.on('message', deliver);
      return;
    }
    ws.on('open', () => {
      const token = args.tokens![index % args.tokens!.length];
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } }));
    });
    ws.on('message', (data: Buffer) => {
      if (ready) return deliver(data);
      const msg = JSON.parse(data.toString('utf8'));
      if (msg.type !== 'connection_ack') return fail(`expected connection_ack, got ${data.toString('utf8').slice(0, 200)}`);
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: args.query, variables: args.variables } }));
      ready = true;
      resolve(ws);
    });
  });
}

function closeAll(all: WebSocket[]): Promise<unknown> {
  return Promise.all(
    all.map(
      (ws) =>
        new Promise<void>((resolve) => {
          closing.add(ws);
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 5_000);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1000);
        }),
    ),
  );
}

serveIpc({
  /** Opens N sockets (and subscribes each); resolves once every subscribe has been sent. */
  connect: async (args: ConnectArgs) => {
    unexpectedCloses = 0;
    stray = 0;
    errors = [];
    const started = now();
    const concurrency = args.concurrency ?? 200;
    let next = 0;
    const opened: WebSocket[] = new Array(args.n);
    const worker = async () => {
      while (next < args.n) {
        const i = next++;
        opened[i] = await open(args, i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, args.n) }, worker));
    if (args.hold) held = opened;
    else sockets = opened;
    return { sockets: opened.length, ms: now() - started };
  },

  /** Starts counting deliveries for a round expecting one frame per socket. */
  arm: ({ expect }: { expect: number }) => {
    round = { expect, count: 0, first: 0, last: 0, minBytes: Infinity, maxBytes: 0, frame: null, done: null };
    return null;
  },

  /** Waits for the armed round to complete. */
  wait: async ({ timeoutMs }: { timeoutMs: number }) => {
    const r = round;
    if (!r) throw new Error('no round armed');
    if (r.count < r.expect) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `round timed out: ${r.count} of ${r.expect} delivered; ${unexpectedCloses} sockets closed unexpectedly ${errors.join('; ')}`,
              ),
            ),
          timeoutMs,
        );
        r.done = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    round = null;
    return { count: r.count, first: r.first, last: r.last, minBytes: r.minBytes, maxBytes: r.maxBytes, frame: r.frame, stray, unexpectedCloses };
  },

  /** Closes the round's sockets. */
  close: async () => {
    const all = sockets;
    sockets = [];
    await closeAll(all);
    return null;
  },

  /** Closes the held (warm-up) sockets. */
  release: async () => {
    const all = held;
    held = [];
    await closeAll(all);
    return null;
  },

  shutdown: () => {
    setImmediate(() => process.exit(0));
    return null;
  },
});
