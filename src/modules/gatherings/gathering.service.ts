import { randomUUID } from 'node:crypto';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Context, Viewer } from '../../context.js';
import { standingIn } from '../../context.js';
import type { Queryable, Tx } from '../../db/client.js';
import {
  attendanceRecords,
  circles,
  gatheringResources,
  gatheringRsvps,
  gatheringSdgGoals,
  gatherings,
  organisations,
  regions,
  resources,
  users,
  type AttendanceRecordRow,
  type CircleRow,
  type GatheringRow,
  type ResourceRow,
} from '../../db/schema.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../../errors.js';
import { can, canRead, type CircleAction, type Standing } from '../../auth/permissions.js';
import { assertCan, circleVisibleTo, loadStanding, requireViewer } from '../../auth/guard.js';
import { appendActivity } from '../../realtime/activity-log.js';
import { claimIdempotencyKey } from '../../shared/idempotency.js';
import { fromGlobalId, optionalGlobalId } from '../../shared/ids.js';
import type { PageArgs, SortKey } from '../../shared/connection.js';
import { childConnection, loadAll, pagePlanner, rootConnection, type ChildList, type ChildListSpec } from '../../shared/lists.js';
import { prefetchable, type Prefetch } from '../../shared/prefetch.js';
import { inRegionTree } from '../../shared/sql.js';
import { assertRegion } from '../organisations/organisation.service.js';
import { resourceVisibleTo } from '../resources/resource.service.js';
import { assertTimeZone, regionZone, WIB } from '../regions/time-zones.js';
import type {
  AttendeeInput,
  CircleGatheringsArgs,
  GatheringsArgs,
  RecordAttendanceInput,
  RemoveAttendanceRecordInput,
  RespondToGatheringInput,
  ScheduleGatheringInput,
  UpdateGatheringInput,
} from './gathering.type.js';

export const GATHERING_KEYS: SortKey[] = [
  { column: gatherings.startsAt, field: 'startsAt', type: 'date' },
  { column: gatherings.id, field: 'id', type: 'uuid' },
];

const ATTENDANCE_KEYS: SortKey[] = [
  { column: attendanceRecords.nameKey, field: 'nameKey', type: 'text' },
  { column: attendanceRecords.id, field: 'id', type: 'uuid' },
];

/** A gathering the viewer may read (its circle is readable), or NOT_FOUND. */
export async function readableGathering(ctx: Context, gatheringId: string, field = 'gatheringId'): Promise<GatheringRow> {
  requireViewer(ctx);
  const gathering = await ctx.loaders.gathering.load(gatheringId);
  if (!gathering) throw new NotFoundError('Gathering', field);
  const circle = await ctx.loaders.circle.load(gathering.circleId);
  if (!circle || !canRead(circle, await standingIn(ctx, circle.id))) throw new NotFoundError('Gathering', field);
  return gathering;
}

/** Loads a gathering and its circle inside a transaction, asserting the viewer may `action` it. */
export async function gatheringFor(
  tx: Queryable,
  viewer: Viewer,
  gatheringId: string,
  action: CircleAction,
  field = 'gatheringId',
): Promise<{ gathering: GatheringRow; circle: CircleRow; standing: Standing }> {
  const [gathering] = await tx.select().from(gatherings).where(eq(gatherings.id, gatheringId));
  const found = gathering ? await loadStanding(tx, gathering.circleId, viewer.user.id) : null;
  if (!gathering || !found || !canRead(found.circle, found.standing)) throw new NotFoundError('Gathering', field);
  assertCan(action, found.circle, found.standing, field);
  return { gathering, ...found };
}

/** A fixed filter of a gathering list by period and status, with the loader key naming it. */
function periodFilter(args: { from?: Date | null; to?: Date | null }) {
  if (args.from && args.to && args.to <= args.from) throw new BadInputError('to', 'must be after from');
  // A gathering is in [from, to) when it overlaps it: ends at or after from, starts before to.
  return and(args.from ? gte(gatherings.endsAt, args.from) : undefined, args.to ? lt(gatherings.startsAt, args.to) : undefined);
}

/** Gatherings in circles the viewer can see, soonest first. */
export function listGatherings(ctx: Context, args: GatheringsArgs, children: readonly Prefetch[] = []) {
  const viewer = requireViewer(ctx);
  const regionId = optionalGlobalId(args.regionId, 'Region', 'regionId');
  const where = and(
    circleVisibleTo(viewer.user.id, gatherings.circleId),
    periodFilter(args),
    args.kind ? eq(gatherings.kind, args.kind) : undefined,
    regionId
      ? inRegionTree(sql`coalesce(${gatherings.regionId}, (select gc.region_id from ${circles} gc where gc.id = ${gatherings.circleId}))`, regionId)
      : undefined,
  );
  return rootConnection<GatheringRow>(ctx, { table: gatherings, keys: GATHERING_KEYS, where }, args, children);
}

