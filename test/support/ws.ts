import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received {
  results: any[];
  errors: unknown[];
  completed: boolean;
}

export function wsClient(url: string, token?: string, opts: { lazy?: boolean } = {}): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authToken: token } : {},
    lazy: opts.lazy ?? true,
    retryAttempts: 0,
  });
}

/** Codes a subscription may end with (one error result, then `complete`): the server's refusals. */
const ENDING_CODES = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'BAD_USER_INPUT']);

/**
 * What is wrong with the `next` payloads a subscription received, as readable lines; [] when
 * every payload carries data and no error. The one exception is a last payload without data
 * whose errors all carry an ending code (FORBIDDEN when the viewer was removed), followed by
 * `complete`: that is how the server ends a subscription.
 */
export function payloadProblems(received: Received): string[] {
  const problems: string[] = [];
  received.results.forEach((r, i) => {
    const isEnding =
      i === received.results.length - 1 &&
      received.completed &&
      r?.data == null &&
      Array.isArray(r?.errors) &&
      r.errors.length > 0 &&
      r.errors.every((e: any) => ENDING_CODES.has(e?.extensions?.code));
    if (isEnding) return;
    if (r?.data == null) problems.push(`payload ${i} has no data: ${JSON.stringify(r)}`);
    else if (r.errors !== undefined) problems.push(`payload ${i} has errors: ${JSON.stringify(r.errors)}`);
  });
  return problems;
}

/** Every subscription `collect` opened that did not say it expects error payloads. */
const strict: Received[] = [];

/**
 * For an `afterEach`: every `next` payload of every subscription collected since the last call
 * carried data and no error (see payloadProblems). Without it, an event whose execution fails
 * would reach the client as `{ errors }` and tests counting only results with data would pass.
 */
export function expectWellFormedPayloads(): void {
  const problems = strict.splice(0).flatMap(payloadProblems);
  if (problems.length) throw new Error(`subscription payloads with errors or without data:\n${problems.join('\n')}`);
}

/**
 * Subscribes and collects everything; `ready` resolves once the server acknowledged the socket.
 * Unless `errorsExpected`, its payloads are checked by `expectWellFormedPayloads`.
 */
export function collect(client: Client, query: string, variables?: Record<string, unknown>, opts: { errorsExpected?: boolean } = {}) {
  const received: Received = { results: [], errors: [], completed: false };
  if (!opts.errorsExpected) strict.push(received);
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (v) => void received.results.push(v),
      error: (e) => {
        received.errors.push(e);
        done();
      },
      complete: () => {
        received.completed = true;
        done();
      },
    },
  );
  return { received, dispose, finished };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw graphql-transport-ws socket, past the handshake (acknowledged) or refused at it (closed). */
export interface Opened {
  socket: WebSocket;
  acked: boolean;
  closed?: { code: number; reason: string };
}

/**
 * graphql-ws sockets signed in with `token`, one per url: each acknowledged, or closed before
 * that. All are connected first and then initialised in the same tick, so that their admissions
 * race each other on the server rather than follow one another.
 */
export async function openAll(wsUrls: string[], token: string): Promise<Opened[]> {
  const sockets = await Promise.all(
    wsUrls.map(
      (url) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, 'graphql-transport-ws');
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const results = sockets.map(
    (socket) =>
      new Promise<Opened>((resolve) => {
        const result: Opened = { socket, acked: false };
        socket.on('message', (data) => {
          if (JSON.parse(String(data)).type === 'connection_ack') {
            result.acked = true;
            resolve(result);
          }
        });
        socket.on('close', (code, reason) => {
          result.closed = { code, reason: String(reason) };
          resolve(result);
        });
        socket.on('error', () => {});
      }),
  );
  for (const socket of sockets) socket.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } }));
  return Promise.all(results);
}

export const openRawSocket = async (wsUrl: string, token: string) => (await openAll([wsUrl], token))[0];
