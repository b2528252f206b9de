import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COORDINATOR_EMAIL, DEMO_PASSWORD, seedDemoData } from '../src/demo/seed.js';
import { startHub, type TestHub } from './support/hub.js';
import { ok } from './support/seed-kit.js';

// The demo data is what a newcomer sees first: the coordinator's semester report must have
// figures to show, and the one gathering taken from the news report must be as it tells it.
describe('demo data: the program work of semester 4', () => {
  let hub: TestHub;
  let token: string;

  beforeAll(async () => {
    hub = await startHub();
    expect(await seedDemoData(hub.database.db)).toBe(true);
    const signIn = ok(
      await hub.gql(`mutation($input: SignInInput!) { signIn(input: $input) { token } }`, {
        input: { email: DEMO_COORDINATOR_EMAIL, password: DEMO_PASSWORD },
      }),
    );
    token = signIn.signIn.token;
  }, 120_000);
  afterAll(() => hub?.stop());

  const ROW = `
    district { name }
    activeCircles organisations organisationsByKind { kind count } members facilitators villagesReached
    threadsStarted posts resourcesShared gatheringsHeld uniqueAttendees followUpsOpen followUpsDone
    attendance { total female male notStated byOrganisationKind { kind count } }`;

  it('gives the coordinator a semester-4 report with a figure in every column', async () => {
    const { programReport } = ok(
      await hub.gql(
        `query($from: DateTime!, $to: DateTime!) { programReport(from: $from, to: $to) { rows { ${ROW} } total { ${ROW} } } }`,
        // Semesters as calendar halves: semester 4 is July to December 2021 (WIB).
        { from: '2021-07-01T00:00:00+07:00', to: '2022-01-01T00:00:00+07:00' },
        token,
      ),
    );
    const total = programReport.total;
    const zeroes: string[] = [];
    for (const [key, value] of Object.entries(total)) {
      if (typeof value === 'number' && value === 0) zeroes.push(key);
    }
    for (const { kind, count } of total.organisationsByKind) if (count === 0) zeroes.push(`organisationsByKind.${kind}`);
    for (const [key, value] of Object.entries(total.attendance)) if (value === 0) zeroes.push(`attendance.${key}`);
    for (const { kind, count } of total.attendance.byOrganisationKind) if (count === 0) zeroes.push(`attendance.${kind}`);
    expect(zeroes).toEqual([]);

    // Every district has its row; gatherings were held in nine of the ten (Bulungan's was cancelled).
    expect(programReport.rows).toHaveLength(10);
    const held = programReport.rows.filter((r: any) => r.gatheringsHeld > 0).map((r: any) => r.district.name);
    expect(held).toHaveLength(9);
    expect(held).not.toContain('Bulungan');
    // The ToT circle is province-wide: its gathering counts in the total, not in a district row.
    const districtGatherings = programReport.rows.reduce((n: number, r: any) => n + r.gatheringsHeld, 0);
    expect(total.gatheringsHeld).toBe(districtGatherings + 1);
    expect(total.attendance.female + total.attendance.male + total.attendance.notStated).toBe(total.attendance.total);
    expect(total.followUpsOpen).toBeGreaterThan(0);
    expect(total.followUpsDone).toBeGreaterThan(0);
  });

  it('has the Senggigi training of trainers with its thirty CSO leaders', async () => {
    const { gatherings } = ok(
      await hub.gql(
        `query { gatherings(first: 5, kind: TRAINING_OF_TRAINERS, from: "2021-09-01T00:00:00Z", to: "2021-10-01T00:00:00Z") {
          edges { node {
            title venue timeZone status startsAt endsAt description
            rsvpCounts { going }
            resources(first: 5) { totalCount }
            attendanceSummary { total female male notStated byOrganisationKind { kind count } }
            followUps(first: 10) { edges { node { status completedAt } } }
          } } } }`,
        {},
        token,
      ),
    );
    expect(gatherings.edges).toHaveLength(1);
    const tot = gatherings.edges[0].node;
    expect(tot.venue).toBe('Hotel Montana Senggigi, Lombok Barat');
    expect(tot.timeZone).toBe('Asia/Makassar');
    expect(tot.status).toBe('HELD');
    expect(tot.startsAt).toBe('2021-09-16T00:00:00.000Z');
    expect(tot.endsAt).toBe('2021-09-19T08:00:00.000Z');
    expect(tot.description).toMatch(/fiktif/);
    expect(tot.attendanceSummary).toMatchObject({ total: 30, female: 13, male: 16, notStated: 1 });
    const csos = tot.attendanceSummary.byOrganisationKind.find((k: any) => k.kind === 'CIVIL_SOCIETY');
    expect(csos.count).toBe(30);
    expect(tot.rsvpCounts.going).toBe(12);
    expect(tot.resources.totalCount).toBe(2);
    const statuses = tot.followUps.edges.map((e: any) => e.node.status).sort();
    expect(statuses).toEqual(['DONE', 'DONE', 'DROPPED', 'IN_PROGRESS', 'OPEN']);
    for (const { node } of tot.followUps.edges) expect(node.completedAt !== null).toBe(node.status === 'DONE');
  });

  it('keeps the activity log in step with the gatherings and follow-ups', async () => {
    const { rows } = (await hub.database.db.execute(
      sql`select kind, count(*)::int as n from activity where kind in ('GATHERING_SCHEDULED', 'ATTENDANCE_RECORDED', 'FOLLOW_UP_CREATED') group by kind`,
    )) as unknown as { rows: { kind: string; n: number }[] };
    const counts = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    const { rows: tables } = (await hub.database.db.execute(
      sql`select (select count(*) from gatherings)::int as g,
              (select count(distinct gathering_id) from attendance_records)::int as sheets,
              (select count(*) from follow_ups)::int as f`,
    )) as unknown as { rows: { g: number; sheets: number; f: number }[] };
    expect(counts).toEqual({ ATTENDANCE_RECORDED: tables[0]!.sheets, FOLLOW_UP_CREATED: tables[0]!.f, GATHERING_SCHEDULED: tables[0]!.g });
  });
});