/** A circle's gatherings in a period and status, as their resolver and their planner read them. */
function circleGatheringsList(args: CircleGatheringsArgs): ChildList {
  return {
    key: `circleGatherings:${args.from?.toISOString() ?? ''}:${args.to?.toISOString() ?? ''}:${args.status ?? ''}`,
    spec: {
      table: gatherings,
      keys: GATHERING_KEYS,
      parent: gatherings.circleId,
      parentField: 'circleId',
      rowLoader: (l) => l.gathering,
      where: and(periodFilter(args), args.status ? eq(gatherings.status, args.status) : undefined),
    },
  };
}

/** A circle's gatherings, soonest first. */
export async function circleGatheringsPage(ctx: Context, circle: CircleRow, args: CircleGatheringsArgs, children: readonly Prefetch[] = []) {
  const { key, spec } = circleGatheringsList(args);
  return childConnection<GatheringRow>(ctx, key, spec, args, circle.id, undefined, children);
}

/** The attendance sheet: FORBIDDEN (not hidden) for readers of the circle who are not its facilitators. */
export async function attendancePage(ctx: Context, gathering: GatheringRow, args: PageArgs, children: readonly Prefetch[] = []) {
  await assertMaySeeSheet(ctx, gathering);
  return childConnection<AttendanceRecordRow>(ctx, ATTENDANCE.key, ATTENDANCE.spec, args, gathering.id, undefined, children);
}

const ATTENDANCE: ChildList = {
  key: 'attendance',
  spec: { table: attendanceRecords, keys: ATTENDANCE_KEYS, parent: attendanceRecords.gatheringId, parentField: 'gatheringId' },
};

// Read along with their circle or gathering; the sheet is read for the request and served only
// after its resolver's check (assertMaySeeSheet), as any loader's rows are.
prefetchable('Circle', 'gatherings', pagePlanner('Gathering', (_ctx, args) => circleGatheringsList(args)));
prefetchable('Gathering', 'attendance', pagePlanner('AttendanceRecord', () => ATTENDANCE));

export async function assertMaySeeSheet(ctx: Context, gathering: GatheringRow): Promise<void> {
  const circle = await ctx.loaders.circle.load(gathering.circleId);
  const standing = await standingIn(ctx, gathering.circleId);
  if (!circle || !canRead(circle, standing)) throw new NotFoundError('Gathering', 'gatheringId');
  if (!can('seeAttendance', circle, standing)) {
    throw new ForbiddenError("Only the circle's facilitators and coordinators may see who attended; attendanceSummary has the counts.");
  }
}

/** Resources attached to a gathering that the viewer can see. */
export function gatheringResourcesPage(ctx: Context, gathering: GatheringRow, args: PageArgs) {
  const viewer = requireViewer(ctx);
  const spec: ChildListSpec = {
    table: gatheringResources,
    keys: [
      { column: gatheringResources.addedAt, field: 'addedAt', type: 'date' },
      { column: gatheringResources.resourceId, field: 'resourceId', type: 'uuid' },
    ],
    parent: gatheringResources.gatheringId,
    parentField: 'gatheringId',
    where: sql`exists (select 1 from ${resources} where ${resources.id} = ${gatheringResources.resourceId} and ${resourceVisibleTo(viewer.user.id)})`,
  };
  return childConnection(ctx, 'gatheringResources', spec, args, gathering.id, (rows: { resourceId: string }[]) =>
    loadAll<ResourceRow>(ctx.loaders.resource, rows.map((r) => r.resourceId)),
  );
}

function assertPeriod(startsAt: Date, endsAt: Date): void {
  if (endsAt < startsAt) throw new BadInputError('endsAt', 'must not be before startsAt');
  if (endsAt.getTime() - startsAt.getTime() > 366 * 24 * 3600_000) throw new BadInputError('endsAt', 'a gathering lasts at most a year');
}

async function assertResources(tx: Queryable, viewerId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await tx
    .select({ id: resources.id })
    .from(resources)
    .where(and(sql`${resources.id} = any(${sql.param(ids)}::uuid[])`, resourceVisibleTo(viewerId)));
  if (found.length !== ids.length) throw new NotFoundError('Resource', 'resourceIds');
}

