/**
 * The search benchmark: a two-word full-text search by the HTTP viewer, as a search box would
 * send it, under the same concurrency as the HTTP runs; latency percentiles from every request,
 * and the EXPLAIN (ANALYZE) of the very statement the API runs for it.
 */
import 'reflect-metadata';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { searchStatements } from '../src/modules/search/search.service.js';
import { SearchKind } from '../src/modules/search/search.type.js';

/** Two words of middling frequency in bench/dataset.ts's vocabulary: many hits, not most posts. */
export const SEARCH_WORDS = 'anggaran stunting';

export const HUB_SEARCH = `query Search($query: String!) {
  search(query: $query, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      rank
      highlight
      subject {
        __typename
        ... on Thread { id title }
        ... on Post { id body thread { id title } }
        ... on Resource { id title }
        ... on Circle { id name }
        ... on Organisation { id name }
      }
    }
  }
}`;

export interface SearchRecord {
  query: string;
  /** Hits the viewer may see (the response's totalCount). */
  totalCount: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  connections: number;
  durationSeconds: number;
  /** EXPLAIN (ANALYZE, BUFFERS) of the page statement, as the viewer. */
  explain: string;
  /** The plan reads posts through their GIN index (posts_search_idx). */
  usesGinIndex: boolean;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function explainSearch(databaseUrl: string, viewerUuid: string): Promise<string> {
  const statements = searchStatements({ viewerId: viewerUuid, text: SEARCH_WORDS, kinds: new Set(Object.values(SearchKind)) }, null, 20)!;
  const { sql: text, params } = new PgDialect().sqlToQuery(statements.page);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

/** Requests the search from `connections` clients at once, each sending its next as soon as the last answered. */
export async function measureSearch(opts: {
  url: string;
  token: string;
  databaseUrl: string;
  viewerUuid: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  log: (msg: string) => void;
}): Promise<SearchRecord> {
  const body = JSON.stringify({ query: HUB_SEARCH, variables: { query: SEARCH_WORDS } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` };
  const once = async () => {
    const res = await fetch(opts.url, { method: 'POST', headers, body });
    const json: any = await res.json();
    if (res.status !== 200 || json.errors) throw new Error(`search failed: HTTP ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json.data.search;
  };
  const first = await once();
  if (!(first.totalCount > 0 && first.nodes.length === 20)) throw new Error(`search found too little: ${JSON.stringify(first).slice(0, 500)}`);
  if (!first.nodes.some((n: any) => n.highlight?.includes('<mark>'))) throw new Error('search: no highlighted fragment on the first page');
  opts.log(`search "${SEARCH_WORDS}": ${first.totalCount} hits the viewer may see; first page answers correctly`);

  const run = async (seconds: number) => {
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          await once();
          latencies.push(performance.now() - started);
        }
      }),
    );
    return latencies.sort((a, b) => a - b);
  };
  await run(opts.warmupSeconds);
  const latencies = await run(opts.durationSeconds);
  const explain = await explainSearch(opts.databaseUrl, opts.viewerUuid);
  const record: SearchRecord = {
    query: SEARCH_WORDS,
    totalCount: first.totalCount,
    requests: latencies.length,
    rps: latencies.length / opts.durationSeconds,
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p90Ms: Math.round(percentile(latencies, 90) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    connections: opts.connections,
    durationSeconds: opts.durationSeconds,
    explain,
    usesGinIndex: /Bitmap Index Scan on posts_search_idx/.test(explain),
  };
  opts.log(
    `search: ${record.rps.toFixed(1)} req/s, p50 ${record.p50Ms} ms, p90 ${record.p90Ms} ms, p99 ${record.p99Ms} ms; GIN index ${record.usesGinIndex ? 'used' : 'NOT used'}`,
  );
  return record;
}
