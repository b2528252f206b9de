import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import type { Context } from '../context.js';
import type { Metrics } from '../metrics.js';

/** The channel every committed write to a table a query can read is announced on (migration 0012). */
export const DATA_CHANNEL = 'hub_data';

/**
 * Answers to queries, per session, document, operation and variables, served again until
 * anything a query can read changes.
 *
 * Invalidation is whole and by notice, never by age: every table a query reads carries a
 * statement trigger that NOTIFYs `hub_data` in the writing transaction, so every instance hears
 * of every commit (the GraphQL mutations, the sweeps, a hand-run UPDATE alike) and empties its
 * cache. The instance that ran a mutation empties it before answering, so its client's next
 * read cannot be from before the write; other instances lag by the notice's delivery, as they
 * do for the activity feed. While the listener is away notices are lost: the cache is not used,
 * and it is emptied when the listener is back.
 *
 * The key holds the session, not only the user: an answer is never served to another viewer,
 * and a revoked or expired session is refused by authentication before the cache is asked.
 * Answers with errors are not kept, nor those that read what no notice covers (the viewer's
 * sessions, which every request's use moves on: see `untracked`).
 *
 * A read that raced an invalidation must not be stored: each invalidation moves `generation`,
 * and `remember` takes the generation seen before the read began.
 */
export class ResponseCache {
  private entries = new Map<string, { data: Record<string, unknown>; bytes: number }>();
  /**
   * The HTTP body of each kept answer, by its data: serialising a kept answer again for every hit
   * was the largest part of the hub's CPU for a read served from here (22 % for the benchmark's
   * circle feed). Weak, so an answer's text goes with its entry.
   */
  private texts = new WeakMap<object, string>();
  private gen = 0;
  private bytes = 0;

  constructor(
    /** Whether invalidations can arrive now (the notifier's listener is connected). */
    private readonly listening: () => boolean,
    /**
     * Room for answers, in bytes: each counts twice the length of its JSON, once for the kept
     * text and once for the objects it was read into. 0 turns the cache off (the benchmark
     * measures both).
     */
    public capacityBytes: number,
  ) {}

  get enabled(): boolean {
    return this.capacityBytes > 0;
  }

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(key: string): Record<string, unknown> | undefined {
    if (!this.listening()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last, so the least recently used is the first to go when full.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.data;
  }

  remember(key: string, data: Record<string, unknown>, generationBeforeRead: number): void {
    if (generationBeforeRead !== this.gen || !this.listening()) return;
    const json = JSON.stringify(data);
    const bytes = 2 * json.length + key.length;
    if (bytes > this.capacityBytes / 8) return;
    this.texts.set(data, `{"data":${json}}\n`);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { data, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.capacityBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  /**
   * The HTTP body Apollo would write for `result` (its `stringifyResult`), when that is the text
   * kept with a cached answer: an answer with nothing but the kept data, whose text is exactly
   * `JSON.stringify({ data }) + '\n'`. Anything else is serialised as Apollo does.
   */
  stringify(result: { data?: unknown; errors?: unknown; extensions?: unknown }): string {
    if (result.errors === undefined && result.extensions === undefined && typeof result.data === 'object' && result.data !== null) {
      const text = this.texts.get(result.data);
      if (text !== undefined) return text;
    }
    return JSON.stringify(result) + '\n';
  }

  /** Something a query can read changed, or notices may have been lost. */
  invalidate(): void {
    this.gen++;
    if (this.entries.size === 0) return;
    this.entries = new Map();
    this.bytes = 0;
  }
}

/**
 * The answer being built reads what no notice covers: it is not kept. Resolvers of such fields
 * call this (today: the viewer's sessions, whose last use and expiry move with every request).
 */
export function untracked(ctx: Context): void {
  ctx.untracked = true;
}

function keyOf(rc: GraphQLRequestContext<Context>): string {
  const { viewer } = rc.contextValue;
  return `${viewer ? viewer.sessionId : '-'}\u0000${rc.queryHash}\u0000${rc.operationName ?? ''}\u0000${JSON.stringify(rc.request.variables ?? {})}`;
}

/**
 * Serves queries over HTTP from the cache, after the operation was resolved and charged to the
 * viewer's budget (the query cost plugin's didResolveOperation runs first, so a cached answer
 * costs what a fresh one does), and keeps fresh answers that had no errors. A mutation empties
 * it once it has run, before its answer leaves.
 */
export function responseCachePlugin(cache: ResponseCache, metrics?: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      if (!cache.enabled) return;
      let key: string | undefined;
      let generation = 0;
      let served = false;
      return {
        async responseForOperation(rc) {
          if (rc.operation?.operation !== 'query') return null;
          key = keyOf(rc);
          // From before the session was read where the context says so: a viewer taken from the
          // session cache a moment before a profile's change was announced must not be kept.
          generation = rc.contextValue.cacheGeneration ?? cache.generation;
          const data = cache.lookup(key);
          metrics?.responseCache.inc({ outcome: data ? 'hit' : 'miss' });
          if (!data) return null;
          served = true;
          return { body: { kind: 'single', singleResult: { data } }, http: { headers: new HeaderMap() } };
        },
        async willSendResponse(rc) {
          if (rc.operation?.operation === 'mutation') {
            cache.invalidate();
            return;
          }
          if (served || key === undefined || rc.contextValue.untracked || rc.response.body.kind !== 'single') return;
          const { data, errors, extensions } = rc.response.body.singleResult;
          if (!data || errors?.length || extensions) return;
          cache.remember(key, data, generation);
        },
      };
    },
  };
}
