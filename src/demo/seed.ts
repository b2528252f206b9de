import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Queryable, Tx } from '../db/client.js';
import {
  attendanceRecords,
  circleMembers,
  circleOrganisations,
  circles,
  circleSdgGoals,
  followUps,
  followUpSdgGoals,
  gatheringResources,
  gatheringRsvps,
  gatherings,
  gatheringSdgGoals,
  organisationMembers,
  organisations,
  posts,
  reactions,
  regions,
  resourceCircles,
  resources,
  resourceSdgGoals,
  threads,
  threadSdgGoals,
  users,
} from '../db/schema.js';
import { hashPassword } from '../auth/passwords.js';
import { appendActivity, type NewActivity } from '../realtime/activity-log.js';
import {
  DISTRICTS,
  DONOR,
  INVENTED_MARK,
  NTB_TOT,
  OPERATORS,
  PROGRAM,
  PROVINCES,
  type DistrictFact,
  type OperatorFact,
  type ProvinceName,
} from './program.js';
import {
  DISTRICT_THREADS,
  NTB_FOLLOW_UP_THREAD,
  RESOURCES,
  TOT_THREADS,
  type ThreadTemplate,
} from './content.js';
import { handleBase } from '../shared/handles.js';
import { nameKey } from '../modules/gatherings/gathering.service.js';
import { EXTRA_ORGANISATIONS, genderOf, INVENTED_SHEET, NAME_POOLS, TOT_GUESTS, type Gender } from './gatherings.js';

/** Every demo account signs in with this password. */
export const DEMO_PASSWORD = 'belajar-bersama-2021';
/** The program-wide coordinator: COORDINATOR of every circle, ADMIN of both operators. */
export const DEMO_COORDINATOR_EMAIL = 'koordinator@peduli-sdgs.demo';

// Any fixed number, used for nothing else: instances starting together seed once.
const SEED_LOCK = 7_426_003;
const TOT_CIRCLE_SLUG = 'lingkar-pelatih-tot-ntb';
/** Demo choice, not program data: the goals each district circle focuses on. */
const DISTRICT_GOALS: Record<string, number[]> = {
  Majalengka: [1, 2, 16, 17, 18],
  Kuningan: [3, 6, 17, 18],
  Ciamis: [1, 5, 16, 17],
  Cilacap: [1, 13, 14, 17],
  Grobogan: [2, 5, 8, 17],
  Berau: [8, 14, 15, 17],
  Bulungan: [4, 6, 15, 17],
  'Lombok Tengah': [1, 5, 6, 17, 18],
  Sumbawa: [2, 8, 13, 17],
  'Sumbawa Barat': [3, 5, 10, 17],
};
const MEMBERS_ONLY_DISTRICTS = new Set(['Grobogan', 'Bulungan']);
const NTB_DISTRICTS = DISTRICTS.filter((d) => d.province === NTB_TOT.province);
const REACTIONS = ['THUMBS_UP', 'HEART', 'CELEBRATE', 'THINKING', 'EYES'] as const;
const SEED_END = new Date('2022-12-20T00:00:00+07:00');

type Row<T extends PgTable> = T['$inferInsert'];
type CircleRole = 'COORDINATOR' | 'FACILITATOR' | 'PARTICIPANT';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Mulberry32: a small seeded PRNG, so the data set is the same on every start. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const at = (iso: string) => new Date(iso);
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);
const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
/** Local office hours: Java is on WIB (+07), Kalimantan Timur/Utara and NTB on WITA (+08). */
const utcOffset = (province: ProvinceName) => (province === 'Jawa Barat' || province === 'Jawa Tengah' ? '+07:00' : '+08:00');
const localDay = (date: string, province: ProvinceName, time = '08:00') => at(`${date}T${time}:00${utcOffset(province)}`);

function emailLocalPart(name: string): string {
  const words = slugify(name).split('-');
  return `${words[0]}.${words.at(-1)}`;
}

interface Member {
  userId: string;
  role: CircleRole;
  organisationId: string;
  joinedAt: Date;
}

interface CircleDraft {
  id: string;
  slug: string;
  createdAt: Date;
  province: ProvinceName;
  /** Author slots of content.ts mapped to members. */
  slots: Map<string, Member>;
  members: Member[];
  placeholders: Record<string, string>;
}

/**
 * Seeds the PEDULI SDGs demo data set (regions, organisations, people, circles, discussions,
 * resources and their activity) when the database holds no user and no organisation yet.
 * Returns whether it seeded. Everything is written in one transaction.
 */
export async function seedDemoData(db: Db, options: { log?: (msg: string) => void } = {}): Promise<boolean> {
  if (await hasData(db)) return false;
  const started = performance.now();
  // One hash for every account: scrypt per user would make start-up slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const data = buildDataSet(passwordHash);

  const seeded = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    if (await hasData(tx)) return false;
    await insertAll(tx, regions, data.regions);
    await insertAll(tx, organisations, data.organisations);
    await insertAll(tx, users, data.users);
    await insertAll(tx, organisationMembers, data.organisationMembers);
    await insertAll(tx, circles, data.circles);
    await insertAll(tx, circleSdgGoals, data.circleSdgGoals);
    await insertAll(tx, circleOrganisations, data.circleOrganisations);
    await insertAll(tx, circleMembers, data.circleMembers);
    await insertAll(tx, threads, data.threads);
    await insertAll(tx, threadSdgGoals, data.threadSdgGoals);
    await insertAll(tx, posts, data.posts);
    await insertAll(tx, reactions, data.reactions);
    await insertAll(tx, resources, data.resources);
    await insertAll(tx, resourceSdgGoals, data.resourceSdgGoals);
    await insertAll(tx, resourceCircles, data.resourceCircles);
    await insertAll(tx, gatherings, data.gatherings);
    await insertAll(tx, gatheringSdgGoals, data.gatheringSdgGoals);
    await insertAll(tx, gatheringResources, data.gatheringResources);
    await insertAll(tx, gatheringRsvps, data.gatheringRsvps);
    await insertAll(tx, attendanceRecords, data.attendanceRecords);
    await insertAll(tx, followUps, data.followUps);
    await insertAll(tx, followUpSdgGoals, data.followUpSdgGoals);
    // Last: appendActivity takes the append lock, held until commit.
    await appendActivity(tx, data.activity);
    return true;
  });
  if (!seeded) return false;

  const ms = Math.round(performance.now() - started);
  options.log?.(
    `demo data seeded in ${ms} ms: ${data.regions.length} regions, ${data.organisations.length} organisations, ` +
      `${data.users.length} users, ${data.organisationMembers.length} organisation memberships, ${data.circles.length} circles, ` +
      `${data.circleMembers.length} circle memberships, ${data.threads.length} threads, ${data.posts.length} posts, ` +
      `${data.reactions.length} reactions, ${data.resources.length} resources, ${data.gatherings.length} gatherings, ` +
      `${data.attendanceRecords.length} attendance lines, ${data.followUps.length} follow-ups, ${data.activity.length} activities ` +
      `(sign in as ${DEMO_COORDINATOR_EMAIL} / ${DEMO_PASSWORD})`,
  );
  return true;
}

