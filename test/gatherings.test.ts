import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutLookahead } from './support/lookahead.js';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { attendanceRecords } from '../src/db/schema.js';
import { parseGlobalId } from '../src/shared/ids.js';
import { addRegion as addRegionTo, regionGid, type Level } from './support/regions.js';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

/**
 * Gatherings, RSVPs, attendance sheets and follow-ups (DESIGN.md, "Gatherings, attendance,
 * follow-ups"), through GraphQL against a real database.
 */

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
let coordinator: Actor;
let facilitator: Actor;
let participant: Actor;
let outsider: Actor;
let org: Ref;
let circle: Ref;
const region = { ntb: '', lombokBarat: '', senggigi: '', batulayar: '', jabar: '', majalengka: '', papua: '' };
const gid = regionGid;

const addRegion = (level: Level, name: string, parentId: string | null, code: string | null) => addRegionTo(hub, level, name, parentId, code);

beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
  // Regions are reference data, not something the API writes.
  region.ntb = await addRegion('PROVINCE', 'Nusa Tenggara Barat', null, '52');
  region.lombokBarat = await addRegion('DISTRICT', 'Lombok Barat', region.ntb, '52.01');
  region.batulayar = await addRegion('SUBDISTRICT', 'Batu Layar', region.lombokBarat, null);
  region.senggigi = await addRegion('VILLAGE', 'Senggigi', region.batulayar, null);
  region.jabar = await addRegion('PROVINCE', 'Jawa Barat', null, '32');
  region.majalengka = await addRegion('DISTRICT', 'Majalengka', region.jabar, '32.10');
  region.papua = await addRegion('PROVINCE', 'Papua', null, null);
  const seeded = await kit.circleWithCoordinator({ visibility: 'MEMBERS_ONLY' });
  coordinator = seeded.coordinator;
  org = seeded.org;
  circle = seeded.circle;
  facilitator = await kit.user('Fasilitator');
  participant = await kit.user('Peserta');
  outsider = await kit.user('Orang Luar');
  await coordinator.addMember(circle, facilitator, 'FACILITATOR');
  await coordinator.addMember(circle, participant);
});
afterAll(() => hub?.stop());

const SCHEDULE = `mutation($input: ScheduleGatheringInput!) { scheduleGathering(input: $input) {
  clientMutationId gathering { id kind title status startsAt endsAt timeZone venue region { name } sdgGoals { number } circle { id } createdBy { displayName } } } }`;
const UPDATE = `mutation($input: UpdateGatheringInput!) { updateGathering(input: $input) { gathering { id status title timeZone startsAt endsAt } } }`;
const RSVP = `mutation($input: RespondToGatheringInput!) { respondToGathering(input: $input) { gathering { viewerRsvp rsvpCounts { going maybe notGoing } } } }`;
const RECORD = `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) {
  clientMutationId records { id name gender affiliationKind user { id } organisation { id } village { name } position }
  gathering { attendanceSummary { total female male notStated byOrganisationKind { kind count } } } } }`;
const SHEET = `query($id: ID!) { node(id: $id) { ... on Gathering { attendance(first: 100) { totalCount nodes { name gender } } attendanceSummary { total } } } }`;
const FOLLOW_UP = `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { followUp { id title status dueOn completedAt owner { id } gathering { id } organisation { id } } } }`;
const UPDATE_FOLLOW_UP = `mutation($input: UpdateFollowUpInput!) { updateFollowUp(input: $input) { followUp { id status completedAt title } } }`;

async function schedule(who: Actor, input: Record<string, unknown> = {}) {
  const res = await who.gql(SCHEDULE, {
    input: {
      circleId: circle.id,
      kind: 'CIRCLE_MEETING',
      title: 'Pertemuan lingkar belajar',
      startsAt: '2021-10-05T01:00:00.000Z',
      endsAt: '2021-10-05T05:00:00.000Z',
      ...input,
    },
  });
  return res;
}

