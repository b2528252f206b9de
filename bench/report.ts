import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CpuUse } from './cpu.js';
import type { ProfileSummary } from './profile.js';
import type { SearchRecord } from './search.js';
import type { ProgramReportRecord } from './program-report.js';
import type { WeakLinkRecord } from './weak-link-measure.js';
import type { DefaultPathRecord } from './default-path.js';

export interface HttpFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface HttpRun extends HttpFigures {
  p90Ms: number;
  averageMs: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Responses carrying GraphQL errors. */
  mismatches: number;
  timeouts: number;
  cpu: CpuUse;
}

export interface HttpRecord {
  operation: string;
  description: string;
  hubRuns: HttpRun[];
  postgraphileRuns: HttpRun[];
  hub: HttpRun;
  postgraphile: HttpRun;
  ratio: number;
  /** Reads: the hub with its response cache off, every request executed (absent in older runs). */
  uncachedRuns?: HttpRun[];
  uncached?: HttpRun;
  uncachedRatio?: number;
  /** Reads: the statements of the same request answered from the response cache. */
  cachedStatements?: string[];
  sqlStatements: number;
  statements: string[];
  hubResponseBytes: number;
  postgraphileResponseBytes: number;
  profile?: ProfileSummary;
}

export interface FanoutRound {
  /** Commit of the mutation (server side) to the last delivery. */
  hubLastMs: number;
  hubFirstMs: number;
  /** The mutation's HTTP response arriving at the runner, to the last delivery. */
  hubFromResponseMs: number;
  floorLastMs: number;
  floorFirstMs: number;
  /** Time the floor server spent in its send loop. */
  floorSendLoopMs: number;
  /** CPU time of the hub process from before the mutation to the last delivery. */
  hubCpuMs: number;
  /** CPU time of the floor process from before the broadcast to the last receipt. */
  floorCpuMs: number;
}

export interface MemorySample {
  rss: number;
  /** V8's heap as reserved (pages), beside heapUsed, what lives in them. */
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Resident in malloc's main heap, and in anonymous mappings (V8's pages among them); see bench/hub-server.ts. */
  mallocHeap?: number;
  anonymous?: number;
}

export interface FanoutRecord {
  subscribers: number;
  hubLastDeliveryMs: number;
  floorMs: number;
  ratio: number;
  bytesPerSubscriber: number;
  heapBytesPerSubscriber: number;
  frameBytes: number;
  hubConnectMs: number;
  floorConnectMs: number;
  executionsPerEvent: number;
  rounds: FanoutRound[];
  memoryBefore: MemorySample;
  memoryAfter: MemorySample;
  profile?: ProfileSummary;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  os: string;
  /** One-minute load averages over the measuring (the machine may be shared). */
  loadAverage?: { start: number; mean: number; max: number };
}

export interface RunRecord {
  mode: 'quick' | 'full';
  scale: number;
  startedAt: string;
  durationMs: number;
  machine: Machine;
  /** How the hub process was started. */
  hubProcess: string;
  dataset: { counts: Record<string, number>; generateMs: number };
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    runsPerSide: number;
    fanoutRounds: number;
    /** Unmeasured rounds per side before those (absent in runs recorded before it existed). */
    fanoutWarmupRounds?: number;
    poolSize: number;
    peers: Record<string, string>;
  };
  http: HttpRecord[];
  fanout: FanoutRecord[];
  /** Absent in runs recorded before the weak-link phase existed. */
  weakLink?: WeakLinkRecord[];
  /** `npm start` on PGlite: start time and circleFeed (absent in older runs). */
  defaultPath?: DefaultPathRecord;
  /** The two-word search (absent in older runs). */
  search?: SearchRecord;
  /** What notifications add to writes (absent in runs recorded before it existed). */
  notifications?: NotificationRecord[];
  /** The coordinator's report over the whole data set (absent in older runs). */
  programReport?: ProgramReportRecord;
}

