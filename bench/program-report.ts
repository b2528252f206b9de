/**
 * The coordinator's report on the benchmark's data set: programReport for a year over every
 * circle, asked by a program coordinator the way a report page asks it, one request after the
 * other (a coordinator does not open the report fifty times at once). Latency percentiles from
 * every request; the goal is an answer within a second at x100.
 */
import { BENCH_PASSWORD, REPORT_COORDINATOR, REPORT_PERIOD } from './dataset.js';

export const HUB_PROGRAM_REPORT = `query ProgramReport($from: DateTime!, $to: DateTime!) {
  programReport(from: $from, to: $to) {
    rows { ...Row }
    total { ...Row }
  }
}
fragment Row on ProgramReportRow {
  district { id name }
  activeCircles organisations organisationsByKind { kind count } members facilitators villagesReached
  threadsStarted posts resourcesShared gatheringsHeld uniqueAttendees followUpsOpen followUpsDone
  attendance { total female male notStated byOrganisationKind { kind count } }
}`;

export interface ProgramReportRecord {
  period: { from: string; to: string };
  /** District rows in the answer. */
  districts: number;
  gatheringsHeld: number;
  attendance: number;
  requests: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function measureProgramReport(opts: { url: string; requests: number; log: (msg: string) => void }): Promise<ProgramReportRecord> {
  // Signed in through the API, as the coordinator's browser would.
  const signIn: any = await (
    await fetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { token } }',
        variables: { email: REPORT_COORDINATOR.email, password: BENCH_PASSWORD },
      }),
    })
  ).json();
  const token: string | undefined = signIn?.data?.signIn?.token;
  if (!token) throw new Error(`programReport: the coordinator's signIn failed: ${JSON.stringify(signIn).slice(0, 500)}`);
  const body = JSON.stringify({ query: HUB_PROGRAM_REPORT, variables: REPORT_PERIOD });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const once = async () => {
    const res = await fetch(opts.url, { method: 'POST', headers, body });
    const json: any = await res.json();
    if (res.status !== 200 || json.errors) throw new Error(`programReport failed: HTTP ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json.data.programReport;
  };
  const first = await once();
  const total = first.total;
  if (!(first.rows.length > 0 && total.gatheringsHeld > 0 && total.attendance.total > 0 && total.followUpsOpen > 0)) {
    throw new Error(`programReport counted too little: ${JSON.stringify(total).slice(0, 500)}`);
  }
  opts.log(
    `programReport: ${first.rows.length} districts, ${total.gatheringsHeld} gatherings held, ${total.attendance.total} attendance lines; ` +
      `measuring ${opts.requests} requests one after the other`,
  );
  for (let i = 0; i < 2; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < opts.requests; i++) {
    const started = performance.now();
    await once();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const record: ProgramReportRecord = {
    period: { ...REPORT_PERIOD },
    districts: first.rows.length,
    gatheringsHeld: total.gatheringsHeld,
    attendance: total.attendance.total,
    requests: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    maxMs: round(latencies.at(-1)!),
  };
  opts.log(`programReport: p50 ${record.p50Ms} ms, p90 ${record.p90Ms} ms, max ${record.maxMs} ms`);
  return record;
}