describe('scheduling gatherings', () => {
  it('stores the venue zone of the region, WITA for Lombok, and keeps times in UTC', async () => {
    const d = ok(
      await schedule(facilitator, {
        kind: 'TRAINING_OF_TRAINERS',
        title: 'ToT Senggigi',
        startsAt: '2021-09-16T01:00:00.000Z',
        endsAt: '2021-09-19T09:00:00.000Z',
        venue: 'Hotel Montana Senggigi',
        regionId: gid(region.senggigi),
        sdgGoals: [16, 17, 16],
      }),
    ) as any;
    expect(d.scheduleGathering.gathering).toMatchObject({
      kind: 'TRAINING_OF_TRAINERS',
      status: 'PLANNED',
      timeZone: 'Asia/Makassar',
      startsAt: '2021-09-16T01:00:00.000Z',
      region: { name: 'Senggigi' },
      sdgGoals: [{ number: 16 }, { number: 17 }],
      createdBy: { displayName: 'Fasilitator' },
    });
  });

  it('derives WIB for Java, WIT for a Papua province by name, and Asia/Jakarta without any region', async () => {
    const zone = async (regionId?: string) =>
      (ok(await schedule(coordinator, { regionId: regionId && gid(regionId) })) as any).scheduleGathering.gathering.timeZone;
    expect(await zone(region.majalengka)).toBe('Asia/Jakarta');
    expect(await zone(region.papua)).toBe('Asia/Jayapura');
    expect(await zone()).toBe('Asia/Jakarta');
  });

  it('keeps an explicit IANA zone and refuses an unknown one with BAD_USER_INPUT naming timeZone', async () => {
    const d = ok(await schedule(coordinator, { timeZone: 'Asia/Makassar' })) as any;
    expect(d.scheduleGathering.gathering.timeZone).toBe('Asia/Makassar');
    const bad = await schedule(coordinator, { timeZone: 'Asia/Mataram' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('timeZone');
  });

  it('refuses an end before the start with BAD_USER_INPUT naming endsAt, writing nothing', async () => {
    const before = await hub.database.db.execute(sql`select count(*)::int as n from gatherings`);
    const res = await schedule(coordinator, { startsAt: '2021-10-05T05:00:00.000Z', endsAt: '2021-10-05T01:00:00.000Z' });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toBe('endsAt');
    const after = await hub.database.db.execute(sql`select count(*)::int as n from gatherings`);
    expect((after as any).rows[0].n).toBe((before as any).rows[0].n);
  });

  it('lets facilitators and coordinators schedule, forbids participants, and hides the circle from outsiders', async () => {
    expect(codeOf(await schedule(participant))).toBe('FORBIDDEN');
    expect(codeOf(await schedule(outsider))).toBe('NOT_FOUND');
    ok(await schedule(coordinator));
  });

  it('is idempotent with clientMutationId', async () => {
    const key = `sched-${randomUUID()}`;
    const a = ok(await schedule(facilitator, { clientMutationId: key })) as any;
    const b = ok(await schedule(facilitator, { clientMutationId: key })) as any;
    expect(b.scheduleGathering.gathering.id).toBe(a.scheduleGathering.gathering.id);
    expect(b.scheduleGathering.clientMutationId).toBe(key);
  });

  it('updates, marks held and cancels; participants may not', async () => {
    const g = (ok(await schedule(facilitator)) as any).scheduleGathering.gathering;
    expect(codeOf(await participant.gql(UPDATE, { input: { gatheringId: g.id, status: 'HELD' } }))).toBe('FORBIDDEN');
    const held = ok(await facilitator.gql(UPDATE, { input: { gatheringId: g.id, status: 'HELD', title: 'Pertemuan ke-2' } })) as any;
    expect(held.updateGathering.gathering).toMatchObject({ status: 'HELD', title: 'Pertemuan ke-2' });
    const moved = await facilitator.gql(UPDATE, { input: { gatheringId: g.id, endsAt: '2021-10-04T00:00:00.000Z' } });
    expect(moved.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    const cancelled = ok(await coordinator.gql(UPDATE, { input: { gatheringId: g.id, status: 'CANCELLED' } })) as any;
    expect(cancelled.updateGathering.gathering.status).toBe('CANCELLED');
    expect(codeOf(await outsider.gql(UPDATE, { input: { gatheringId: g.id, status: 'HELD' } }))).toBe('NOT_FOUND');
  });
});

describe('listing gatherings', () => {
  let other: Ref;
  beforeAll(async () => {
    other = await coordinator.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
    const at = (day: number) => `2030-01-${String(day).padStart(2, '0')}T02:00:00.000Z`;
    for (const [c, day, kind, regionId] of [
      [other, 20, 'VILLAGE_PLANNING_FORUM', region.senggigi],
      [other, 10, 'CIRCLE_MEETING', region.majalengka],
      [other, 15, 'CIRCLE_MEETING', null],
    ] as const) {
      ok(
        await coordinator.gql(SCHEDULE, {
          input: { circleId: c.id, kind, title: `G ${day}`, startsAt: at(day), endsAt: at(day + 1), regionId: regionId && gid(regionId) },
        }),
      );
    }
  });

  it('orders a circle\u2019s gatherings soonest first and filters them by period and status', async () => {
    const q = `query($slug: String!, $from: DateTime, $to: DateTime) { circle(slug: $slug) { gatherings(from: $from, to: $to) { totalCount nodes { title } } } }`;
    const all = ok(await coordinator.gql(q, { slug: other.slug })) as any;
    expect(all.circle.gatherings.nodes.map((g: any) => g.title)).toEqual(['G 10', 'G 15', 'G 20']);
    const some = ok(await coordinator.gql(q, { slug: other.slug, from: '2030-01-12T00:00:00Z', to: '2030-01-18T00:00:00Z' })) as any;
    expect(some.circle.gatherings).toEqual({ totalCount: 1, nodes: [{ title: 'G 15' }] });
  });

  it('lists gatherings across visible circles by region (below it too) and kind, never those of hidden circles', async () => {
    const q = `query($regionId: ID, $kind: GatheringKind, $from: DateTime) { gatherings(regionId: $regionId, kind: $kind, from: $from, first: 50) { totalCount nodes { title } } }`;
    const lombok = ok(await coordinator.gql(q, { regionId: gid(region.lombokBarat), from: '2030-01-01T00:00:00Z' })) as any;
    expect(lombok.gatherings.nodes.map((g: any) => g.title)).toEqual(['G 20']);
    const meetings = ok(await coordinator.gql(q, { kind: 'CIRCLE_MEETING', from: '2030-01-01T00:00:00Z' })) as any;
    expect(meetings.gatherings.nodes.map((g: any) => g.title)).toEqual(['G 10', 'G 15']);
    const none = ok(await outsider.gql(q, { from: '2030-01-01T00:00:00Z' })) as any;
    expect(none.gatherings).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe('RSVPs', () => {
  it('counts answers, replaces a second answer, and shows the viewer their own', async () => {
    const g = (ok(await schedule(facilitator)) as any).scheduleGathering.gathering;
    ok(await participant.gql(RSVP, { input: { gatheringId: g.id, response: 'MAYBE' } }));
    ok(await facilitator.gql(RSVP, { input: { gatheringId: g.id, response: 'GOING' } }));
    const d = ok(await participant.gql(RSVP, { input: { gatheringId: g.id, response: 'GOING' } })) as any;
    expect(d.respondToGathering.gathering).toEqual({ viewerRsvp: 'GOING', rsvpCounts: { going: 2, maybe: 0, notGoing: 0 } });
    expect(codeOf(await outsider.gql(RSVP, { input: { gatheringId: g.id, response: 'GOING' } }))).toBe('NOT_FOUND');
  });
});

describe('attendance sheets', () => {
  let gathering: { id: string };
  let villageGov: Ref;
  beforeAll(async () => {
    gathering = (ok(await schedule(facilitator, { kind: 'VILLAGE_PLANNING_FORUM', regionId: gid(region.senggigi) })) as any).scheduleGathering
      .gathering;
    villageGov = await coordinator.createOrg({ kind: 'VILLAGE_GOVERNMENT', name: `Pemerintah Desa Senggigi ${randomUUID().slice(0, 4)}` });
  });

  it('records members and people without an account in one batch, with exact summaries by gender and kind', async () => {
    const d = ok(
      await facilitator.gql(RECORD, {
        input: {
          gatheringId: gathering.id,
          attendees: [
            { userId: participant.id, gender: 'FEMALE', organisationId: org.id },
            { name: 'Lalu Ahmad', gender: 'MALE', organisationId: villageGov.id, position: 'Kepala Desa', villageId: gid(region.senggigi) },
            { name: 'Baiq Nurul', gender: 'FEMALE', affiliation: 'BPD Senggigi', affiliationKind: 'VILLAGE_GOVERNMENT', villageId: gid(region.senggigi) },
            { name: 'Inaq Sumi', gender: 'NOT_STATED', affiliation: 'Kader PKK' },
          ],
        },
      }),
    ) as any;
    const r = d.recordAttendance;
    expect(r.records.map((x: any) => [x.name, x.affiliationKind])).toEqual([
      ['Peserta', 'CIVIL_SOCIETY'],
      ['Lalu Ahmad', 'VILLAGE_GOVERNMENT'],
      ['Baiq Nurul', 'VILLAGE_GOVERNMENT'],
      ['Inaq Sumi', 'OTHER'],
    ]);
    expect(r.records[1].village).toEqual({ name: 'Senggigi' });
    const summary = r.gathering.attendanceSummary;
    expect(summary).toMatchObject({ total: 4, female: 2, male: 1, notStated: 1 });
    expect(Object.fromEntries(summary.byOrganisationKind.map((k: any) => [k.kind, k.count]))).toEqual({
      CIVIL_SOCIETY: 1,
      DISTRICT_GOVERNMENT: 0,
      VILLAGE_GOVERNMENT: 2,
      PROGRAM_OPERATOR: 0,
      DONOR: 0,
      COMMUNITY_GROUP: 0,
      OTHER: 1,
    });
  });

  it('updates a member or a same-named villager already on the sheet instead of adding them twice', async () => {
    const d = ok(
      await facilitator.gql(RECORD, {
        input: {
          gatheringId: gathering.id,
          attendees: [
            { userId: participant.id, gender: 'FEMALE', position: 'Fasilitator desa' },
            { name: '  baiq   NURUL ', gender: 'FEMALE', affiliationKind: 'VILLAGE_GOVERNMENT', villageId: gid(region.senggigi), position: 'Ketua BPD' },
            { name: 'Baiq Nurul', gender: 'FEMALE', position: 'another Baiq Nurul, from no stated village' },
          ],
        },
      }),
    ) as any;
    expect(d.recordAttendance.records[0].position).toBe('Fasilitator desa');
    expect(d.recordAttendance.gathering.attendanceSummary.total).toBe(5);
    const rows = await hub.database.db.select().from(attendanceRecords).where(eq(attendanceRecords.userId, parseGlobalId(participant.id)!.id));
    expect(rows).toHaveLength(1);
  });

  it('answers a retry with the same clientMutationId with the first result and writes nothing', async () => {
    const key = `sheet-${randomUUID()}`;
    const input = { gatheringId: gathering.id, clientMutationId: key, attendees: [{ name: 'Amaq Rizal', gender: 'MALE' }] };
    const first = ok(await facilitator.gql(RECORD, { input })) as any;
    const count = async () => ((await hub.database.db.execute(sql`select count(*)::int as n from activity`)) as any).rows[0].n;
    const activities = await count();
    const retry = ok(await facilitator.gql(RECORD, { input: { ...input, attendees: [{ name: 'Amaq Rizal', gender: 'NOT_STATED' }] } })) as any;
    expect(retry.recordAttendance.records).toEqual(first.recordAttendance.records);
    expect(retry.recordAttendance.gathering.attendanceSummary.total).toBe(6);
    expect(await count()).toBe(activities);
  });

  it('takes 500 attendees in one batch and refuses 501 with BAD_USER_INPUT naming attendees, writing nothing', async () => {
    const g = (ok(await schedule(facilitator)) as any).scheduleGathering.gathering;
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Warga ${i}`, gender: i % 2 ? 'MALE' : 'FEMALE' }));
    const bad = await facilitator.gql(RECORD, { input: { gatheringId: g.id, attendees: many(501) } });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendees' });
    const empty = await facilitator.gql(RECORD, { input: { gatheringId: g.id, attendees: [] } });
    expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendees' });
    const d = ok(await facilitator.gql(RECORD, { input: { gatheringId: g.id, attendees: many(500) } })) as any;
    expect(d.recordAttendance.gathering.attendanceSummary).toMatchObject({ total: 500, female: 250, male: 250 });
  });

  it('refuses a line without a name or account, and a home village that is not a village, writing nothing of the batch', async () => {
    const g = (ok(await schedule(facilitator)) as any).scheduleGathering.gathering;
    const noName = await facilitator.gql(RECORD, { input: { gatheringId: g.id, attendees: [{ name: 'A', gender: 'MALE' }, { gender: 'MALE' }] } });
    expect(noName.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendees.1.name' });
    const district = await facilitator.gql(RECORD, {
      input: { gatheringId: g.id, attendees: [{ name: 'A', gender: 'MALE', villageId: gid(region.lombokBarat) }] },
    });
    expect(district.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendees.0.villageId' });
    const sheet = ok(await coordinator.gql(SHEET, { id: g.id })) as any;
    expect(sheet.node.attendanceSummary.total).toBe(0);
  });

  it('shows the sheet to facilitators and coordinators only; everyone who reads the circle sees the counts', async () => {
    const sheet = ok(await coordinator.gql(SHEET, { id: gathering.id })) as any;
    expect(sheet.node.attendance.totalCount).toBe(6);
    // By name key; the two Baiq Nurul lines (another village) tie on it, so compare them as a set.
    expect(sheet.node.attendance.nodes.map((n: any) => n.name).sort()).toEqual([
      'Amaq Rizal',
      'Baiq Nurul',
      'Inaq Sumi',
      'Lalu Ahmad',
      'Peserta',
      'baiq NURUL',
    ]);
    const asParticipant = await participant.gql(SHEET, { id: gathering.id });
    expect(codeOf(asParticipant)).toBe('FORBIDDEN');
    const counts = ok(await participant.gql(`query($id: ID!) { node(id: $id) { ... on Gathering { attendanceSummary { total } } } }`, { id: gathering.id })) as any;
    expect(counts.node.attendanceSummary.total).toBe(6);
    expect((ok(await outsider.gql(SHEET, { id: gathering.id })) as any).node).toBeNull();
    expect(codeOf(await participant.gql(RECORD, { input: { gatheringId: gathering.id, attendees: [{ name: 'X', gender: 'MALE' }] } }))).toBe(
      'FORBIDDEN',
    );
  });

  it('removes a line for facilitators; a participant cannot even find it', async () => {
    const d = ok(await facilitator.gql(RECORD, { input: { gatheringId: gathering.id, attendees: [{ name: 'Sementara', gender: 'MALE' }] } })) as any;
    const recordId = d.recordAttendance.records[0].id;
    const REMOVE = `mutation($input: RemoveAttendanceRecordInput!) { removeAttendanceRecord(input: $input) { gathering { attendanceSummary { total } } } }`;
    expect(codeOf(await participant.gql(REMOVE, { input: { recordId } }))).toBe('NOT_FOUND');
    const removed = ok(await facilitator.gql(REMOVE, { input: { recordId } })) as any;
    expect(removed.removeAttendanceRecord.gathering.attendanceSummary.total).toBe(6);
  });
});

describe('follow-ups', () => {
  let gathering: { id: string };
  beforeAll(async () => {
    gathering = (ok(await schedule(facilitator)) as any).scheduleGathering.gathering;
  });

  it('lets a participant create one they own, not one for someone else', async () => {
    const mine = ok(
      await participant.gql(FOLLOW_UP, { input: { circleId: circle.id, gatheringId: gathering.id, title: 'Usulkan anggaran stunting', dueOn: '2021-11-30' } }),
    ) as any;
    expect(mine.createFollowUp.followUp).toMatchObject({ status: 'OPEN', dueOn: '2021-11-30', owner: { id: participant.id }, gathering: { id: gathering.id } });
    const forOther = await participant.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'X', ownerId: facilitator.id } });
    expect(codeOf(forOther)).toBe('FORBIDDEN');
    const byFacilitator = ok(
      await facilitator.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'Kirim notulen', ownerId: participant.id, organisationId: org.id } }),
    ) as any;
    expect(byFacilitator.createFollowUp.followUp).toMatchObject({ owner: { id: participant.id }, organisation: { id: org.id } });
    expect(codeOf(await outsider.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'X' } }))).toBe('NOT_FOUND');
  });

  it('lets the owner move its status (DONE sets completedAt) but nothing else, and facilitators change anything', async () => {
    const f = (ok(await participant.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'Rapat BPD' } })) as any).createFollowUp.followUp;
    const done = ok(await participant.gql(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, status: 'DONE' } })) as any;
    expect(done.updateFollowUp.followUp.status).toBe('DONE');
    expect(Date.parse(done.updateFollowUp.followUp.completedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(codeOf(await participant.gql(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, title: 'Ganti' } }))).toBe('FORBIDDEN');
    const reopened = ok(await facilitator.gql(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, status: 'IN_PROGRESS', title: 'Rapat BPD ke-2' } })) as any;
    expect(reopened.updateFollowUp.followUp).toMatchObject({ status: 'IN_PROGRESS', completedAt: null, title: 'Rapat BPD ke-2' });
    const other = (ok(await facilitator.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'Milik fasilitator' } })) as any).createFollowUp
      .followUp;
    expect(codeOf(await participant.gql(UPDATE_FOLLOW_UP, { input: { followUpId: other.id, status: 'DONE' } }))).toBe('FORBIDDEN');
  });

  it('refuses a due date that is not a date with BAD_USER_INPUT naming dueOn', async () => {
    for (const dueOn of ['2021-02-30', 'besok', '30/11/2021']) {
      const res = await participant.gql(FOLLOW_UP, { input: { circleId: circle.id, title: 'X', dueOn } });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    }
  });

  it('lists a circle\u2019s and a gathering\u2019s follow-ups by status', async () => {
    const q = `query($slug: String!, $id: ID!) {
      circle(slug: $slug) { open: followUps(status: OPEN, first: 50) { totalCount nodes { status } } all: followUps(first: 50) { totalCount } }
      node(id: $id) { ... on Gathering { followUps { nodes { title } } } } }`;
    const d = ok(await coordinator.gql(q, { slug: circle.slug, id: gathering.id })) as any;
    expect(d.circle.open.nodes.every((n: any) => n.status === 'OPEN')).toBe(true);
    expect(d.circle.all.totalCount).toBeGreaterThan(d.circle.open.totalCount);
    expect(d.node.followUps.nodes).toEqual([{ title: 'Usulkan anggaran stunting' }]);
  });
});

describe('live activity', () => {
  it('sends the new kinds to circle and coordinator subscriptions, with their gathering and follow-up', async () => {
    const fresh = await coordinator.createCircle({ orgs: [org], visibility: 'MEMBERS_ONLY' });
    await coordinator.addMember(fresh, facilitator, 'FACILITATOR');
    const FIELDS = 'kind gathering { title } followUp { title }';
    const c = wsClient(hub.url.replace('http', 'ws'), coordinator.token);
    try {
      const circleSub = collect(c, `subscription($id: ID!) { circleActivity(circleId: $id) { ${FIELDS} circle { id } } }`, { id: fresh.id });
      const mySub = collect(c, `subscription { myActivity { ${FIELDS} circle { id } } }`);
      // Subscriptions register asynchronously: wait until each has seen a first event.
      const g = async (title: string) =>
        (ok(await facilitator.gql(SCHEDULE, { input: { circleId: fresh.id, kind: 'WORKSHOP', title, startsAt: '2031-01-01T00:00:00Z', endsAt: '2031-01-01T03:00:00Z' } })) as any)
          .scheduleGathering.gathering;
      let gathering = await g('Warm-up');
      await until(() => circleSub.received.results.length > 0 && mySub.received.results.some((r) => r.data.myActivity.circle.id === fresh.id), 15_000, 'first events').catch(async () => {
        gathering = await g('Warm-up 2');
        await until(
          () => circleSub.received.results.length > 0 && mySub.received.results.some((r) => r.data.myActivity.circle.id === fresh.id),
          15_000,
          'first events',
        );
      });
      ok(await facilitator.gql(UPDATE, { input: { gatheringId: gathering.id, status: 'HELD' } }));
      ok(await facilitator.gql(RECORD, { input: { gatheringId: gathering.id, attendees: [{ name: 'Siti', gender: 'FEMALE' }] } }));
      const f = (ok(await facilitator.gql(FOLLOW_UP, { input: { circleId: fresh.id, gatheringId: gathering.id, title: 'RTL' } })) as any).createFollowUp.followUp;
      ok(await facilitator.gql(UPDATE_FOLLOW_UP, { input: { followUpId: f.id, status: 'DONE' } }));
      // The warm-ups' GATHERING_SCHEDULED may still arrive late on either feed: what follows them is compared.
      const after = (list: any[], key: string) =>
        list.map((r) => r.data[key]).filter((a) => a.circle.id === fresh.id && a.kind !== 'GATHERING_SCHEDULED');
      await until(
        () => after(circleSub.received.results, 'circleActivity').length >= 4 && after(mySub.received.results, 'myActivity').length >= 4,
        15_000,
        'four events',
      );
      const order = ['GATHERING_UPDATED', 'ATTENDANCE_RECORDED', 'FOLLOW_UP_CREATED', 'FOLLOW_UP_UPDATED'];
      expect(after(circleSub.received.results, 'circleActivity').map((a) => a.kind)).toEqual(order);
      expect(after(mySub.received.results, 'myActivity').map((a) => a.kind)).toEqual(order);
      const events = after(circleSub.received.results, 'circleActivity');
      expect(events[0]).toMatchObject({ gathering: { title: gathering.title }, followUp: null });
      expect(events[3]).toMatchObject({ gathering: { title: gathering.title }, followUp: { title: 'RTL' } });
    } finally {
      await c.dispose();
    }
  });
});

describe('look-ahead over gatherings', () => {
  it("answers a circle's gatherings with their attendance and follow-ups the same with look-ahead on and off, in fewer statements", async () => {
    // A circle of its own, so what it reads does not depend on what the tests above left.
    const own = await kit.circleWithCoordinator();
    const made = ok(
      await own.coordinator.gql(SCHEDULE, {
        input: { circleId: own.circle.id, kind: 'CIRCLE_MEETING', title: 'Rapat lingkar', startsAt: '2021-10-05T01:00:00.000Z', endsAt: '2021-10-05T05:00:00.000Z' },
      }),
    ) as any;
    const gatheringId = made.scheduleGathering.gathering.id;
    ok(await own.coordinator.gql(RECORD, { input: { gatheringId, attendees: [{ name: 'Inaq Sumi', gender: 'FEMALE', organisationId: own.org.id }, { name: 'Lalu Ahmad', gender: 'MALE' }] } }));
    ok(await own.coordinator.gql(FOLLOW_UP, { input: { circleId: own.circle.id, gatheringId, title: 'Kirim notulen' } }));
    const slug = (await own.coordinator.must(`query($id: ID!) { node(id: $id) { ... on Circle { slug } } }`, { id: own.circle.id })).node.slug;
    const doc = `query($slug: String!) { circle(slug: $slug) {
      gatherings(first: 10) { nodes { title status circle { name } createdBy { displayName } region { name }
        attendance(first: 5) { nodes { name gender organisation { name } gathering { title } } }
        followUps(first: 3) { nodes { title owner { displayName } } } } }
      followUps(first: 5) { nodes { title status gathering { title } createdBy { displayName } } } } }`;
    const run = async () => {
      // Both runs must execute: not the second answered from the response cache.
      hub.app.responseCache.invalidate();
      const before = hub.statements.length;
      const data = await own.coordinator.must(doc, { slug });
      return { data, statements: hub.statements.slice(before).filter((q) => !/"sessions"|rate_limits/.test(q)).length };
    };
    const on = await run();
    const off = await withoutLookahead(run);
    expect(on.data.circle.gatherings.nodes).toHaveLength(1);
    expect(on.data.circle.gatherings.nodes[0].attendance.nodes).toHaveLength(2);
    expect(on.data.circle.followUps.nodes).toHaveLength(1);
    expect(on.data).toEqual(off.data);
    expect(on.statements).toBeLessThan(off.statements);
  });
});