/** One write measured on the hub alone, for the cost of the notifications it writes. */
export interface NotificationRecord {
  name: string;
  description: string;
  runs: HttpRun[];
  best: HttpRun;
  sqlStatements: number;
  /** Notification rows one request wrote (measured on a request of its own). */
  notificationsPerRequest: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

/** bench/results.json, exactly in the shape the benchmark issue asks for. */
export function resultsJson(run: RunRecord) {
  return {
    http: run.http.map((h) => ({
      operation: h.operation,
      hub: { rps: r1(h.hub.rps), p50Ms: h.hub.p50Ms, p99Ms: h.hub.p99Ms },
      postgraphile: { rps: r1(h.postgraphile.rps), p50Ms: h.postgraphile.p50Ms, p99Ms: h.postgraphile.p99Ms },
      ratio: r2(h.ratio),
      sqlStatements: h.sqlStatements,
      ...(h.uncached
        ? {
            hubCacheOff: { rps: r1(h.uncached.rps), p50Ms: h.uncached.p50Ms, p99Ms: h.uncached.p99Ms },
            ratioCacheOff: r2(h.uncachedRatio!),
            sqlStatementsCached: h.cachedStatements?.length,
          }
        : {}),
    })),
    fanout: run.fanout.map((f) => ({
      subscribers: f.subscribers,
      hubLastDeliveryMs: r1(f.hubLastDeliveryMs),
      floorMs: r1(f.floorMs),
      ratio: r2(f.ratio),
      bytesPerSubscriber: Math.round(f.bytesPerSubscriber),
    })),
    weakLink: (run.weakLink ?? []).map((w) => ({
      operation: w.operation,
      link: w.link,
      bytesPlain: w.bytesPlain,
      bytesCompressed: w.bytesCompressed,
      msPlain: Math.round(w.msPlain),
      msCompressed: Math.round(w.msCompressed),
      msFloor: Math.round(w.msFloor),
    })),
    ...(run.defaultPath
      ? {
          defaultPath: {
            warmRestartMs: Math.round(run.defaultPath.warmRestart.wallMs),
            warmRestartCpuMs: Math.round(run.defaultPath.warmRestart.cpuMs),
            warmRestartRssMiB: Math.round(run.defaultPath.warmRestart.rssMiB),
            circleFeed: run.defaultPath.circleFeed && {
              rps: r1(run.defaultPath.circleFeed.rps),
              p50Ms: run.defaultPath.circleFeed.p50Ms,
              p99Ms: run.defaultPath.circleFeed.p99Ms,
            },
          },
        }
      : {}),
    ...(run.search
      ? {
          search: {
            query: run.search.query,
            totalCount: run.search.totalCount,
            rps: r1(run.search.rps),
            p50Ms: run.search.p50Ms,
            p99Ms: run.search.p99Ms,
            usesGinIndex: run.search.usesGinIndex,
          },
        }
      : {}),
    ...(run.programReport
      ? {
          programReport: {
            districts: run.programReport.districts,
            gatheringsHeld: run.programReport.gatheringsHeld,
            attendance: run.programReport.attendance,
            p50Ms: run.programReport.p50Ms,
            p90Ms: run.programReport.p90Ms,
          },
        }
      : {}),
  };
}

export interface Goal {
  goal: string;
  figure: string;
  met: boolean;
}

export function goals(run: RunRecord): Goal[] {
  const out: Goal[] = [];
  const feed = run.http.find((h) => h.operation === 'circleFeed');
  if (feed) {
    out.push({
      goal: 'circleFeed at least 1.5x PostGraphile req/s',
      figure:
        `${r2(feed.ratio)}x (${r1(feed.hub.rps)} vs ${r1(feed.postgraphile.rps)} req/s)` +
        (feed.uncached ? `; with the response cache off ${r2(feed.uncachedRatio!)}x (${r1(feed.uncached.rps)} req/s)` : ''),
      met: feed.ratio >= 1.5,
    });
  }
  const page = run.http.find((h) => h.operation === 'threadPage');
  if (page) {
    out.push({
      goal: 'threadPage at least 1.5x PostGraphile req/s',
      figure:
        `${r2(page.ratio)}x (${r1(page.hub.rps)} vs ${r1(page.postgraphile.rps)} req/s)` +
        (page.uncached ? `; with the response cache off ${r2(page.uncachedRatio!)}x (${r1(page.uncached.rps)} req/s)` : ''),
      met: page.ratio >= 1.5,
    });
  }
  const write = run.http.find((h) => h.operation === 'createPost');
  if (write) {
    out.push({
      goal: 'createPost at least 0.5x PostGraphile req/s',
      figure: `${r2(write.ratio)}x (${r1(write.hub.rps)} vs ${r1(write.postgraphile.rps)} req/s)`,
      met: write.ratio >= 0.5,
    });
  }
  for (const f of run.fanout.filter((x) => x.subscribers >= 5_000)) {
    out.push({
      goal: `fan-out to ${f.subscribers.toLocaleString('en')} within 1.5x the floor`,
      figure: `${r2(f.ratio)}x (${r1(f.hubLastDeliveryMs)} vs ${r1(f.floorMs)} ms)`,
      met: f.ratio <= 1.5,
    });
  }
  for (const w of (run.weakLink ?? []).filter((x) => x.link === 'edge')) {
    out.push({
      goal: `${w.operation} over EDGE on a new connection within 1.2x the link's floor`,
      figure: `${r2(w.msCompressed / w.msFloor)}x (${Math.round(w.msCompressed)} vs ${Math.round(w.msFloor)} ms, ${w.bytesCompressed} B)`,
      met: w.msCompressed <= 1.2 * w.msFloor,
    });
  }
  if (run.defaultPath) {
    const w = run.defaultPath.warmRestart;
    out.push({
      goal: '`npm start` on the embedded default: warm restart to first answer under 3 s',
      figure: `${fmt(w.wallMs / 1000, 2)} s (${fmt(w.cpuMs / 1000, 2)} s of CPU), ${Math.round(w.rssMiB)} MiB RSS`,
      met: w.wallMs < 3_000,
    });
  }
  if (run.search) {
    const s = run.search;
    out.push({
      goal: 'two-word search: p50 under 50 ms and p99 under 200 ms, through the GIN index',
      figure: `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms over ${s.totalCount.toLocaleString('en')} hits; GIN index ${s.usesGinIndex ? 'used' : 'not used'}`,
      met: s.p50Ms < 50 && s.p99Ms < 200 && s.usesGinIndex,
    });
  }
  if (run.programReport) {
    const r = run.programReport;
    out.push({
      goal: `programReport over the x${run.scale} data set within a second`,
      figure: `p50 ${r.p50Ms} ms, p90 ${r.p90Ms} ms (${r.districts.toLocaleString('en')} districts, ${r.attendance.toLocaleString('en')} attendance lines)`,
      met: r.p90Ms < 1_000,
    });
  }
  const largest = [...run.fanout].sort((a, b) => b.subscribers - a.subscribers)[0];
  if (largest) {
    out.push({
      goal: 'at most 15 KB per idle subscriber',
      figure: `${(largest.bytesPerSubscriber / 1024).toFixed(1)} KB RSS at ${largest.subscribers.toLocaleString('en')} (${(largest.heapBytesPerSubscriber / 1024).toFixed(1)} KB of heap)`,
      met: largest.bytesPerSubscriber <= 15 * 1024,
    });
  }
  return out;
}

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const fmt = (x: number, digits = 1) => x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function profileSection(title: string, p: ProfileSummary): string {
  return [
    `#### ${title}`,
    '',
    `${fmt(p.totalMs, 0)} ms of samples (idle excluded); file \`${p.file}\`.`,
    '',
    table(
      ['self time by place', 'ms', 'share'],
      p.places.slice(0, 10).map((e) => [e.name, e.selfMs, `${fmt(e.share * 100)} %`]),
    ),
    '',
    table(
      ['self time by function', 'ms', 'share'],
      p.functions.slice(0, 12).map((e) => [`\`${e.name}\``, e.selfMs, `${fmt(e.share * 100)} %`]),
    ),
    '',
  ].join('\n');
}

export function benchmarksMarkdown(run: RunRecord, notesFile: string): string {
  const s = run.settings;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Written by \`npm run bench${run.mode === 'quick' ? ' -- --quick' : ''}\` (bench/run.ts) on ${run.startedAt.slice(0, 10)}: ` +
      `${run.mode} run, data set x${run.scale}, ${fmt(run.durationMs / 60_000)} minutes. The figures below are rewritten by every run; ` +
      'the notes at the end come from `bench/notes.md`. Raw figures: `bench/results.json`.',
    '',
  );