async function zoneFor(tx: Queryable, timeZone: string | null | undefined, regionId: string | null | undefined, circle: CircleRow) {
  if (timeZone != null) return assertTimeZone(timeZone);
  const from = regionId ?? circle.regionId;
  return (from && (await regionZone(tx, from))) || WIB;
}

export async function scheduleGathering(ctx: Context, input: ScheduleGatheringInput): Promise<GatheringRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const regionId = optionalGlobalId(input.regionId, 'Region', 'regionId');
  const resourceIds = [...new Set((input.resourceIds ?? []).map((id) => fromGlobalId(id, 'Resource', 'resourceIds')))];
  assertPeriod(input.startsAt, input.endsAt);
  if (input.timeZone != null) assertTimeZone(input.timeZone);
  const id = randomUUID();
  const gatheringId = await ctx.db.transaction(async (tx) => {
    const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'scheduleGathering', id);
    if (first) return first;
    const found = await loadStanding(tx, circleId, viewer.user.id);
    if (!found) throw new NotFoundError('Circle', 'circleId');
    assertCan('manageGatherings', found.circle, found.standing);
    await assertRegion(tx, regionId);
    await assertResources(tx, viewer.user.id, resourceIds);
    await tx.insert(gatherings).values({
      id,
      circleId,
      kind: input.kind,
      title: input.title.trim(),
      description: input.description?.trim() || null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      timeZone: await zoneFor(tx, input.timeZone, regionId, found.circle),
      venue: input.venue?.trim() || null,
      regionId: regionId ?? null,
      createdById: viewer.user.id,
    });
    const goals = [...new Set(input.sdgGoals ?? [])];
    if (goals.length) await tx.insert(gatheringSdgGoals).values(goals.map((goal) => ({ gatheringId: id, goal })));
    if (resourceIds.length) await tx.insert(gatheringResources).values(resourceIds.map((resourceId) => ({ gatheringId: id, resourceId })));
    await appendActivity(tx, { circleId, kind: 'GATHERING_SCHEDULED', actorId: viewer.user.id, gatheringId: id });
    return id;
  });
  return (await ctx.loaders.gathering.clear(gatheringId).load(gatheringId))!;
}

export async function updateGathering(ctx: Context, input: UpdateGatheringInput): Promise<GatheringRow> {
  const viewer = requireViewer(ctx);
  const gatheringId = fromGlobalId(input.gatheringId, 'Gathering', 'gatheringId');
  const regionId = optionalGlobalId(input.regionId, 'Region', 'regionId');
  const resourceIds =
    input.resourceIds == null ? null : [...new Set(input.resourceIds.map((id) => fromGlobalId(id, 'Resource', 'resourceIds')))];
  const timeZone = input.timeZone != null ? assertTimeZone(input.timeZone) : undefined;
  await ctx.db.transaction(async (tx) => {
    const { gathering, circle } = await gatheringFor(tx, viewer, gatheringId, 'manageGatherings');
    const startsAt = input.startsAt ?? gathering.startsAt;
    const endsAt = input.endsAt ?? gathering.endsAt;
    assertPeriod(startsAt, endsAt);
    await assertRegion(tx, regionId);
    if (resourceIds) await assertResources(tx, viewer.user.id, resourceIds);
    const changes: Partial<GatheringRow> = { startsAt, endsAt, updatedAt: new Date() };
    if (input.title != null) changes.title = input.title.trim();
    if (input.description != null) changes.description = input.description.trim() || null;
    if (input.venue != null) changes.venue = input.venue.trim() || null;
    if (input.status != null) changes.status = input.status;
    if (regionId) changes.regionId = regionId;
    // A new region without a zone named moves the zone along with it.
    if (timeZone) changes.timeZone = timeZone;
    else if (regionId && regionId !== gathering.regionId) changes.timeZone = await zoneFor(tx, null, regionId, circle);
    await tx.update(gatherings).set(changes).where(eq(gatherings.id, gatheringId));
    if (input.sdgGoals != null) {
      await tx.delete(gatheringSdgGoals).where(eq(gatheringSdgGoals.gatheringId, gatheringId));
      const goals = [...new Set(input.sdgGoals)];
      if (goals.length) await tx.insert(gatheringSdgGoals).values(goals.map((goal) => ({ gatheringId, goal })));
    }
    if (resourceIds) {
      await tx.delete(gatheringResources).where(eq(gatheringResources.gatheringId, gatheringId));
      if (resourceIds.length) await tx.insert(gatheringResources).values(resourceIds.map((resourceId) => ({ gatheringId, resourceId })));
    }
    await appendActivity(tx, { circleId: gathering.circleId, kind: 'GATHERING_UPDATED', actorId: viewer.user.id, gatheringId });
  });
  ctx.loaders.gatheringGoals.clear(gatheringId);
  return (await ctx.loaders.gathering.clear(gatheringId).load(gatheringId))!;
}

