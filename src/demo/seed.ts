import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Queryable, Tx } from '../db/client.js';
import {
  circleMembers,
  circleOrganisations,
  circles,
  circleSdgGoals,
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
      `${data.reactions.length} reactions, ${data.resources.length} resources, ${data.activity.length} activities ` +
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
  addOrg({
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
      orgs: [...csoOrgs.get(district)!, pemkabOrgs.get(district)!, ...pemdesOrgs.get(district)!, ...operatorOrgs.values()],
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
    orgs: [...ntbOrgs, ...operatorOrgs.values()],
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
  for (const template of RESOURCES) {
    const id = randomUUID();
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

  activity.sort((a, b) => +a.entry.occurredAt! - +b.entry.occurredAt! || a.seq - b.seq);
  out.activity = activity.map((a) => a.entry);
  return out;
}