  lines.push('## HTTP: the hub beside PostGraphile 5', '');
  lines.push(
    table(
      ['operation', 'hub req/s', 'hub p50 ms', 'hub p99 ms', 'PostGraphile req/s', 'PG p50 ms', 'PG p99 ms', 'hub / PostGraphile', 'hub SQL statements'],
      run.http.flatMap((h) => [
        [
          h.operation,
          fmt(h.hub.rps),
          h.hub.p50Ms,
          h.hub.p99Ms,
          fmt(h.postgraphile.rps),
          h.postgraphile.p50Ms,
          h.postgraphile.p99Ms,
          `${r2(h.ratio)}x`,
          h.cachedStatements ? `${h.cachedStatements.length} (answered from the cache)` : h.sqlStatements,
        ],
        ...(h.uncached
          ? [
              [
                `${h.operation}, response cache off`,
                fmt(h.uncached.rps),
                h.uncached.p50Ms,
                h.uncached.p99Ms,
                fmt(h.postgraphile.rps),
                h.postgraphile.p50Ms,
                h.postgraphile.p99Ms,
                `${r2(h.uncachedRatio!)}x`,
                h.sqlStatements,
              ],
            ]
          : []),
      ]),
    ),
    '',
    'A read asked again with nothing written in between is answered from the response cache (src/shared/response-cache.ts), ' +
      'as every request of these runs is after the first: the "response cache off" rows execute every request, which is what ' +
      'each read costs after any write.',
    '',
  );