export async function respondToGathering(ctx: Context, input: RespondToGatheringInput): Promise<GatheringRow> {
  const viewer = requireViewer(ctx);
  const gatheringId = fromGlobalId(input.gatheringId, 'Gathering', 'gatheringId');
  await ctx.db.transaction(async (tx) => {
    const { gathering } = await gatheringFor(tx, viewer, gatheringId, 'rsvp');
    if (gathering.status === 'CANCELLED') throw new ForbiddenError('This gathering was cancelled; there is nothing to answer.');
    await tx
      .insert(gatheringRsvps)
      .values({ gatheringId, userId: viewer.user.id, response: input.response })
      .onConflictDoUpdate({
        target: [gatheringRsvps.gatheringId, gatheringRsvps.userId],
        set: { response: input.response, respondedAt: new Date() },
      });
  });
  ctx.loaders.rsvpCounts.clear(gatheringId);
  ctx.loaders.viewerRsvp.clear(gatheringId);
  return (await ctx.loaders.gathering.clear(gatheringId).load(gatheringId))!;
}

/** Lower case, one space between words: "  Baiq  Nurul " and "baiq nurul" are one person. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

type LineValues = typeof attendanceRecords.$inferInsert;

/** Sheet lines from a batch: references checked in three statements, whatever the batch size. */
async function linesOf(tx: Tx, gatheringId: string, attendees: AttendeeInput[], recordedById: string): Promise<LineValues[]> {
  const parsed = attendees.map((a, i) => {
    const at = `attendees.${i}`;
    const userId = optionalGlobalId(a.userId, 'User', `${at}.userId`);
    if (!userId && !a.name?.trim()) throw new BadInputError(`${at}.name`, 'is required when userId is absent');
    return {
      at,
      input: a,
      userId,
      organisationId: optionalGlobalId(a.organisationId, 'Organisation', `${at}.organisationId`),
      villageId: optionalGlobalId(a.villageId, 'Region', `${at}.villageId`),
    };
  });
  const ids = (pick: (p: (typeof parsed)[number]) => string | undefined) => [...new Set(parsed.map(pick).filter((x): x is string => !!x))];
  const userIds = ids((p) => p.userId);
  const orgIds = ids((p) => p.organisationId);
  const villageIds = ids((p) => p.villageId);
  const [foundUsers, foundOrgs, foundVillages] = await Promise.all([
    userIds.length
      ? tx.select({ id: users.id, displayName: users.displayName }).from(users).where(sql`${users.id} = any(${sql.param(userIds)}::uuid[])`)
      : [],
    orgIds.length ? tx.select({ id: organisations.id }).from(organisations).where(sql`${organisations.id} = any(${sql.param(orgIds)}::uuid[])`) : [],
    villageIds.length
      ? tx.select({ id: regions.id, level: regions.level }).from(regions).where(sql`${regions.id} = any(${sql.param(villageIds)}::uuid[])`)
      : [],
  ]);
  const userNames = new Map(foundUsers.map((u) => [u.id, u.displayName]));
  const orgSet = new Set(foundOrgs.map((o) => o.id));
  const villageLevel = new Map(foundVillages.map((v) => [v.id, v.level]));
  const now = new Date();
  return parsed.map(({ at, input, userId, organisationId, villageId }) => {
    if (userId && !userNames.has(userId)) throw new NotFoundError('User', `${at}.userId`);
    if (organisationId && !orgSet.has(organisationId)) throw new NotFoundError('Organisation', `${at}.organisationId`);
    if (villageId) {
      const level = villageLevel.get(villageId);
      if (!level) throw new NotFoundError('Region', `${at}.villageId`);
      if (level !== 'VILLAGE') throw new BadInputError(`${at}.villageId`, `must be a village, not a ${level.toLowerCase()}`);
    }
    const name = (input.name?.trim() || userNames.get(userId!)!).replace(/\s+/g, ' ');
    const key = nameKey(name);
    return {
      gatheringId,
      userId: userId ?? null,
      name,
      nameKey: key,
      lineKey: userId ? `u:${userId}` : `n:${key}|${villageId ?? ''}`,
      gender: input.gender,
      organisationId: organisationId ?? null,
      affiliation: input.affiliation?.trim() || null,
      affiliationKind: organisationId ? null : (input.affiliationKind ?? null),
      position: input.position?.trim() || null,
      villageId: villageId ?? null,
      recordedById,
      recordedAt: now,
    };
  });
}