async function hasData(db: Queryable): Promise<boolean> {
  const [user] = await db.select({ id: users.id }).from(users).limit(1);
  if (user) return true;
  const [org] = await db.select({ id: organisations.id }).from(organisations).limit(1);
  return org !== undefined;
}

async function insertAll<T extends PgTable>(tx: Tx, table: T, rows: Row<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.insert(table).values(rows.slice(i, i + 1000) as any);
  }
}

/** Builds every row in memory; pure apart from the generated ids. */
export function buildDataSet(passwordHash: string) {
  const rand = prng(2021_09_16);
  const out = {
    regions: [] as Row<typeof regions>[],
    organisations: [] as Row<typeof organisations>[],
    users: [] as Row<typeof users>[],
    organisationMembers: [] as Row<typeof organisationMembers>[],
    circles: [] as Row<typeof circles>[],
    circleSdgGoals: [] as Row<typeof circleSdgGoals>[],
    circleOrganisations: [] as Row<typeof circleOrganisations>[],
    circleMembers: [] as Row<typeof circleMembers>[],
    threads: [] as Row<typeof threads>[],
    threadSdgGoals: [] as Row<typeof threadSdgGoals>[],
    posts: [] as Row<typeof posts>[],
    reactions: [] as Row<typeof reactions>[],
    resources: [] as Row<typeof resources>[],
    resourceSdgGoals: [] as Row<typeof resourceSdgGoals>[],
    resourceCircles: [] as Row<typeof resourceCircles>[],
    gatherings: [] as Row<typeof gatherings>[],
    gatheringSdgGoals: [] as Row<typeof gatheringSdgGoals>[],
    gatheringResources: [] as Row<typeof gatheringResources>[],
    gatheringRsvps: [] as Row<typeof gatheringRsvps>[],
    attendanceRecords: [] as Row<typeof attendanceRecords>[],
    followUps: [] as Row<typeof followUps>[],
    followUpSdgGoals: [] as Row<typeof followUpSdgGoals>[],
    activity: [] as NewActivity[],
  };
  const activity: { entry: NewActivity; seq: number }[] = [];
  const log = (entry: NewActivity) => activity.push({ entry, seq: activity.length });

  // ---------------------------------------------------------------- regions
  const provinceIds = new Map<ProvinceName, string>();
  for (const province of PROVINCES) {
    const id = randomUUID();
    provinceIds.set(province.name, id);
    out.regions.push({ id, level: 'PROVINCE', name: province.name, code: province.code });
  }
  const districtRegion = new Map<DistrictFact, string>();
  const villageRegions = new Map<DistrictFact, string[]>();
  for (const district of DISTRICTS) {
    const id = randomUUID();
    districtRegion.set(district, id);
    out.regions.push({ id, parentId: provinceIds.get(district.province)!, level: 'DISTRICT', name: district.name, code: district.code });
  }
  for (const district of DISTRICTS) {
    const subdistricts = new Map<string, string>();
    for (const village of district.villages) {
      if (subdistricts.has(village.subdistrict)) continue;
      const id = randomUUID();
      subdistricts.set(village.subdistrict, id);
      out.regions.push({ id, parentId: districtRegion.get(district)!, level: 'SUBDISTRICT', name: village.subdistrict, code: null });
    }
    villageRegions.set(
      district,
      district.villages.map((village) => {
        const id = randomUUID();
        out.regions.push({ id, parentId: subdistricts.get(village.subdistrict)!, level: 'VILLAGE', name: village.name, code: null });
        return id;
      }),
    );
  }

  // ---------------------------------------------------------------- organisations
  let orgClock = at('2021-06-01T09:00:00+07:00');
  const addOrg = (row: Omit<Row<typeof organisations>, 'id' | 'createdAt'>) => {
    const id = randomUUID();
    orgClock = plus(orgClock, 7 * HOUR + rand.int(0, 59) * 60_000);
    out.organisations.push({ id, createdAt: orgClock, ...row });
    return { id, createdAt: orgClock, name: row.name };
  };
  type Org = ReturnType<typeof addOrg>;

  const operatorOrgs = new Map<OperatorFact['key'], Org>();
  for (const op of OPERATORS) {
    const name = op.shortName === op.name ? op.name : `${op.name} (${op.shortName})`;
    operatorOrgs.set(
      op.key,
      addOrg({
        slug: op.key,
        name,
        kind: 'PROGRAM_OPERATOR',
        description: `Pelaksana program ${PROGRAM.name} bersama ${OPERATORS.filter((o) => o !== op).map((o) => o.shortName).join(', ')}, dengan dukungan ${DONOR.nameId}. Program berjalan ${PROGRAM.semesters} semester di ${PROGRAM.counts.districts} kabupaten.`,
        regionId: null,
      }),
    );
  }
  const donorOrg = addOrg({
    slug: 'uni-eropa',
    name: `${DONOR.nameId} (${DONOR.name})`,
    kind: 'DONOR',
    description: `Pendukung program ${PROGRAM.name}. Tujuan program: ${PROGRAM.aimId}`,
    regionId: null,
  });

  const csoOrgs = new Map<DistrictFact, Org[]>();
  const pemkabOrgs = new Map<DistrictFact, Org>();
  const pemdesOrgs = new Map<DistrictFact, Org[]>();
  for (const district of DISTRICTS) {
    const region = districtRegion.get(district)!;
    csoOrgs.set(
      district,
      district.csos.map((cso, i) =>
        addOrg({
          slug: slugify(cso.name),
          name: cso.name,
          kind: 'CIVIL_SOCIETY',
          description:
            `Organisasi masyarakat sipil mitra ${PROGRAM.name} di Kabupaten ${district.name}, mendampingi Desa ${district.villages[i]!.name} ` +
            `dalam perencanaan dan penganggaran desa. ${INVENTED_MARK}`,
          regionId: region,
        }),
      ),
    );
    pemkabOrgs.set(
      district,
      addOrg({
        slug: `pemkab-${slugify(district.name)}`,
        name: `Pemerintah Kabupaten ${district.name}`,
        kind: 'DISTRICT_GOVERNMENT',
        description: `Pemerintah Kabupaten ${district.name}, Provinsi ${district.province}; mitra lingkar belajar bersama ${PROGRAM.name}.`,
        regionId: region,
      }),
    );
    pemdesOrgs.set(
      district,
      district.villages.map((village, i) =>
        addOrg({
          slug: `pemdes-${slugify(village.name)}`,
          name: `Pemerintah Desa ${village.name}`,
          kind: 'VILLAGE_GOVERNMENT',
          description:
            `Pemerintah Desa ${village.name}, Kecamatan ${village.subdistrict}, Kabupaten ${district.name}; desa dampingan ${PROGRAM.name}. ` +
            INVENTED_MARK,
          regionId: villageRegions.get(district)![i]!,
        }),
      ),
    );
  }

  const extraOrgs = new Map<string, Org>();
  for (const extra of EXTRA_ORGANISATIONS) {
    const district = DISTRICTS.find((d) => d.name === extra.district)!;
    extraOrgs.set(
      extra.key,
      addOrg({ slug: slugify(extra.name), name: extra.name, kind: extra.kind, description: extra.description, regionId: districtRegion.get(district)! }),
    );
  }
  const extraOrgsOf = (district: DistrictFact) =>
    EXTRA_ORGANISATIONS.filter((e) => e.district === district.name).map((e) => extraOrgs.get(e.key)!);

  // ---------------------------------------------------------------- users and organisation members
  let userClock = at('2021-06-14T09:00:00+07:00');
  const emails = new Set<string>();
  const handles = new Set<string>();
  const addUser = (displayName: string, email: string) => {
    if (emails.has(email)) throw new Error(`demo data: duplicate email ${email}`);
    emails.add(email);
    const id = randomUUID();
    userClock = plus(userClock, 2 * HOUR + rand.int(0, 119) * 60_000);
    // As sign-up would choose it: the display name's handle, numbered from the second one on.
    const base = handleBase(displayName);
    let handle = base;
    for (let i = 2; handles.has(handle); i++) handle = `${base}-${i}`;
    handles.add(handle);
    out.users.push({ id, email, displayName, handle, passwordHash, createdAt: userClock });
    return { id, createdAt: userClock, displayName };
  };
  type User = ReturnType<typeof addUser>;
  const joinOrg = (org: Org, user: User, role: 'ADMIN' | 'MEMBER') =>
    out.organisationMembers.push({
      organisationId: org.id,
      userId: user.id,
      role,
      joinedAt: plus(later(org.createdAt, user.createdAt), HOUR),
    });

  const programCoordinator = addUser(`Koordinator Program ${PROGRAM.name}`, DEMO_COORDINATOR_EMAIL);
  for (const org of operatorOrgs.values()) joinOrg(org, programCoordinator, 'ADMIN');

  const districtCoordinators = new Map<DistrictFact, User>();
  for (const district of DISTRICTS) {
    const user = addUser(district.coordinator.name, `koordinator.${slugify(district.name)}@peduli-sdgs.demo`);
    districtCoordinators.set(district, user);
    joinOrg(operatorOrgs.get(district.operator)!, user, 'MEMBER');
  }

  /** Nine per district: index 3 * village + k; k = 0 is the admin of the village's CSO. */
  const facilitators = new Map<DistrictFact, User[]>();
  for (const district of DISTRICTS) {
    const list: User[] = [];
    district.villages.forEach((village, v) => {
      village.facilitators.forEach((person, k) => {
        const user = addUser(person.name, `${emailLocalPart(person.name)}@fasilitator.demo`);
        joinOrg(csoOrgs.get(district)![v]!, user, k === 0 ? 'ADMIN' : 'MEMBER');
        list.push(user);
      });
    });
    facilitators.set(district, list);
  }

  // ---------------------------------------------------------------- circles
  const circleBySlug = new Map<string, CircleDraft>();
  const addCircle = (c: {
    slug: string;
    name: string;
    description: string;
    visibility: 'PUBLIC' | 'MEMBERS_ONLY';
    regionId: string;
    createdAt: Date;
    province: ProvinceName;
    goals: number[];
    orgs: Org[];
    placeholders: Record<string, string>;
  }): CircleDraft => {
    const id = randomUUID();
    out.circles.push({
      id,
      slug: c.slug,
      name: c.name,
      description: c.description,
      visibility: c.visibility,
      status: 'ACTIVE',
      regionId: c.regionId,
      createdAt: c.createdAt,
    });
    for (const goal of c.goals) out.circleSdgGoals.push({ circleId: id, goal });
    for (const org of c.orgs) out.circleOrganisations.push({ circleId: id, organisationId: org.id, addedAt: c.createdAt });
    const draft: CircleDraft = {
      id,
      slug: c.slug,
      createdAt: c.createdAt,
      province: c.province,
      slots: new Map(),
      members: [],
      placeholders: c.placeholders,
    };
    circleBySlug.set(c.slug, draft);
    return draft;
  };
  const addMember = (circle: CircleDraft, slot: string, user: User, role: CircleRole, org: Org, joinedAt: Date) => {
    const member: Member = { userId: user.id, role, organisationId: org.id, joinedAt };
    circle.slots.set(slot, member);
    circle.members.push(member);
    out.circleMembers.push({ circleId: circle.id, userId: user.id, role, organisationId: org.id, joinedAt });
    log({
      circleId: circle.id,
      kind: 'MEMBER_JOINED',
      // The program coordinator opens each circle and adds its members.
      actorId: programCoordinator.id,
      memberUserId: user.id,
      memberRole: role,
      memberOrganisationId: org.id,
      occurredAt: joinedAt,
    });
  };

  const districtCircles: CircleDraft[] = [];
  DISTRICTS.forEach((district, d) => {
    const createdAt = localDay(`2021-07-${String(12 + d).padStart(2, '0')}`, district.province, '10:00');
    const villages = district.villages.map((v) => v.name);
    const operator = operatorOrgs.get(district.operator)!;
    const circle = addCircle({
      slug: `lbb-${slugify(district.name)}`,
      name: `Lingkar Belajar Bersama Kabupaten ${district.name}`,
      description:
        `Lingkar belajar bersama organisasi masyarakat sipil, Pemerintah Kabupaten ${district.name} dan pemerintah desa dampingan ` +
        `(${villages.join(', ')}) dalam program ${PROGRAM.name}: perencanaan dan penganggaran desa yang selaras dengan SDGs Desa. ` +
        `Nama desa, lembaga dan orang dalam data demo ini fiktif (invented names).`,
      visibility: MEMBERS_ONLY_DISTRICTS.has(district.name) ? 'MEMBERS_ONLY' : 'PUBLIC',
      regionId: districtRegion.get(district)!,
      createdAt,
      province: district.province,
      goals: DISTRICT_GOALS[district.name] ?? [17],
      orgs: [
        ...csoOrgs.get(district)!,
        pemkabOrgs.get(district)!,
        ...pemdesOrgs.get(district)!,
        ...operatorOrgs.values(),
        ...extraOrgsOf(district),
      ],
      placeholders: {
        kab: district.name,
        prov: district.province,
        v0: villages[0]!,
        v1: villages[1]!,
        v2: villages[2]!,
        k0: district.villages[0].subdistrict,
        k1: district.villages[1].subdistrict,
        k2: district.villages[2].subdistrict,
      },
    });
    addMember(circle, 'pc', programCoordinator, 'COORDINATOR', operator, createdAt);
    addMember(circle, 'dc', districtCoordinators.get(district)!, 'COORDINATOR', operator, plus(createdAt, 30 * 60_000));
    const people = facilitators.get(district)!;
    const joins = people.map(() => plus(createdAt, rand.int(1, 9) * DAY + rand.int(0, 8 * 60) * 60_000)).sort((a, b) => +a - +b);
    people.forEach((user, i) => {
      const v = Math.floor(i / 3);
      addMember(circle, `f${i}`, user, i % 3 === 0 ? 'FACILITATOR' : 'PARTICIPANT', csoOrgs.get(district)![v]!, joins[i]!);
    });
    districtCircles.push(circle);
  });

  const totCreated = at('2021-09-01T10:00:00+08:00');
  const ntbOrgs = NTB_DISTRICTS.flatMap((d) => csoOrgs.get(d)!);
  const tot = addCircle({
    slug: TOT_CIRCLE_SLUG,
    name: 'Lingkar Pelatih (Training of Trainers) NTB',
    description:
      `Lingkar belajar program-wide untuk peserta ${NTB_TOT.titleId}, ${NTB_TOT.venue}, ${NTB_TOT.venueDistrict}, ` +
      `16–19 September 2021. Fokus: ${NTB_TOT.focusId.join('; ')}.`,
    visibility: 'PUBLIC',
    regionId: provinceIds.get(NTB_TOT.province)!,
    createdAt: totCreated,
    province: NTB_TOT.province,
    goals: [4, 16, 17, 18],
    // The donor follows the program-wide circle as an observer.
    orgs: [...ntbOrgs, ...operatorOrgs.values(), donorOrg],
    placeholders: { prov: NTB_TOT.province },
  });
  addMember(tot, 'pc', programCoordinator, 'COORDINATOR', operatorOrgs.get('kpri')!, totCreated);
  NTB_DISTRICTS.forEach((district, d) => {
    addMember(tot, `d${d}`, districtCoordinators.get(district)!, 'FACILITATOR', operatorOrgs.get(district.operator)!, plus(totCreated, (d + 1) * HOUR));
  });
  NTB_DISTRICTS.forEach((district, d) => {
    // One trainee per organisation: the facilitator who administers it.
    [0, 3, 6].forEach((f, i) => {
      const joinedAt = plus(totCreated, DAY + (3 * d + i) * 4 * HOUR);
      addMember(tot, `t${3 * d + i}`, facilitators.get(district)![f]!, 'PARTICIPANT', csoOrgs.get(district)![i]!, joinedAt);
    });
  });

  // ---------------------------------------------------------------- threads, posts, reactions
  const orgNames = new Map(out.organisations.map((o) => [o.id!, o.name]));
  const fill = (text: string, circle: CircleDraft) =>
    text.replace(/\{(org:)?(\w+)\}/g, (match, org: string | undefined, key: string) => {
      const value = org ? orgNames.get(circle.slots.get(key)?.organisationId ?? '') : circle.placeholders[key];
      if (value === undefined) throw new Error(`demo data: no value for ${match} in ${circle.slug}`);
      return value;
    });
  const member = (circle: CircleDraft, slot: string) => {
    const m = circle.slots.get(slot);
    if (!m) throw new Error(`demo data: no member in slot ${slot} of ${circle.slug}`);
    return m;
  };
  const reactionKeys = new Set<string>();

  const addThread = (circle: CircleDraft, template: ThreadTemplate, createdAt: Date) => {
    const id = randomUUID();
    const author = member(circle, template.author);
    if (createdAt < author.joinedAt) throw new Error(`demo data: ${template.key} starts before its author joined ${circle.slug}`);
    log({ circleId: circle.id, kind: 'THREAD_CREATED', threadId: id, actorId: author.userId, occurredAt: createdAt });
    const postRows: { id: string; authorId: string; createdAt: Date }[] = [];
    let clock = createdAt;
    template.posts.forEach((post) => {
      const postId = randomUUID();
      clock = post.at ? at(post.at) : plus(clock, rand.int(1, 30) * HOUR + rand.int(0, 59) * 60_000);
      if (clock > SEED_END) clock = plus(postRows.at(-1)?.createdAt ?? createdAt, HOUR);
      const postAuthor = member(circle, post.author);
      if (clock < postAuthor.joinedAt) throw new Error(`demo data: a post of ${template.key} predates its author joining ${circle.slug}`);
      let replyToId: string | null = null;
      if (post.replyTo !== undefined) {
        const parent = template.posts[post.replyTo];
        if (!parent || parent.replyTo !== undefined) throw new Error(`demo data: ${template.key} replies to a reply`);
        replyToId = postRows[post.replyTo]!.id;
      }
      out.posts.push({ id: postId, threadId: id, authorId: postAuthor.userId, replyToId, body: fill(post.body, circle), createdAt: clock });
      postRows.push({ id: postId, authorId: postAuthor.userId, createdAt: clock });
      log({ circleId: circle.id, kind: 'POST_CREATED', threadId: id, postId, actorId: postAuthor.userId, occurredAt: clock });
    });
    const lastActivityAt = postRows.at(-1)?.createdAt ?? createdAt;
    out.threads.push({
      id,
      circleId: circle.id,
      authorId: author.userId,
      title: fill(template.title, circle),
      body: fill(template.body, circle),
      isPinned: template.pinned ?? false,
      isLocked: false,
      postCount: postRows.length,
      lastActivityAt,
      createdAt,
      updatedAt: createdAt,
    });
    for (const goal of template.goals) out.threadSdgGoals.push({ threadId: id, goal });

    // A few reactions from other members, on the thread or on one of its posts.
    const count = rand.int(1, 3);
    for (let i = 0; i < count; i++) {
      const onPost = postRows.length > 0 && rand.next() < 0.6 ? rand.pick(postRows) : null;
      const subjectAuthor = onPost ? onPost.authorId : author.userId;
      const subjectAt = onPost ? onPost.createdAt : createdAt;
      const candidates = circle.members.filter((m) => m.userId !== subjectAuthor && m.joinedAt <= subjectAt);
      if (candidates.length === 0) continue;
      const reactor = rand.pick(candidates);
      const content = rand.pick(REACTIONS);
      const key = `${id}|${onPost?.id ?? ''}|${reactor.userId}|${content}`;
      if (reactionKeys.has(key)) continue;
      reactionKeys.add(key);
      const reactedAt = plus(subjectAt, rand.int(10, 240) * 60_000);
      const reactionId = randomUUID();
      out.reactions.push({
        id: reactionId,
        userId: reactor.userId,
        threadId: onPost ? null : id,
        postId: onPost ? onPost.id : null,
        content,
        createdAt: reactedAt,
      });
      log({
        circleId: circle.id,
        kind: 'REACTION_ADDED',
        threadId: id,
        postId: onPost?.id ?? null,
        actorId: reactor.userId,
        occurredAt: reactedAt,
      });
    }
  };

  districtCircles.forEach((circle) => {
    const isNtb = NTB_DISTRICTS.some((d) => circle.slug === `lbb-${slugify(d.name)}`);
    const count = rand.int(2, 4);
    const pool = [...DISTRICT_THREADS];
    const chosen: ThreadTemplate[] = isNtb ? [NTB_FOLLOW_UP_THREAD] : [];
    while (chosen.length < count) chosen.push(pool.splice(rand.int(0, pool.length - 1), 1)[0]!);
    chosen.sort((a, b) => a.anchor.localeCompare(b.anchor));
    for (const template of chosen) {
      const start = plus(localDay(template.anchor, circle.province), rand.int(0, 9) * DAY + rand.int(0, 8 * 60) * 60_000);
      addThread(circle, template, start);
    }
  });
  for (const template of TOT_THREADS) addThread(tot, template, at(template.at!));

  // ---------------------------------------------------------------- resources
  const resourceIds = new Map<string, string>();
  for (const template of RESOURCES) {
    const id = randomUUID();
    resourceIds.set(template.key, id);
    const createdAt = at(template.createdAt);
    const district = template.sharedBy === 'pc' ? undefined : DISTRICTS.find((d) => d.name === template.sharedBy);
    if (template.sharedBy !== 'pc' && !district) throw new Error(`demo data: unknown sharer ${template.sharedBy}`);
    const sharer = district ? districtCoordinators.get(district)! : programCoordinator;
    const org = operatorOrgs.get(district?.operator ?? (template.circles.includes(TOT_CIRCLE_SLUG) ? 'kpri' : 'b-trust'))!;
    out.resources.push({
      id,
      title: template.title,
      description: template.description,
      kind: template.kind,
      url: template.url,
      language: 'id',
      organisationId: org.id,
      sharedById: sharer.id,
      createdAt,
    });
    for (const goal of template.goals) out.resourceSdgGoals.push({ resourceId: id, goal });
    const targets = template.circles.flatMap((slug) => {
      if (slug === 'districts') return districtCircles;
      const circle = circleBySlug.get(slug);
      if (!circle) throw new Error(`demo data: unknown circle ${slug}`);
      return [circle];
    });
    targets.forEach((circle, i) => {
      const sharerMembership = circle.members.find((m) => m.userId === sharer.id);
      if (!sharerMembership) throw new Error(`demo data: ${template.key} shared to ${circle.slug} by a non-member`);
      const sharedAt = plus(later(createdAt, sharerMembership.joinedAt), (i + 1) * 10 * 60_000);
      out.resourceCircles.push({ resourceId: id, circleId: circle.id, sharedAt });
      log({ circleId: circle.id, kind: 'RESOURCE_SHARED', resourceId: id, actorId: sharer.id, occurredAt: sharedAt });
    });
  }

  // ---------------------------------------------------------------- gatherings, attendance sheets, follow-ups
  // A PRNG of its own, so the content above stays as it was before the program's work was added.
  const work = prng(2021_07_01);
  type Line = Omit<Row<typeof attendanceRecords>, 'id' | 'gatheringId' | 'nameKey' | 'lineKey' | 'recordedById' | 'recordedAt'>;
  const zoneOf = (province: ProvinceName) => (utcOffset(province) === '+07:00' ? 'Asia/Jakarta' : 'Asia/Makassar');
  const userById = new Map(out.users.map((u) => [u.id!, u]));

  const addGathering = (g: {
    circle: CircleDraft;
    kind: Row<typeof gatherings>['kind'];
    title: string;
    description: string;
    status: 'PLANNED' | 'HELD' | 'CANCELLED';
    startsAt: Date;
    endsAt: Date;
    venue: string;
    regionId: string;
    by: string;
    createdAt: Date;
    goals: number[];
  }) => {
    const id = randomUUID();
    if (g.createdAt < member(g.circle, 'pc').joinedAt) throw new Error(`demo data: ${g.title} predates its circle`);
    // Marking it held or cancelled is the gathering's last update.
    const updatedAt = g.status === 'HELD' ? plus(g.endsAt, 2 * HOUR) : g.status === 'CANCELLED' ? plus(g.startsAt, -2 * DAY) : g.createdAt;
    out.gatherings.push({
      id,
      circleId: g.circle.id,
      kind: g.kind,
      title: g.title,
      description: `${g.description} ${INVENTED_SHEET}`,
      status: g.status,
      startsAt: g.startsAt,
      endsAt: g.endsAt,
      timeZone: zoneOf(g.circle.province),
      venue: g.venue,
      regionId: g.regionId,
      createdById: g.by,
      createdAt: g.createdAt,
      updatedAt,
    });
    for (const goal of g.goals) out.gatheringSdgGoals.push({ gatheringId: id, goal });
    log({ circleId: g.circle.id, kind: 'GATHERING_SCHEDULED', actorId: g.by, gatheringId: id, occurredAt: g.createdAt });
    if (g.status !== 'PLANNED') log({ circleId: g.circle.id, kind: 'GATHERING_UPDATED', actorId: g.by, gatheringId: id, occurredAt: updatedAt });
    return { id, circle: g.circle, startsAt: g.startsAt, endsAt: g.endsAt, by: g.by };
  };
  type Gathering = ReturnType<typeof addGathering>;

  const rsvp = (g: Gathering, userId: string, response: 'GOING' | 'MAYBE' | 'NOT_GOING') => {
    const respondedAt = plus(g.startsAt, -work.int(2, 6) * DAY - work.int(0, 600) * 60_000);
    out.gatheringRsvps.push({ gatheringId: g.id, userId, response, respondedAt: later(respondedAt, plus(g.startsAt, -9 * DAY)) });
  };

  /** A member's line: name and gender as on the sheet, organisation as in the circle. */
  const memberLine = (circle: CircleDraft, slot: string, extra: Partial<Line> = {}): Line => {
    const m = member(circle, slot);
    const name = userById.get(m.userId)!.displayName!;
    return { userId: m.userId, name, gender: genderOf(name), organisationId: m.organisationId, ...extra };
  };
  const sheet = (g: Gathering, recordedBy: string, lines: Line[]) => {
    const recordedAt = plus(g.endsAt, HOUR);
    const keys = new Set<string>();
    for (const line of lines) {
      const key = nameKey(line.name);
      const lineKey = line.userId ? `u:${line.userId}` : `n:${key}|${line.villageId ?? ''}`;
      if (keys.has(lineKey)) throw new Error(`demo data: ${line.name} twice on one sheet`);
      keys.add(lineKey);
      out.attendanceRecords.push({ ...line, gatheringId: g.id, nameKey: key, lineKey, recordedById: recordedBy, recordedAt });
    }
    log({ circleId: g.circle.id, kind: 'ATTENDANCE_RECORDED', actorId: recordedBy, gatheringId: g.id, occurredAt: recordedAt });
  };

  /** Invented village people, named from the island's pool; about half are women. */
  const pool = (province: ProvinceName) =>
    province === 'Nusa Tenggara Barat' ? NAME_POOLS.ntb : province.startsWith('Kalimantan') ? NAME_POOLS.kalimantan : NAME_POOLS.java;
  const person = (province: ProvinceName, used: Set<string>, gender?: Gender): { name: string; gender: Gender } => {
    const names = pool(province);
    for (;;) {
      const g = gender ?? (work.next() < 0.48 ? 'FEMALE' : 'MALE');
      const name = `${work.pick(g === 'FEMALE' ? names.women : names.men)} ${work.pick(names.family)}`;
      if (used.has(name)) continue;
      used.add(name);
      return { name, gender: g };
    }
  };

  const addFollowUp = (f: {
    circle: CircleDraft;
    gathering?: Gathering;
    title: string;
    description: string;
    owner: string;
    organisationId: string;
    dueOn: string;
    status: 'OPEN' | 'IN_PROGRESS' | 'DONE' | 'DROPPED';
    createdAt: Date;
    by: string;
    /** When the status last changed (the work finished, started or was dropped). */
    changedAt?: Date;
    goals: number[];
  }) => {
    const id = randomUUID();
    const changedAt = f.status === 'OPEN' ? undefined : (f.changedAt ?? plus(f.createdAt, 20 * DAY));
    out.followUps.push({
      id,
      circleId: f.circle.id,
      gatheringId: f.gathering?.id ?? null,
      title: f.title,
      description: f.description,
      status: f.status,
      ownerId: f.owner,
      organisationId: f.organisationId,
      dueOn: f.dueOn,
      completedAt: f.status === 'DONE' ? changedAt : null,
      createdById: f.by,
      createdAt: f.createdAt,
      updatedAt: changedAt ?? f.createdAt,
    });
    for (const goal of f.goals) out.followUpSdgGoals.push({ followUpId: id, goal });
    log({ circleId: f.circle.id, kind: 'FOLLOW_UP_CREATED', actorId: f.by, followUpId: id, gatheringId: f.gathering?.id ?? null, occurredAt: f.createdAt });
    if (changedAt) {
      log({ circleId: f.circle.id, kind: 'FOLLOW_UP_UPDATED', actorId: f.owner, followUpId: id, gatheringId: f.gathering?.id ?? null, occurredAt: changedAt });
    }
  };

  // The Training of Trainers, as the news report tells it; its roster is invented.
  {
    const pc = member(tot, 'pc').userId;
    const g = addGathering({
      circle: tot,
      kind: 'TRAINING_OF_TRAINERS',
      title: NTB_TOT.titleId,
      description: `${NTB_TOT.title}. Fokus: ${NTB_TOT.focusId.join('; ')}.`,
      status: 'HELD',
      startsAt: at(`${NTB_TOT.start}T08:00:00+08:00`),
      endsAt: at(`${NTB_TOT.end}T16:00:00+08:00`),
      venue: `${NTB_TOT.venue}, ${NTB_TOT.venueDistrict}`,
      regionId: provinceIds.get(NTB_TOT.province)!,
      by: pc,
      createdAt: at('2021-09-01T11:00:00+08:00'),
      goals: [4, 16, 17],
    });
    for (const key of ['materi-tot-perencanaan', 'materi-tot-resource-centre']) {
      out.gatheringResources.push({ gatheringId: g.id, resourceId: resourceIds.get(key)!, addedAt: at('2021-09-19T18:30:00+08:00') });
    }
    const trainees = Array.from({ length: 9 }, (_, i) => `t${i}`);
    for (const slot of [...trainees, 'd0', 'd1', 'd2']) rsvp(g, member(tot, slot).userId, 'GOING');
    sheet(g, pc, [
      ...trainees.map((slot) => memberLine(tot, slot, { position: 'Pimpinan lembaga' })),
      ...TOT_GUESTS.map((guest) => ({ ...guest, userId: null, affiliationKind: 'CIVIL_SOCIETY' as const })),
    ]);
    const due = (d: string) => d;
    const ntbTrainee = (slot: string) => ({ owner: member(tot, slot).userId, organisationId: member(tot, slot).organisationId });
    const totFollowUp = (f: Omit<Parameters<typeof addFollowUp>[0], 'circle' | 'gathering' | 'by' | 'createdAt' | 'goals'>) =>
      addFollowUp({ ...f, circle: tot, gathering: g, by: pc, createdAt: at('2021-09-19T15:00:00+08:00'), goals: [4, 17] });
    totFollowUp({
      ...ntbTrainee('t0'),
      title: 'Pelatihan ulang untuk fasilitator desa dampingan di Lombok Tengah',
      description: 'Materi ToT diteruskan kepada sembilan fasilitator desa di Praya, Pujut dan Batukliang.',
      dueOn: due('2021-10-30'),
      status: 'DONE',
      changedAt: at('2021-10-28T16:00:00+08:00'),
    });
    totFollowUp({
      ...ntbTrainee('t3'),
      title: 'Pelatihan ulang untuk fasilitator desa dampingan di Sumbawa',
      description: 'Dua angkatan: Moyo Hilir dan Lape bersama, Empang menyusul.',
      dueOn: due('2021-11-15'),
      status: 'IN_PROGRESS',
      changedAt: at('2021-10-20T10:00:00+08:00'),
    });
    totFollowUp({
      ...ntbTrainee('t6'),
      title: 'Pelatihan ulang untuk fasilitator desa dampingan di Sumbawa Barat',
      description: 'Menunggu jadwal bersama Bappeda Kabupaten Sumbawa Barat.',
      dueOn: due('2021-11-30'),
      status: 'OPEN',
    });
    totFollowUp({
      ...ntbTrainee('t4'),
      title: 'Katalog bersama pusat sumber belajar lembaga mitra NTB',
      description: 'Satu katalog dokumen perencanaan desa untuk sembilan lembaga, dengan penamaan berkas yang disepakati di ToT.',
      dueOn: due('2021-12-15'),
      status: 'DONE',
      changedAt: at('2021-12-10T14:00:00+08:00'),
    });
    totFollowUp({
      owner: member(tot, 'd0').userId,
      organisationId: member(tot, 'd0').organisationId,
      title: 'Kunjungan belajar ke pusat data Bappeda Provinsi NTB',
      description: 'Ditunda tanpa tanggal baru karena pembatasan kegiatan tatap muka.',
      dueOn: due('2021-10-15'),
      status: 'DROPPED',
      changedAt: at('2021-10-05T09:00:00+08:00'),
    });
  }

  // A circle meeting in every district (one cancelled), village planning forums in six villages,
  // a workshop and a district forum: all invented, all in semester 4.
  const MEETING_DAYS = ['08-19', '08-20', '08-23', '08-24', '08-25', '08-26', '08-27', '08-30', '08-31', '09-02'];
  const FORUMS: { district: string; village: number; day: string }[] = [
    { district: 'Majalengka', village: 0, day: '09-21' },
    { district: 'Ciamis', village: 1, day: '09-28' },
    { district: 'Grobogan', village: 0, day: '10-05' },
    { district: 'Berau', village: 2, day: '10-07' },
    { district: 'Lombok Tengah', village: 1, day: '10-12' },
    { district: 'Sumbawa Barat', village: 0, day: '10-19' },
  ];
  DISTRICTS.forEach((district, d) => {
    const circle = districtCircles[d]!;
    const dc = member(circle, 'dc').userId;
    const pemkab = pemkabOrgs.get(district)!;
    const pemdes = pemdesOrgs.get(district)!;
    const villages = villageRegions.get(district)!;
    const used = new Set<string>();
    const startsAt = localDay(`2021-${MEETING_DAYS[d]}`, district.province, '09:00');
    const cancelled = district.name === 'Bulungan';
    const meeting = addGathering({
      circle,
      kind: 'CIRCLE_MEETING',
      title: `Pertemuan lingkar belajar: persiapan Musyawarah Desa RKP Desa 2022 di Kabupaten ${district.name}`,
      description: cancelled
        ? 'Dibatalkan: jalan ke Peso terputus banjir; bahan dibahas di utas diskusi.'
        : 'Membaca pagu indikatif desa, memetakan usulan SDGs Desa dan membagi tugas pendampingan Musyawarah Desa.',
      status: cancelled ? 'CANCELLED' : 'HELD',
      startsAt,
      endsAt: plus(startsAt, 6 * HOUR),
      venue: `Aula Bappeda Kabupaten ${district.name} (sebagian peserta daring)`,
      regionId: districtRegion.get(district)!,
      by: dc,
      createdAt: plus(startsAt, -12 * DAY),
      goals: (DISTRICT_GOALS[district.name] ?? [17]).slice(0, 2),
    });
    const absent = new Set([work.int(1, 8)]);
    for (let f = 0; f < 9; f++) rsvp(meeting, member(circle, `f${f}`).userId, absent.has(f) ? 'NOT_GOING' : f % 4 === 3 ? 'MAYBE' : 'GOING');
    if (!cancelled) {
      const officials: Line[] = [
        { ...person(district.province, used), position: 'Kepala Sub Bidang Perencanaan Pembangunan Desa, Bappeda', organisationId: pemkab.id },
        { ...person(district.province, used), position: 'Kepala Seksi Perencanaan Desa, DPMD', organisationId: pemkab.id },
        ...[0, 1, 2].map((v) => ({
          ...person(district.province, used),
          position: 'Sekretaris Desa',
          organisationId: pemdes[v]!.id,
          villageId: villages[v]!,
        })),
        ...extraOrgsOf(district).map((org) => ({ ...person(district.province, used), position: 'Perwakilan', organisationId: org.id })),
      ];
      sheet(meeting, dc, [
        memberLine(circle, 'dc', { position: 'Koordinator kabupaten' }),
        ...Array.from({ length: 9 }, (_, f) => f)
          .filter((f) => !absent.has(f))
          .map((f) => memberLine(circle, `f${f}`, { position: f % 3 === 0 ? 'Fasilitator' : 'Pendamping desa', villageId: villages[Math.floor(f / 3)]! })),
        ...officials.map((o) => ({ userId: null, ...o })),
      ]);
      const owner = member(circle, 'f0');
      addFollowUp({
        circle,
        gathering: meeting,
        title: `Usulan kegiatan SDGs Desa dari Desa ${district.villages[0].name} masuk rancangan RKP Desa 2022`,
        description: 'Dikawal sampai Musyawarah Desa penetapan RKP Desa.',
        owner: owner.userId,
        organisationId: owner.organisationId,
        dueOn: '2021-10-31',
        status: (['DONE', 'IN_PROGRESS', 'OPEN', 'DONE'] as const)[d % 4]!,
        createdAt: plus(meeting.endsAt, -HOUR),
        by: dc,
        changedAt: plus(meeting.endsAt, (20 + d) * DAY),
        goals: [(DISTRICT_GOALS[district.name] ?? [17])[0]!, 17],
      });
    }

    const forum = FORUMS.find((f) => f.district === district.name);
    if (!forum) return;
    const v = forum.village;
    const village = district.villages[v];
    const facilitatorSlot = `f${3 * v}`;
    const facilitator = member(circle, facilitatorSlot);
    const forumStart = localDay(`2021-${forum.day}`, district.province, '09:00');
    const g = addGathering({
      circle,
      kind: 'VILLAGE_PLANNING_FORUM',
      title: `Musyawarah Perencanaan Pembangunan Desa ${village.name}: RKP Desa 2022`,
      description: 'Musrenbang Desa: penetapan prioritas RKP Desa 2022 dengan data SDGs Desa, dipandu fasilitator desa dampingan.',
      status: 'HELD',
      startsAt: forumStart,
      endsAt: plus(forumStart, 5 * HOUR),
      venue: `Balai Desa ${village.name}, Kecamatan ${village.subdistrict}`,
      regionId: villages[v]!,
      by: facilitator.userId,
      createdAt: plus(forumStart, -14 * DAY),
      goals: [1, 6, 18],
    });
    for (let k = 0; k < 3; k++) rsvp(g, member(circle, `f${3 * v + k}`).userId, 'GOING');
    rsvp(g, dc, 'MAYBE');
    const villageId = villages[v]!;
    const resident = (position: string, extra: Partial<Line> = {}): Line => ({
      userId: null,
      ...person(district.province, used),
      position,
      villageId,
      ...extra,
    });
    const lines: Line[] = [
      ...[0, 1, 2].map((k) => memberLine(circle, `f${3 * v + k}`, { position: 'Fasilitator desa', villageId })),
      memberLine(circle, 'dc', { position: 'Koordinator kabupaten' }),
      resident('Kepala Desa', { organisationId: pemdes[v]!.id }),
      resident('Kepala Urusan Perencanaan', { organisationId: pemdes[v]!.id }),
      resident('Kepala Dusun', { organisationId: pemdes[v]!.id }),
      ...[0, 1, 2].map(() => resident('Anggota BPD', { affiliation: `BPD Desa ${village.name}`, affiliationKind: 'VILLAGE_GOVERNMENT' })),
      ...[0, 1].map(() => resident('Kader', { ...person(district.province, used, 'FEMALE'), affiliation: `TP PKK Desa ${village.name}`, affiliationKind: 'COMMUNITY_GROUP' })),
      resident('Ketua', { affiliation: `Karang Taruna Desa ${village.name}`, affiliationKind: 'COMMUNITY_GROUP' }),
      resident('Ketua', { affiliation: `Kelompok Tani Desa ${village.name}`, affiliationKind: 'COMMUNITY_GROUP' }),
      ...Array.from({ length: work.int(6, 10) }, (_, i) => resident(`Warga, perwakilan dusun ${i + 1}`)),
      resident('Warga', { gender: 'NOT_STATED' }),
      { userId: null, ...person(district.province, used), position: 'Kepala Seksi Pemerintahan', affiliation: `Kantor Camat ${village.subdistrict}`, affiliationKind: 'DISTRICT_GOVERNMENT' },
      ...extraOrgsOf(district).map((org) => resident('Anggota', { organisationId: org.id })),
    ];
    sheet(g, facilitator.userId, lines);
    const owners = [facilitatorSlot, `f${3 * v + 1}`].map((slot) => member(circle, slot));
    addFollowUp({
      circle,
      gathering: g,
      title: `Kawal usulan air bersih Desa ${village.name} sampai APBDes 2022`,
      description: 'Usulan prioritas dari data SDGs Desa tujuan 6; dicek di rancangan APBDes bulan November.',
      owner: owners[0]!.userId,
      organisationId: owners[0]!.organisationId,
      dueOn: '2021-12-31',
      status: d % 2 === 0 ? 'DONE' : 'IN_PROGRESS',
      createdAt: plus(g.endsAt, -HOUR),
      by: facilitator.userId,
      changedAt: plus(g.endsAt, (40 + d) * DAY),
      goals: [6],
    });
    addFollowUp({
      circle,
      gathering: g,
      title: `Baliho APBDes 2022 di Balai Desa ${village.name}`,
      description: 'Ringkasan pendapatan dan belanja dipasang setelah APBDes ditetapkan.',
      owner: owners[1]!.userId,
      organisationId: owners[1]!.organisationId,
      dueOn: '2022-01-31',
      status: 'OPEN',
      createdAt: plus(g.endsAt, -HOUR),
      by: facilitator.userId,
      goals: [16],
    });
  });

  // A workshop with the district government, the donor and a university, and a district forum.
  {
    const d = DISTRICTS.findIndex((x) => x.name === 'Cilacap');
    const district = DISTRICTS[d]!;
    const circle = districtCircles[d]!;
    const used = new Set<string>();
    const startsAt = localDay('2021-11-18', district.province, '08:30');
    const g = addGathering({
      circle,
      kind: 'WORKSHOP',
      title: 'Lokakarya penyelarasan SDGs Desa dengan RPJMD Kabupaten Cilacap',
      description: 'Pemerintah kabupaten, lembaga mitra dan desa dampingan menyandingkan data SDGs Desa dengan indikator RPJMD.',
      status: 'HELD',
      startsAt,
      endsAt: plus(startsAt, 7 * HOUR),
      venue: 'Ruang Rapat Bappelitbangda Kabupaten Cilacap',
      regionId: districtRegion.get(district)!,
      by: member(circle, 'dc').userId,
      createdAt: plus(startsAt, -21 * DAY),
      goals: [1, 17],
    });
    sheet(g, member(circle, 'dc').userId, [
      memberLine(circle, 'dc', { position: 'Koordinator kabupaten' }),
      memberLine(circle, 'pc', { position: 'Koordinator program' }),
      ...[0, 3, 6].map((f) => memberLine(circle, `f${f}`, { position: 'Fasilitator' })),
      ...[0, 1, 2, 3].map((i) => ({
        userId: null,
        ...person(district.province, used),
        position: i === 0 ? 'Kepala Bidang Perencanaan' : 'Staf perencana',
        organisationId: pemkabOrgs.get(district)!.id,
      })),
      { userId: null, ...person(district.province, used), position: 'Programme officer, pemantauan', organisationId: donorOrg.id },
      { userId: null, ...person(district.province, used), position: 'Dosen', affiliation: 'Pusat Studi Pembangunan Desa, perguruan tinggi di Purwokerto', affiliationKind: 'OTHER' },
    ]);
    const owner = member(circle, 'f3');
    addFollowUp({
      circle,
      gathering: g,
      title: 'Daftar indikator SDGs Desa yang dipakai RPJMD Cilacap',
      description: 'Disusun bersama Bappelitbangda untuk dibahas di forum perangkat daerah.',
      owner: owner.userId,
      organisationId: owner.organisationId,
      dueOn: '2022-01-15',
      status: 'IN_PROGRESS',
      createdAt: plus(g.endsAt, -HOUR),
      by: member(circle, 'dc').userId,
      changedAt: at('2021-12-06T10:00:00+07:00'),
      goals: [17],
    });
  }
  {
    const d = DISTRICTS.findIndex((x) => x.name === 'Sumbawa');
    const district = DISTRICTS[d]!;
    const circle = districtCircles[d]!;
    const used = new Set<string>();
    const startsAt = localDay('2021-12-09', district.province, '09:00');
    const g = addGathering({
      circle,
      kind: 'DISTRICT_PLANNING_FORUM',
      title: 'Rapat koordinasi pra-Musrenbang Kabupaten Sumbawa: usulan desa untuk RKPD 2023',
      description: 'Menyandingkan usulan Musrenbang Desa dari desa dampingan dengan program perangkat daerah.',
      status: 'HELD',
      startsAt,
      endsAt: plus(startsAt, 4 * HOUR),
      venue: 'Aula Bappeda Kabupaten Sumbawa, Sumbawa Besar',
      regionId: districtRegion.get(district)!,
      by: member(circle, 'dc').userId,
      createdAt: plus(startsAt, -10 * DAY),
      goals: [2, 8, 17],
    });
    sheet(g, member(circle, 'dc').userId, [
      memberLine(circle, 'dc', { position: 'Koordinator kabupaten' }),
      ...[0, 3, 6].map((f) => memberLine(circle, `f${f}`, { position: 'Fasilitator' })),
      ...[0, 1, 2].map(() => ({ userId: null, ...person(district.province, used), position: 'Perencana', organisationId: pemkabOrgs.get(district)!.id })),
      ...[0, 1, 2].map((v) => ({
        userId: null,
        ...person(district.province, used),
        position: 'Kepala Desa',
        organisationId: pemdesOrgs.get(district)![v]!.id,
        villageId: villageRegions.get(district)![v]!,
      })),
      ...extraOrgsOf(district).map((org) => ({ userId: null, ...person(district.province, used), position: 'Peneliti', organisationId: org.id })),
    ]);
  }

  activity.sort((a, b) => +a.entry.occurredAt! - +b.entry.occurredAt! || a.seq - b.seq);
  out.activity = activity.map((a) => a.entry);
  return out;
}