  if (run.weakLink?.length) {
    lines.push('## circleFeed over a weak link', '');
    lines.push(
      'Through `bench/weak-link.ts`, a user-space proxy pacing each direction and adding half the round trip each way ' +
        '(the handshake costs one round trip; TCP slow start and losses are not modelled). "Plain" sends the whole document and ' +
        'accepts no compression; "persisted + brotli" sends only the document\'s hash and accepts `br`. Bytes are HTTP headers and ' +
        'bodies both ways. The floor: two round trips plus the persisted + brotli exchange\'s bytes at the link\'s rates. ' +
        'The response cache is off here, as for search and the report: every request executes.',
      '',
    );
    lines.push(
      table(
        ['link', 'plain bytes', 'plain ms (new / reused)', 'persisted + brotli bytes', 'persisted + brotli ms (new / reused)', 'floor ms', 'new / floor', 'proxy pacing error up / down'],
        run.weakLink.map((w) => [
          `${w.link} (${w.settings.downKbps}/${w.settings.upKbps} kbit/s, ${w.settings.rttMs} ms)`,
          w.bytesPlain.toLocaleString('en'),
          `${Math.round(w.msPlain)} / ${Math.round(w.msPlainReused)}`,
          w.bytesCompressed.toLocaleString('en'),
          `${Math.round(w.msCompressed)} / ${Math.round(w.msCompressedReused)}`,
          Math.round(w.msFloor),
          `${r2(w.msCompressed / w.msFloor)}x`,
          `${fmt(w.pacingError.up * 100)} % / ${fmt(w.pacingError.down * 100)} %`,
        ]),
      ),
      '',
    );
  }

  if (run.defaultPath) {
    const d = run.defaultPath;
    lines.push('## The README\'s default path: `npm start` on PGlite', '');
    lines.push(
      `${d.command}. Warm restart: the data folder exists, migrated and seeded; median of ${d.warmRestarts.length} restarts. ` +
        'Phases are the hub\'s own account in its "hub listening" log line (imports: Node start to `main()`).',
      '',
    );
    lines.push(
      table(
        ['start', 'to first answer (ms)', 'CPU (ms)', 'RSS (MiB)', 'phases (ms)'],
        [
          ['empty folder (creates, migrates, seeds)', Math.round(d.coldStart.wallMs), Math.round(d.coldStart.cpuMs), Math.round(d.coldStart.rssMiB), Object.entries(d.coldStart.phases).map(([k, v]) => `${k} ${v}`).join(', ')],
          ['warm restart', Math.round(d.warmRestart.wallMs), Math.round(d.warmRestart.cpuMs), Math.round(d.warmRestart.rssMiB), Object.entries(d.warmRestart.phases).map(([k, v]) => `${k} ${v}`).join(', ')],
        ],
      ),
      '',
    );
    if (d.circleFeed) {
      lines.push(
        table(
          ['operation', 'req/s', 'p50 ms', 'p99 ms', 'response bytes'],
          [['circleFeed, demo circle, on `npm start` (PGlite)', fmt(d.circleFeed.rps), d.circleFeed.p50Ms, d.circleFeed.p99Ms, d.circleFeed.responseBytes]],
        ),
        '',
      );
    }
  }

