import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { addRegion, regionGid } from './support/regions.js';

/**
 * The coordinator's report (DESIGN.md, "The coordinator's report") on a small world whose every
 * figure is known, and the number of SQL statements it costs.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
let coordinator: Actor;
let facilitator: Actor;
let participant: Actor;
let otherCoordinator: Actor;
let stranger: Actor;
const r = { ntb: '', lombokTengah: '', praya: '', v1: '', v2: '', sumbawa: '', bima: '' };
const DAY = 24 * 3600_000;
const now = Date.now();
const from = new Date(now - 30 * DAY).toISOString();
const to = new Date(now + 30 * DAY).toISOString();
const inPeriod = (days: number) => new Date(now + days * DAY).toISOString();

const REPORT = `query($from: DateTime!, $to: DateTime!, $regionId: ID, $sdgGoal: Int) {
  programReport(from: $from, to: $to, regionId: $regionId, sdgGoal: $sdgGoal) {
    from to
    rows { ...row }
    total { ...row }
  }
}
fragment row on ProgramReportRow {
  district { name }
  activeCircles organisations organisationsByKind { kind count } members facilitators villagesReached
  threadsStarted posts resourcesShared gatheringsHeld
  attendance { total female male notStated byOrganisationKind { kind count } }
  uniqueAttendees followUpsOpen followUpsDone
}`;

async function circleIn(who: Actor, orgs: Ref[], regionId: string, sdgGoals?: number[]): Promise<Ref> {
  const d = await who.must(`mutation($input: CreateCircleInput!) { createCircle(input: $input) { circle { id slug } } }`, {
    input: { name: `Lingkar ${Math.random().toString(36).slice(2, 8)}`, visibility: 'MEMBERS_ONLY', organisationIds: orgs.map((o) => o.id), regionId: regionGid(regionId), sdgGoals },
  });
  return d.createCircle.circle;
}

async function gathering(who: Actor, circle: Ref, opts: { status?: string; startsAt?: string; regionId?: string; attendees?: unknown[] }) {
  const d = await who.must(`mutation($input: ScheduleGatheringInput!) { scheduleGathering(input: $input) { gathering { id } } }`, {
    input: {
      circleId: circle.id,
      kind: 'VILLAGE_PLANNING_FORUM',
      title: 'Musrenbang desa',
      startsAt: opts.startsAt ?? inPeriod(-2),
      endsAt: new Date(Date.parse(opts.startsAt ?? inPeriod(-2)) + 3600_000).toISOString(),
      regionId: opts.regionId && regionGid(opts.regionId),
    },
  });
  const id = d.scheduleGathering.gathering.id;
  if (opts.attendees) await who.must(`mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { records { id } } }`, { input: { gatheringId: id, attendees: opts.attendees } });
  if (opts.status) await who.must(`mutation($input: UpdateGatheringInput!) { updateGathering(input: $input) { gathering { id } } }`, { input: { gatheringId: id, status: opts.status } });
  return id;
}

async function followUp(who: Actor, circle: Ref, status?: string) {
  const d = await who.must(`mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { followUp { id } } }`, {
    input: { circleId: circle.id, title: 'Rencana tindak lanjut' },
  });
  if (status) await who.must(`mutation($input: UpdateFollowUpInput!) { updateFollowUp(input: $input) { followUp { id } } }`, { input: { followUpId: d.createFollowUp.followUp.id, status } });
}

let circleA: Ref;
let org1: Ref;

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
  r.ntb = await addRegion(hub, 'PROVINCE', 'Nusa Tenggara Barat', null, '52');
  r.lombokTengah = await addRegion(hub, 'DISTRICT', 'Lombok Tengah', r.ntb, '52.02');
  r.praya = await addRegion(hub, 'SUBDISTRICT', 'Praya', r.lombokTengah);
  r.v1 = await addRegion(hub, 'VILLAGE', 'Bonjeruk', r.praya);
  r.v2 = await addRegion(hub, 'VILLAGE', 'Aik Mual', r.praya);
  r.sumbawa = await addRegion(hub, 'DISTRICT', 'Sumbawa', r.ntb, '52.04');
  r.bima = await addRegion(hub, 'DISTRICT', 'Bima', r.ntb, '52.06');
  [coordinator, facilitator, participant, otherCoordinator, stranger] = await Promise.all([
    kit.user('Koordinator'),
    kit.user('Fasilitator'),
    kit.user('Peserta'),
    kit.user('Koordinator Lain'),
    kit.user('Orang Lain'),
  ]);
  org1 = await coordinator.createOrg({ kind: 'CIVIL_SOCIETY' });
  // The coordinator administers org2; another coordinator runs circle E with it.
  const org2 = await coordinator.createOrg({ kind: 'COMMUNITY_GROUP' });
  await coordinator.addToOrg(org2, otherCoordinator, 'ADMIN');
  circleA = await circleIn(coordinator, [org1], r.v1, [5]);
  const circleB = await circleIn(coordinator, [org1], r.sumbawa, [16]);
  const circleE = await circleIn(otherCoordinator, [org2], r.lombokTengah);
  const strangerOrg = await stranger.createOrg();
  const circleX = await circleIn(stranger, [strangerOrg], r.lombokTengah);
  await coordinator.addMember(circleA, facilitator, 'FACILITATOR');
  await coordinator.addMember(circleA, participant);
  await coordinator.addMember(circleB, participant);

  const t1 = await coordinator.createThread(circleA);
  await coordinator.createThread(circleA);
  await coordinator.createThread(circleB);
  await otherCoordinator.createThread(circleE);
  await stranger.createThread(circleX);
  for (let i = 0; i < 3; i++) await participant.createPost(t1);
  // A deleted post is not reported: the figures below stay 3.
  const deleted = await participant.createPost(t1);
  ok(await participant.gql(`mutation($input: DeletePostInput!) { deletePost(input: $input) { post { isDeleted } } }`, { input: { postId: deleted.id } }));
  await coordinator.shareResource([circleA, circleB]);
  await coordinator.shareResource([circleA]);

  const P = { userId: participant.id, gender: 'FEMALE', organisationId: org1.id };
  const lalu = { name: 'Lalu Ahmad', gender: 'MALE', affiliationKind: 'VILLAGE_GOVERNMENT', villageId: regionGid(r.v1) };
  await gathering(facilitator, circleA, { status: 'HELD', regionId: r.v1, attendees: [P, lalu, { name: 'Baiq Nurul', gender: 'FEMALE', villageId: regionGid(r.v2) }] });
  await gathering(facilitator, circleA, { status: 'HELD', attendees: [P, { ...lalu, name: 'lalu  ahmad' }] });
  await gathering(coordinator, circleB, { status: 'HELD', attendees: [{ ...P }, { name: 'Inaq Sumi', gender: 'NOT_STATED', affiliationKind: 'COMMUNITY_GROUP' }] });
  // Not counted: planned, held before the period, in a circle the coordinator has nothing to do with.
  await gathering(facilitator, circleA, { attendees: [lalu] });
  await gathering(facilitator, circleA, { status: 'HELD', startsAt: inPeriod(-40), attendees: [lalu] });
  await gathering(stranger, circleX, { status: 'HELD', attendees: [lalu] });

  await followUp(facilitator, circleA);
  await followUp(facilitator, circleA, 'DONE');
  await followUp(facilitator, circleA, 'DROPPED');
  await followUp(coordinator, circleB, 'IN_PROGRESS');
  await followUp(stranger, circleX);
}, 600_000);
afterAll(() => hub?.stop());

const kinds = (counts: Record<string, number>) =>
  ['CIVIL_SOCIETY', 'DISTRICT_GOVERNMENT', 'VILLAGE_GOVERNMENT', 'PROGRAM_OPERATOR', 'DONOR', 'COMMUNITY_GROUP', 'OTHER'].map((kind) => ({
    kind,
    count: counts[kind] ?? 0,
  }));

const LOMBOK_TENGAH = {
  district: { name: 'Lombok Tengah' },
  activeCircles: 2,
  organisations: 2,
  organisationsByKind: kinds({ CIVIL_SOCIETY: 1, COMMUNITY_GROUP: 1 }),
  members: 4,
  facilitators: 1,
  villagesReached: 2,
  threadsStarted: 3,
  posts: 3,
  resourcesShared: 2,
  gatheringsHeld: 2,
  attendance: { total: 5, female: 3, male: 2, notStated: 0, byOrganisationKind: kinds({ CIVIL_SOCIETY: 2, VILLAGE_GOVERNMENT: 2, OTHER: 1 }) },
  uniqueAttendees: 3,
  followUpsOpen: 1,
  followUpsDone: 1,
};
const SUMBAWA = {
  district: { name: 'Sumbawa' },
  activeCircles: 1,
  organisations: 1,
  organisationsByKind: kinds({ CIVIL_SOCIETY: 1 }),
  members: 2,
  facilitators: 0,
  villagesReached: 0,
  threadsStarted: 1,
  posts: 0,
  resourcesShared: 1,
  gatheringsHeld: 1,
  attendance: { total: 2, female: 1, male: 0, notStated: 1, byOrganisationKind: kinds({ CIVIL_SOCIETY: 1, COMMUNITY_GROUP: 1 }) },
  uniqueAttendees: 2,
  followUpsOpen: 1,
  followUpsDone: 0,
};
const TOTAL = {
  district: null,
  activeCircles: 3,
  organisations: 2,
  organisationsByKind: kinds({ CIVIL_SOCIETY: 1, COMMUNITY_GROUP: 1 }),
  members: 4,
  facilitators: 1,
  villagesReached: 2,
  threadsStarted: 4,
  posts: 3,
  resourcesShared: 2,
  gatheringsHeld: 3,
  attendance: { total: 7, female: 4, male: 2, notStated: 1, byOrganisationKind: kinds({ CIVIL_SOCIETY: 3, VILLAGE_GOVERNMENT: 2, COMMUNITY_GROUP: 1, OTHER: 1 }) },
  uniqueAttendees: 4,
  followUpsOpen: 2,
  followUpsDone: 1,
};

describe('programReport', () => {
  it('gives exact figures per district (rolled up from villages) and in total, counting people and villages once', async () => {
    const d = ok(await coordinator.gql(REPORT, { from, to })) as any;
    expect(d.programReport.rows).toEqual([LOMBOK_TENGAH, SUMBAWA]);
    expect(d.programReport.total).toEqual(TOTAL);
    expect(d.programReport.from).toBe(from);
  });

  it('counts only the circles the viewer coordinates or whose organisations they administer', async () => {
    const d = ok(await stranger.gql(REPORT, { from, to })) as any;
    expect(d.programReport.rows).toHaveLength(1);
    expect(d.programReport.total).toMatchObject({ activeCircles: 1, gatheringsHeld: 1, threadsStarted: 1, followUpsOpen: 1 });
    const none = ok(await participant.gql(REPORT, { from, to })) as any;
    expect(none.programReport.rows).toEqual([]);
    expect(none.programReport.total).toMatchObject({ activeCircles: 0, members: 0, attendance: { total: 0 } });
  });

  it('filters by region and SDG goal', async () => {
    const sumbawa = ok(await coordinator.gql(REPORT, { from, to, regionId: regionGid(r.sumbawa) })) as any;
    expect(sumbawa.programReport.rows).toEqual([SUMBAWA]);
    const goal5 = ok(await coordinator.gql(REPORT, { from, to, sdgGoal: 5 })) as any;
    expect(goal5.programReport.rows.map((x: any) => x.district.name)).toEqual(['Lombok Tengah']);
    expect(goal5.programReport.total.gatheringsHeld).toBe(2);
  });

  it('refuses a period over 3 years, an end before the start and a goal out of range with BAD_USER_INPUT', async () => {
    const long = await coordinator.gql(REPORT, { from: '2020-01-01T00:00:00Z', to: '2023-01-02T00:00:00Z' });
    expect(long.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const backwards = await coordinator.gql(REPORT, { from: '2021-12-31T00:00:00Z', to: '2021-07-01T00:00:00Z' });
    expect(backwards.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const goal = await coordinator.gql(REPORT, { from, to, sdgGoal: 19 });
    expect(goal.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sdgGoal' });
    expect(codeOf(await hub.gql(REPORT, { from, to }))).toBe('UNAUTHENTICATED');
  });

  it('runs a fixed number of SQL statements, however many districts and circles it covers', async () => {
    await hub.app.feed.settle();
    await hub.app.feed.stop();
    const measure = async () => {
      const before = hub.statements.length;
      const data = ok(await coordinator.gql(REPORT, { from, to })) as any;
      // Less the hourly budget's charge (one statement on PostgreSQL whatever the query).
      return { data, statements: hub.statements.slice(before).filter((q) => !q.includes('"rate_limits"')) };
    };
    const small = await measure();
    // A third district with its own circle and a held gathering.
    const circleBima = await circleIn(coordinator, [org1], r.bima);
    await gathering(coordinator, circleBima, { status: 'HELD', attendees: [{ name: 'Dae Hasan', gender: 'MALE' }] });
    await hub.app.feed.settle();
    await hub.app.feed.stop();
    const large = await measure();
    expect(small.data.programReport.rows).toHaveLength(2);
    expect(large.data.programReport.rows).toHaveLength(3);
    console.log(`programReport: ${small.statements.length} statements for 2 districts, ${large.statements.length} for 3`);
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBeLessThanOrEqual(3);
  });
});

describe('downloads', () => {
  const get = (path: string, token?: string) =>
    fetch(new URL(path, hub.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  /** A report row of the GraphQL answer as the files flatten it. */
  const flat = (row: any, district: string) => [
    district,
    row.activeCircles,
    row.organisations,
    ...row.organisationsByKind.map((k: any) => k.count),
    row.members,
    row.facilitators,
    row.villagesReached,
    row.threadsStarted,
    row.posts,
    row.resourcesShared,
    row.gatheringsHeld,
    row.attendance.total,
    row.attendance.female,
    row.attendance.male,
    row.attendance.notStated,
    ...row.attendance.byOrganisationKind.map((k: any) => k.count),
    row.uniqueAttendees,
    row.followUpsOpen,
    row.followUpsDone,
  ];

  it('serves the report as CSV with a BOM and as XLSX, with the same figures as the GraphQL report', async () => {
    const report = (ok(await coordinator.gql(REPORT, { from, to })) as any).programReport;
    const expected = [...report.rows.map((row: any) => flat(row, row.district.name)), flat(report.total, 'Total')];

    const csv = await get(`/reports/program.csv?${query}`, coordinator.token);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['district', 'activeCircles', 'organisations', 'organisationsCivilSociety']);
    expect(lines[0].split(',')).toHaveLength(expected[0].length);
    expect(lines.slice(1).map((l) => l.split(',').map((c, i) => (i === 0 ? c : Number(c))))).toEqual(expected);

    const xlsx = await get(`/reports/program.xlsx?${query}`, coordinator.token);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values[0]).toEqual(lines[0].split(','));
    expect(values.slice(1)).toEqual(expected);
  });

  it('answers 401 without a token, 400 with a plain reason for a bad period, and counts only the viewer\'s circles', async () => {
    expect((await get(`/reports/program.csv?${query}`)).status).toBe(401);
    expect((await get(`/reports/program.csv?${query}`, 'lch_not-a-token')).status).toBe(401);
    const missing = await get(`/reports/program.csv?from=${encodeURIComponent(from)}`, coordinator.token);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/^to: is required/);
    const long = await get('/reports/program.xlsx?from=2020-01-01T00:00:00Z&to=2024-01-01T00:00:00Z', coordinator.token);
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/^to: the period may be at most 3 years/);
    expect((await get(`/reports/program.csv?from=yesterday&to=${encodeURIComponent(to)}`, coordinator.token)).status).toBe(400);
    const mine = await (await get(`/reports/program.csv?${query}`, participant.token)).text();
    expect(mine.trimEnd().split('\r\n')).toHaveLength(2);
  });

  it("serves a gathering's attendance sheet to its facilitators only: 404 for others", async () => {
    const id = await gathering(facilitator, circleA, { attendees: [{ name: '=HYPERLINK("x")', gender: 'MALE' }, { name: 'Baiq, Nurul', gender: 'FEMALE', villageId: regionGid(r.v2), position: 'Ketua "BPD"' }] });
    const csv = await get(`/gatherings/${id}/attendance.csv`, facilitator.token);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('name,gender,organisation,affiliation,affiliationKind,position,village,recordedAt');
    expect(lines[1]).toMatch(/^'=HYPERLINK\(""x""\)|^"'=HYPERLINK\(""x""\)"/);
    expect(lines[2]).toMatch(/^"Baiq, Nurul",FEMALE,,,OTHER,"Ketua ""BPD""",Aik Mual,/);
    const xlsx = await get(`/gatherings/${id}/attendance.xlsx`, coordinator.token);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0].rowCount).toBe(3);
    expect((await get(`/gatherings/${id}/attendance.csv`, participant.token)).status).toBe(404);
    expect((await get(`/gatherings/${id}/attendance.csv`, stranger.token)).status).toBe(404);
    expect((await get(`/gatherings/${id}/attendance.csv`)).status).toBe(401);
    expect((await get(`/gatherings/not-an-id/attendance.csv`, coordinator.token)).status).toBe(400);
  });
});