/**
 * Records a batch of sheet lines. A line already on the sheet (same member, or same name and
 * village) is updated in place; the same line twice in one batch counts once, the later winning.
 */
export async function recordAttendance(
  ctx: Context,
  input: RecordAttendanceInput,
): Promise<{ gathering: GatheringRow; records: AttendanceRecordRow[] }> {
  const viewer = requireViewer(ctx);
  const gatheringId = fromGlobalId(input.gatheringId, 'Gathering', 'gatheringId');
  const records = await ctx.db.transaction(async (tx) => {
    const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'recordAttendance', gatheringId);
    const { gathering } = await gatheringFor(tx, viewer, first ?? gatheringId, 'manageGatherings');
    const lines = await linesOf(tx, gathering.id, input.attendees, viewer.user.id);
    const order = [...new Set(lines.map((l) => l.lineKey))];
    // A retry changes nothing: it answers with the lines as they are now.
    if (first) {
      const rows = await tx
        .select()
        .from(attendanceRecords)
        .where(and(eq(attendanceRecords.gatheringId, gathering.id), sql`${attendanceRecords.lineKey} = any(${sql.param(order)}::text[])`));
      const byKey = new Map(rows.map((r) => [r.lineKey, r]));
      return order.map((k) => byKey.get(k)).filter((r): r is AttendanceRecordRow => !!r);
    }
    const unique = new Map(lines.map((l) => [l.lineKey, l]));
    const rows = await tx
      .insert(attendanceRecords)
      .values([...unique.values()])
      .onConflictDoUpdate({
        target: [attendanceRecords.gatheringId, attendanceRecords.lineKey],
        set: {
          name: sql`excluded.name`,
          nameKey: sql`excluded.name_key`,
          gender: sql`excluded.gender`,
          organisationId: sql`excluded.organisation_id`,
          affiliation: sql`excluded.affiliation`,
          affiliationKind: sql`excluded.affiliation_kind`,
          position: sql`excluded.position`,
          recordedById: sql`excluded.recorded_by_id`,
          recordedAt: sql`excluded.recorded_at`,
        },
      })
      .returning();
    await appendActivity(tx, { circleId: gathering.circleId, kind: 'ATTENDANCE_RECORDED', actorId: viewer.user.id, gatheringId: gathering.id });
    const byKey = new Map(rows.map((r) => [r.lineKey, r]));
    return order.map((k) => byKey.get(k)!);
  });
  const id = records[0]?.gatheringId ?? gatheringId;
  ctx.loaders.attendanceSummary.clear(id);
  return { gathering: (await ctx.loaders.gathering.clear(id).load(id))!, records };
}

export async function removeAttendanceRecord(ctx: Context, input: RemoveAttendanceRecordInput): Promise<GatheringRow> {
  const viewer = requireViewer(ctx);
  const recordId = fromGlobalId(input.recordId, 'AttendanceRecord', 'recordId');
  const gatheringId = await ctx.db.transaction(async (tx) => {
    const [record] = await tx.select().from(attendanceRecords).where(eq(attendanceRecords.id, recordId));
    if (!record) throw new NotFoundError('AttendanceRecord', 'recordId');
    const found = await loadStanding(tx, (await gatheringFor(tx, viewer, record.gatheringId, 'read', 'recordId')).circle.id, viewer.user.id);
    // Someone who may not see the sheet may not learn a line exists either.
    if (!found || !can('seeAttendance', found.circle, found.standing)) throw new NotFoundError('AttendanceRecord', 'recordId');
    assertCan('manageGatherings', found.circle, found.standing, 'recordId');
    await tx.delete(attendanceRecords).where(eq(attendanceRecords.id, recordId));
    await appendActivity(tx, { circleId: found.circle.id, kind: 'ATTENDANCE_RECORDED', actorId: viewer.user.id, gatheringId: record.gatheringId });
    return record.gatheringId;
  });
  ctx.loaders.attendanceSummary.clear(gatheringId);
  return (await ctx.loaders.gathering.clear(gatheringId).load(gatheringId))!;
}

/** A sheet line the viewer may see (facilitators and coordinators of its circle), or null. */
export async function visibleAttendanceRecord(ctx: Context, id: string): Promise<AttendanceRecordRow | null> {
  const record = await ctx.loaders.attendanceRecord.load(id);
  if (!record) return null;
  const gathering = await ctx.loaders.gathering.load(record.gatheringId);
  if (!gathering) return null;
  try {
    await assertMaySeeSheet(ctx, gathering);
    return record;
  } catch {
    return null;
  }
}