  if (run.notifications?.length) {
    const plain = run.notifications[0].best.rps;
    lines.push('## Writes that notify: the hub alone', '');
    lines.push(
      table(
        ['write', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/request', 'PostgreSQL CPU ms/request', 'beside plain createPost', 'notifications per request', 'SQL statements'],
        run.notifications.map((n) => [
          n.name,
          fmt(n.best.rps),
          n.best.p50Ms,
          n.best.p99Ms,
          r2(n.best.cpu.serverMsPerRequest),
          r2(n.best.cpu.postgresMsPerRequest),
          `${r2(n.best.rps / plain)}x`,
          r2(n.notificationsPerRequest),
          n.sqlStatements,
        ]),
      ),
      '',
      run.notifications.map((n) => `- **${n.name}**: ${n.description}.`).join('\n'),
      '',
    );
  }

  lines.push('## Fan-out: the hub beside a bare `ws` server', '');
  lines.push(
    table(
      ['subscribers', 'hub: commit to last delivery (ms)', 'floor: broadcast to last receipt (ms)', 'hub / floor', 'bytes per idle subscriber (RSS)', 'heap bytes per subscriber', 'frame bytes'],
      run.fanout.map((f) => [
        f.subscribers.toLocaleString('en'),
        fmt(f.hubLastDeliveryMs),
        fmt(f.floorMs),
        `${r2(f.ratio)}x`,
        Math.round(f.bytesPerSubscriber).toLocaleString('en'),
        Math.round(f.heapBytesPerSubscriber).toLocaleString('en'),
        f.frameBytes,
      ]),
    ),
    '',
  );

  lines.push(
    'All times in ms. On a shared or busy machine the wall-clock figures swing from round to round; the CPU time each server ' +
      'spent per round (median, in the details) is steadier: ' +
      run.fanout
        .map((f) => {
          const hub = median(f.rounds.map((r) => r.hubCpuMs));
          const floor = median(f.rounds.map((r) => r.floorCpuMs));
          return `${f.subscribers.toLocaleString('en')}: hub ${fmt(hub)} ms, floor ${fmt(floor)} ms (${r2(hub / floor)}x)`;
        })
        .join('; ') +
      '. The hub\'s CPU includes handling the createPost request itself.',
    '',
  );

  if (run.search) {
    const s = run.search;
    lines.push('## Search', '');
    lines.push(
      `\`search(query: "${s.query}", first: 20)\` with totalCount, highlights and each hit's subject, by the HTTP viewer: ` +
        `${s.connections} clients, each sending its next request when the last one answered, for ${s.durationSeconds} s after a warm-up; ` +
        'the response cache off, so every request runs the search.',
      '',
    );
    lines.push(
      table(
        ['hits visible to the viewer', 'req/s', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'GIN index'],
        [[s.totalCount.toLocaleString('en'), fmt(s.rps), s.p50Ms, s.p90Ms, s.p99Ms, s.usesGinIndex ? 'used' : '**not used**']],
      ),
      '',
    );
    lines.push('The plan of the page statement as the API runs it (EXPLAIN ANALYZE, BUFFERS):', '', '```', s.explain, '```', '');
  }

  if (run.programReport) {
    const r = run.programReport;
    lines.push('## The coordinator\'s report', '');
    lines.push(
      `\`programReport(from: "${r.period.from}", to: "${r.period.to}")\` with every column, per district and in total, asked by a ` +
        `program coordinator whose operator takes part in every circle: ${r.requests} requests one after the other after two unmeasured ones. ` +
        'Its SQL statements are a fixed few whatever the number of districts and circles (test/report.test.ts counts them). ' +
        'The response cache is off: every request runs the report.',
      '',
    );
    lines.push(
      table(
        ['districts', 'gatherings held', 'attendance lines', 'p50 (ms)', 'p90 (ms)', 'max (ms)'],
        [[r.districts.toLocaleString('en'), r.gatheringsHeld.toLocaleString('en'), r.attendance.toLocaleString('en'), r.p50Ms, r.p90Ms, r.maxMs]],
      ),
      '',
    );
  }

  lines.push('## Goals', '');
  lines.push(table(['goal', 'figure', 'met'], goals(run).map((g) => [g.goal, g.figure, g.met ? 'met' : '**missed**'])), '');

  const m = run.machine;
  lines.push('## Machine', '');
  lines.push(
    table(
      ['', ''],
      [
        ['CPU', m.cpu],
        ['cores', m.cores],
        ['memory', `${m.memoryGiB} GiB`],
        ['OS', m.os],
        ['Node.js', m.node],
        ['PostgreSQL', m.postgres],
        ['PostGraphile / autocannon', `${s.peers.postgraphile} / ${s.peers.autocannon}`],
        ...(m.loadAverage
          ? [['load average while measuring', `${m.loadAverage.mean} mean, ${m.loadAverage.max} max (${m.loadAverage.start} at the start)`]]
          : []),
      ],
    ),
    '',
    'Everything runs on this one machine: PostgreSQL, the servers, the load generator and the subscribers share its cores. ' +
      'A load average well above what the benchmark itself puts on the machine (about 2 to 3 on 2 cores) means other work was running ' +
      'and the figures are low and noisy.',
    '',
  );

  lines.push('## Data set', '');
  lines.push(
    `Scale x${run.scale} of the demo program's shape (x1: 10 circles, 1,000 threads, ~10,000 posts, 100 users), generated in ` +
      `${fmt(run.dataset.generateMs / 1000)} s by set-based SQL (generate_series, md5-derived ids and values: the same scale gives the same rows), ` +
      'then VACUUM ANALYZE:',
    '',
  );
  lines.push(table(['table', 'rows'], Object.entries(run.dataset.counts).map(([t, n]) => [t, n.toLocaleString('en')])), '');
  lines.push(
    'Every circle has 20 members from 3 organisations; a thread has 1 to 17 posts, or 60 for every 50th thread of a circle; ' +
      'every fourth post replies to the one before; every fifth post has 1 to 3 reactions and every third thread 2; ' +
      '`threads.post_count` and `last_activity_at` match the posts; the activity log holds THREAD_CREATED and POST_CREATED for all of them. ' +
      'Every user has a session row with a known token (`lch_bench_<n>`) and the same real scrypt password hash.',
    '',
  );

  lines.push('## Method', '');
  lines.push(
    '- **Database.** The run creates its own database on `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`, used as the admin ' +
      'connection), migrates it with `src/db/migrate.ts`, loads the data set, and drops it at the end, also after a failure or Ctrl-C.',
    '- **Servers.** The hub runs in its own process (`bench/hub-server.ts`: `buildApp` from src over `createDatabase`, no demo data, ' +
      `log level warn, pool of ${s.poolSize}), started as \`${run.hubProcess}\`; PostGraphile 5 (Amber preset, default role, no auth, pool of ${s.poolSize}) in another ` +
      '(`bench/postgraphile/server.mjs`, installed by the run into `bench/.work/peers`, Promise.withResolvers polyfill preloaded through NODE_OPTIONS, ' +
      'the builtin geometric `circle` type renamed so the `circles` table can be `Circle`). Both with NODE_ENV=production, same database. ' +
      'The hub is compiled by tsc with the repository\'s settings (as `npm run build` does) rather than run under tsx: tsx routes every ' +
      'dynamic `import()` through its loader thread, and type-graphql does one per validated argument, which made circleFeed about ' +
      '1.5 to 2 times slower than the same code compiled. `--tsx` measures under tsx.',
    `- **HTTP.** autocannon ${s.peers.autocannon} in the runner process, ${s.connections} connections, POST with a JSON body. For each operation: ` +
      'one request per side is checked first (the data it must hold, and no GraphQL errors); then a ' +
      `${s.warmupSeconds} s warm-up per side; then ${s.runsPerSide} runs of ${s.durationSeconds} s per side, alternating hub, PostGraphile, hub, PostGraphile. ` +
      'The better run (higher req/s) of each side is reported, with that run\'s p50 and p99 (autocannon\'s histogram has 1 ms steps). ' +
      'Every response body is checked during the runs; a response with GraphQL errors counts as a failure and fails the benchmark.',
    '- **CPU per request.** Around every run the runner reads /proc: CPU time of the server process and of the PostgreSQL backends ' +
      'serving the benchmark\'s database, divided by the requests served, and the share of the cores used by autocannon and by anything ' +
      'else on the machine (other work).',
    '- **The hub\'s requests** are made as a signed-in member (PARTICIPANT) of a MEMBERS_ONLY circle, with a token from `signIn` through the API. ' +
      '`sqlStatements` counts the statements of one such request (statements issued under the request, found through `createDatabase`\'s `onQuery`).',
    '- **Equivalent queries.** circleFeed: `circleBySlug { threadsByCircleId(first: 20, orderBy: [LAST_ACTIVITY_AT_DESC, ROW_ID_DESC]) { nodes { title ' +
      'userByAuthorId { displayName } postCount lastActivityAt postsByThreadId(first: 3, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { body userByAuthorId { displayName } } } } } }`. ' +
      'threadPage: `threadByRowId { title postsByThreadId(first: 50, ...) { nodes { body userByAuthorId { displayName } postByReplyToId { rowId } reactionsByPostId { nodes { content userId } } } } }` ' +
      '(PostGraphile has no grouped reactions without a plugin; a client groups the kinds and finds its own user). createPost: `createPost(input: { post: { threadId authorId body } }) { post { rowId createdAt } }`. ' +
      'Both sides spread posts over the same 50 threads. The two do not do the same work: the hub checks the session and membership, locks ' +
      'the thread, keeps `post_count` and `last_activity_at`, appends to the activity log under an advisory lock, writes the notifications ' +
      'and sends NOTIFY in one transaction (posts that arrive while the previous call is in the database share one, each checked and ' +
      'answered on its own); PostGraphile inserts one row, each in its own transaction.',
    `- **Fan-out.** A separate client process (\`bench/fanout-client.ts\`) opens N WebSockets (graphql-transport-ws written out by hand, ` +
      'one `circleActivity` subscription each, tokens of all users round robin, one PUBLIC circle); the runner waits until the hub reports ' +
      `N subscribers, then makes one createPost in that circle, ${s.fanoutRounds} times` +
      (s.fanoutWarmupRounds ? ` after ${s.fanoutWarmupRounds} unmeasured warm-up rounds (on each side)` : '') +
      `. The hub figure runs from the moment the mutation's ` +
      '`commit` is answered by PostgreSQL (timestamp taken in the hub process) to the last delivery in the client process; both clocks are ' +
      '`performance.timeOrigin + performance.now()` on the same machine. The floor: a bare `ws` server in its own process ' +
      '(`bench/floor-server.ts`), the same client process with N plain sockets, the frame the hub delivered (same bytes, encoded once) sent to ' +
      'every socket, timed from the start of the send loop to the last receipt. The median round of each is reported.',
    '- **Memory per idle subscriber.** A fresh hub process for each N. 1,000 warm-up subscribers connect first and stay connected while ' +
      'the N are measured (the first burst of connections grows the process once, whatever N follows); GC forced (`--expose-gc`, four ' +
      'passes) before the N connect and again once all are subscribed and idle; (RSS after - RSS before) / N, the marginal cost of N more ' +
      'idle subscribers. The heap figure is ((heapUsed + external) after - before) / N. The warm-up sockets close before the rounds.',
    '',
  );

  lines.push('## How to reproduce', '');
  lines.push(
    '```sh',
    'npm ci',
    'npm run bench -- --quick      # x10 data set, 1,000 and 5,000 subscribers, 10 s runs (under 15 minutes on 2 cores)',
    'npm run bench                 # x100 data set, 1,000 / 5,000 / 10,000 subscribers, 30 s runs',
    'DATABASE_URL=postgres://user@host:5432/postgres npm run bench -- --quick',
    'npm run bench -- --quick --profile   # adds one CPU-profiled hub run per operation and fan-out size (bench/.work/profiles)',
    '```',
    '',
    'Other flags: `--only http|fanout` (written to bench/.work instead), `--duration <s>`, `--connections <n>`, `--subscribers 1000,5000`, ' +
      '`--rounds <n>`, `--scale <n>`, `--tsx`, `--keep-db`, and `--report`, which rewrites this file from the last run (bench/.work/last-run.json) after bench/notes.md changed. ' +
      'The first run installs PostGraphile and autocannon (pinned) into `bench/.work/peers` with npm. PostgreSQL needs a role that may create databases.',
    '',
  );

  lines.push('## Details', '');
  lines.push('### Every HTTP run', '');
  lines.push(
    table(
      [
        'operation',
        'side',
        'run',
        'req/s',
        'p50',
        'p90',
        'p99',
        'avg ms',
        'requests',
        'errors / non-2xx / GraphQL errors / timeouts',
        'server CPU ms/request',
        'PostgreSQL CPU ms/request',
        'autocannon share of the cores',
        'other work\'s share of the cores',
      ],
      run.http.flatMap((h) =>
        (
          [
            ['hub', h.hubRuns],
            ['PostGraphile', h.postgraphileRuns],
          ] as const
        ).flatMap(([side, runs]) =>
          runs.map((x, i) => [
            h.operation,
            side,
            i + 1,
            fmt(x.rps),
            x.p50Ms,
            x.p90Ms,
            x.p99Ms,
            fmt(x.averageMs, 2),
            x.requests.toLocaleString('en'),
            `${x.errors} / ${x.non2xx} / ${x.mismatches} / ${x.timeouts}`,
            fmt(x.cpu.serverMsPerRequest, 2),
            fmt(x.cpu.postgresMsPerRequest, 2),
            `${fmt(x.cpu.runnerShare * 100, 0)} %`,
            `${fmt(x.cpu.otherShare * 100, 0)} %`,
          ]),
        ),
      ),
    ),
    '',
  );
  lines.push(
    `Response sizes: ${run.http.map((h) => `${h.operation} hub ${h.hubResponseBytes} B, PostGraphile ${h.postgraphileResponseBytes} B`).join('; ')}.`,
    '',
  );
  lines.push('### The hub\'s SQL statements per operation', '');
  for (const h of run.http) {
    lines.push(`**${h.operation}** (${h.sqlStatements}):`, '', '```sql', ...h.statements.map((q) => (q.length > 160 ? q.slice(0, 157) + '...' : q)), '```', '');
  }
  lines.push('### Fan-out rounds', '');
  lines.push(
    table(
      [
        'subscribers',
        'round',
        'hub: commit to first',
        'hub: commit to last',
        'hub: HTTP response to last',
        'floor: first',
        'floor: last',
        'floor send loop',
        'hub CPU (mutation included)',
        'floor CPU',
      ],
      run.fanout.flatMap((f) =>
        f.rounds.map((r, i) => [
          f.subscribers.toLocaleString('en'),
          i + 1,
          fmt(r.hubFirstMs),
          fmt(r.hubLastMs),
          fmt(r.hubFromResponseMs),
          fmt(r.floorFirstMs),
          fmt(r.floorLastMs),
          fmt(r.floorSendLoopMs),
          fmt(r.hubCpuMs),
          fmt(r.floorCpuMs),
        ]),
      ),
    ),
    '',
  );
  lines.push(
    table(
      ['subscribers', 'connect + subscribe (hub)', 'connect (floor)', 'executions per event', 'RSS before', 'RSS after', 'heap+external before', 'heap+external after'],
      run.fanout.map((f) => [
        f.subscribers.toLocaleString('en'),
        `${fmt(f.hubConnectMs / 1000)} s`,
        `${fmt(f.floorConnectMs / 1000)} s`,
        f.executionsPerEvent,
        `${fmt(f.memoryBefore.rss / 2 ** 20)} MiB`,
        `${fmt(f.memoryAfter.rss / 2 ** 20)} MiB`,
        `${fmt((f.memoryBefore.heapUsed + f.memoryBefore.external) / 2 ** 20)} MiB`,
        `${fmt((f.memoryAfter.heapUsed + f.memoryAfter.external) / 2 ** 20)} MiB`,
      ]),
    ),
    '',
  );

  const profiled = [...run.http.filter((h) => h.profile), ...run.fanout.filter((f) => f.profile)];
  if (profiled.length) {
    lines.push('### CPU profiles of the hub', '');
    lines.push(
      'One extra run per operation (and one extra fan-out round per size) with V8\'s CPU profiler on in the hub process (the profiler ' +
        '`node --cpu-prof` uses, started through the inspector so each profile covers one operation); reads with the response cache off, every request executed. Not used for the figures above.',
      '',
    );
    for (const h of run.http) if (h.profile) lines.push(profileSection(`${h.operation}`, h.profile));
    for (const f of run.fanout) if (f.profile) lines.push(profileSection(`fan-out to ${f.subscribers.toLocaleString('en')}`, f.profile));
  }

  if (existsSync(notesFile)) {
    lines.push('## Notes', '', readFileSync(notesFile, 'utf8').trim(), '');
  }
  return lines.join('\n');
}

export function writeReports(run: RunRecord, files: { results: string; markdown: string; notes: string }): void {
  writeFileSync(files.results, JSON.stringify(resultsJson(run), null, 2) + '\n');
  writeFileSync(files.markdown, benchmarksMarkdown(run, files.notes));
}
