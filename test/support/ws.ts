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

/** Subscribes and collects everything; `ready` resolves once the server acknowledged the socket. */
export function collect(client: Client, query: string, variables?: Record<string, unknown>) {
  const received: Received = { results: [], errors: [], completed: false };
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

export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
