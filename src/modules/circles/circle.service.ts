import type { GraphQLResolveInfo } from 'graphql';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Context, Viewer } from '../../context.js';
import { standingIn } from '../../context.js';
import type { Tx } from '../../db/client.js';
import {
  activity,
  circleMembers,
  circleOrganisations,
  circleReads,
  circleSdgGoals,
  circles,
  organisationMembers,
  organisations,
  users,
  type CircleMemberRow,
  type CircleRow,
} from '../../db/schema.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors.js';
import { can, canCreateCircle, canRead, isModerator, type CircleRole } from '../../auth/permissions.js';
import { assertCan, circleFor, circlesWithStanding, circleVisibleTo, orgAdminOf, requireViewer } from '../../auth/guard.js';
import { planFor, prefetchAlways, prefetchable, ref, Selection, type Prefetch } from '../../shared/prefetch.js';
import { appendActivity } from '../../realtime/activity-log.js';
import { decodeCursor, type PageArgs, type SortKey } from '../../shared/connection.js';
import { childConnection, loadAll, pagePlanner, rootConnection, type ChildList, type ChildListSpec } from '../../shared/lists.js';
import { fromGlobalId, optionalGlobalId } from '../../shared/ids.js';
import { containsText, inRegionTree, uniqueSlug } from '../../shared/sql.js';
import { assertNoNul } from '../../shared/validation.js';
import { assertBelongsTo, assertRegion, memberOrganisations } from '../organisations/organisation.service.js';
import type {
  AddCircleMemberInput,
  AddCircleOrganisationInput,
  CircleMembersArgs,
  CirclesArgs,
  CreateCircleInput,
  JoinCircleInput,
  LeaveCircleInput,
  MarkCircleReadInput,
  RemoveCircleMemberInput,
  UpdateCircleMemberRoleInput,
} from './circle.type.js';

const CIRCLE_KEYS: SortKey[] = [
  { column: circles.name, field: 'name', type: 'text' },
  { column: circles.id, field: 'id', type: 'uuid' },
];

export const ACTIVITY_KEYS: SortKey[] = [{ column: activity.id, field: 'id', type: 'bigint' }];

/** Log entries everyone who reads the circle may see: reports are for its moderators only. */
const notModeratorOnly = ne(activity.kind, 'CONTENT_REPORTED');

export function assertSdgGoal(goal: number | null | undefined, field = 'sdgGoal'): void {
  if (goal != null && !(Number.isInteger(goal) && goal >= 1 && goal <= 18)) {
    throw new BadInputError(field, 'must be an SDG goal number from 1 to 18');
  }
}

/** Circles the viewer can see, by name. Circles need sign-in. */
export async function listCircles(ctx: Context, args: CirclesArgs, children: readonly Prefetch[] = []) {
  const viewer = requireViewer(ctx);
  assertSdgGoal(args.sdgGoal);
  const regionId = optionalGlobalId(args.regionId, 'Region', 'regionId');
  const organisationId = optionalGlobalId(args.organisationId, 'Organisation', 'organisationId');
  const where = and(
    circleVisibleTo(viewer.user.id),
    regionId ? inRegionTree(circles.regionId, regionId) : undefined,
    args.sdgGoal != null
      ? sql`exists (select 1 from ${circleSdgGoals} where ${circleSdgGoals.circleId} = ${circles.id} and ${circleSdgGoals.goal} = ${args.sdgGoal})`
      : undefined,
    organisationId
      ? sql`exists (select 1 from ${circleOrganisations} where ${circleOrganisations.circleId} = ${circles.id} and ${circleOrganisations.organisationId} = ${organisationId})`
      : undefined,
    args.search?.trim() ? containsText([circles.name, circles.description], args.search) : undefined,
  );
  return rootConnection<CircleRow>(ctx, { table: circles, keys: CIRCLE_KEYS, where, rowLoader: (l) => l.circle }, args, children);
}

/**
 * Every circle row read along with the viewer's standing in it: each of its fields starts with a
 * permission check, which then costs no statement of its own.
 */
prefetchAlways('Circle', (ctx, _field, prefix) => {
  if (!ctx.viewer) return null;
  const viewer = `${prefix}viewer`;
  return {
    shape: 'standing',
    values: { [viewer]: ctx.viewer.user.id },
    inline: false,
    json: (parent, bind) =>
      sql`json_build_array((select sm.role from ${circleMembers} sm where sm.circle_id = ${ref(parent, 'id')} and sm.user_id = ${bind(viewer)}), ${orgAdminOf(bind(viewer), ref(parent, 'id'))})`,
    prime: (circleId, value) => {
      const [role, orgAdmin] = value as [CircleRole | null, boolean];
      ctx.loaders.viewerStanding.prime(circleId, { role, orgAdmin: Boolean(orgAdmin) });
    },
  };
});

/** A circle the viewer may read, or NOT_FOUND, whether it does not exist or is hidden. */
export async function readableCircle(ctx: Context, circleId: string, field = 'circleId'): Promise<CircleRow> {
  if (!ctx.viewer) throw new UnauthenticatedError();
  const circle = await ctx.loaders.circle.load(circleId);
  if (!circle || !canRead(circle, await standingIn(ctx, circleId))) throw new NotFoundError('Circle', field);
  return circle;
}

/**
 * A circle by slug, or NOT_FOUND. With `info`, what the query selects under the circle that can
 * be read along (its threads, their posts, see shared/prefetch.ts) comes in the same statement
 * as the circle and the viewer's standing, into the request's loaders.
 */
export async function circleBySlug(ctx: Context, slug: string, info?: GraphQLResolveInfo): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  assertNoNul(slug, 'slug');
  const plans = info ? planFor(ctx, Selection.of(info, 'Circle'), 'c', false) : [];
  if (plans.length) {
    const [found] = await circlesWithStanding(ctx.db, viewer.user.id, 'slug', [slug], plans);
    ctx.loaders.circleBySlug.prime(slug, found?.circle ?? null);
    if (found) {
      ctx.loaders.circle.prime(found.circle.id, found.circle);
      ctx.loaders.viewerStanding.prime(found.circle.id, found.standing);
      plans.forEach((p, i) => p.prime(found.circle.id, found.prefetched[i]));
    }
  }
  const row = await ctx.loaders.circleBySlug.load(slug);
  if (!row) throw new NotFoundError('Circle', 'slug');
  return readableCircle(ctx, row.id, 'slug');
}

/** Circles an organisation takes part in, that the viewer can see. */
export function organisationCirclesPage(ctx: Context, organisationId: string, args: PageArgs) {
  const viewer = requireViewer(ctx);
  const spec: ChildListSpec = {
    table: circleOrganisations,
    keys: [
      { column: circleOrganisations.addedAt, field: 'addedAt', type: 'date' },
      { column: circleOrganisations.circleId, field: 'circleId', type: 'uuid' },
    ],
    parent: circleOrganisations.organisationId,
    parentField: 'organisationId',
    where: circleVisibleTo(viewer.user.id, circleOrganisations.circleId),
  };
  return childConnection(ctx, 'orgCircles', spec, args, organisationId, (rows: { circleId: string }[]) =>
    loadAll<CircleRow>(ctx.loaders.circle, rows.map((r) => r.circleId)),
  );
}

/** Circle memberships of a user, in circles the viewer can see. */
export function userCirclesPage(ctx: Context, userId: string, args: PageArgs) {
  const viewer = requireViewer(ctx);
  const spec: ChildListSpec = {
    table: circleMembers,
    keys: [
      { column: circleMembers.joinedAt, field: 'joinedAt', type: 'date' },
      { column: circleMembers.circleId, field: 'circleId', type: 'uuid' },
    ],
    parent: circleMembers.userId,
    parentField: 'userId',
    where: circleVisibleTo(viewer.user.id, circleMembers.circleId),
  };
  return childConnection<CircleMemberRow>(ctx, 'userCircles', spec, args, userId);
}

/** A circle's members (with one role, if asked), as their resolver and their planner read them. */
function circleMembersList(args: CircleMembersArgs): ChildList {
  return {
    key: `circleMembers:${args.role ?? ''}`,
    spec: {
      table: circleMembers,
      keys: [
        { column: circleMembers.joinedAt, field: 'joinedAt', type: 'date' },
        { column: circleMembers.userId, field: 'userId', type: 'uuid' },
      ],
      parent: circleMembers.circleId,
      parentField: 'circleId',
      where: args.role ? eq(circleMembers.role, args.role) : undefined,
    },
  };
}

export async function circleMembersPage(ctx: Context, circle: CircleRow, args: CircleMembersArgs, children: readonly Prefetch[] = []) {
  await readableCircle(ctx, circle.id);
  const { key, spec } = circleMembersList(args);
  return childConnection<CircleMemberRow>(ctx, key, spec, args, circle.id, undefined, children);
}

prefetchable('Circle', 'members', pagePlanner('CircleMembership', (_ctx, args) => circleMembersList(args)));

export async function viewerRole(ctx: Context, circleId: string): Promise<CircleRole | null> {
  return ctx.viewer ? (await ctx.loaders.viewerStanding.load(circleId)).role : null;
}

export async function viewerCanPost(ctx: Context, circle: CircleRow): Promise<boolean> {
  if (!ctx.viewer) return false;
  const standing = await standingIn(ctx, circle.id);
  return can('post', circle, standing);
}

export async function createCircle(ctx: Context, input: CreateCircleInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const regionId = optionalGlobalId(input.regionId, 'Region', 'regionId');
  const orgIds = [...new Set(input.organisationIds.map((id) => fromGlobalId(id, 'Organisation', 'organisationIds')))];
  const goals = [...new Set(input.sdgGoals ?? [])];
  return ctx.db.transaction(async (tx) => {
    await assertRegion(tx, regionId);
    const found = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(sql`${organisations.id} = any(${sql.param(orgIds)}::uuid[])`);
    if (found.length !== orgIds.length) throw new NotFoundError('Organisation', 'organisationIds');
    if (!canCreateCircle(true, orgIds, await memberOrganisations(tx, viewer.user.id, orgIds))) {
      throw new ForbiddenError('organisationIds: you must belong to every organisation taking part in the circle.');
    }
    const name = input.name.trim();
    const slug = await uniqueSlug(tx, circles, circles.slug, name);
    const [circle] = await tx
      .insert(circles)
      .values({ slug, name, description: input.description?.trim() || null, visibility: input.visibility, regionId })
      .returning();
    await tx.insert(circleOrganisations).values(orgIds.map((organisationId) => ({ circleId: circle.id, organisationId })));
    if (goals.length) await tx.insert(circleSdgGoals).values(goals.map((goal) => ({ circleId: circle.id, goal })));
    const [member] = await tx
      .insert(circleMembers)
      .values({ circleId: circle.id, userId: viewer.user.id, role: 'COORDINATOR', organisationId: orgIds[0] })
      .returning();
    await appendActivity(tx, membershipActivity('MEMBER_JOINED', member, viewer));
    return circle;
  });
}

function membershipActivity(kind: 'MEMBER_JOINED' | 'MEMBER_LEFT' | 'MEMBER_ROLE_CHANGED', m: CircleMemberRow, actor: Viewer) {
  return {
    circleId: m.circleId,
    kind,
    actorId: actor.user.id,
    memberUserId: m.userId,
    memberRole: m.role,
    memberOrganisationId: m.organisationId,
  } as const;
}

export async function addCircleOrganisation(ctx: Context, input: AddCircleOrganisationInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const organisationId = fromGlobalId(input.organisationId, 'Organisation', 'organisationId');
  return ctx.db.transaction(async (tx) => {
    const { circle } = await circleFor(tx, viewer, circleId, 'addOrganisation');
    const [org] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId));
    if (!org) throw new NotFoundError('Organisation', 'organisationId');
    const [mine] = await tx
      .select({ role: organisationMembers.role })
      .from(organisationMembers)
      .where(and(eq(organisationMembers.organisationId, organisationId), eq(organisationMembers.userId, viewer.user.id)));
    if (mine?.role !== 'ADMIN') throw new ForbiddenError('organisationId: only an ADMIN of the organisation may bring it into a circle.');
    const added = await tx.insert(circleOrganisations).values({ circleId, organisationId }).onConflictDoNothing().returning();
    if (added.length === 0) throw new ConflictError('organisationId: this organisation already takes part in the circle', 'organisationId');
    await appendActivity(tx, { circleId, kind: 'CIRCLE_UPDATED', actorId: viewer.user.id });
    return circle;
  });
}

async function insertMember(
  tx: Tx,
  actor: Viewer,
  values: { circleId: string; userId: string; role: CircleRole; organisationId?: string },
): Promise<CircleMemberRow> {
  const [member] = await tx.insert(circleMembers).values(values).onConflictDoNothing().returning();
  if (!member) throw new ConflictError('userId: this person is already a member of the circle', 'userId');
  await appendActivity(tx, membershipActivity('MEMBER_JOINED', member, actor));
  return member;
}

export async function joinCircle(ctx: Context, input: JoinCircleInput): Promise<CircleMemberRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const organisationId = optionalGlobalId(input.organisationId, 'Organisation', 'organisationId');
  return ctx.db.transaction(async (tx) => {
    const { circle, standing } = await circleFor(tx, viewer, circleId, 'read');
    if (standing.role !== null) throw new ConflictError('circleId: you are already a member of this circle', 'circleId');
    if (circle.visibility !== 'PUBLIC') throw new ForbiddenError('Only PUBLIC circles can be joined; ask a coordinator to add you.');
    assertCan('join', circle, standing);
    await assertBelongsTo(tx, viewer.user.id, organisationId);
    return insertMember(tx, viewer, { circleId, userId: viewer.user.id, role: 'PARTICIPANT', organisationId });
  });
}

export async function addCircleMember(ctx: Context, input: AddCircleMemberInput): Promise<CircleMemberRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const userId = fromGlobalId(input.userId, 'User', 'userId');
  const organisationId = optionalGlobalId(input.organisationId, 'Organisation', 'organisationId');
  return ctx.db.transaction(async (tx) => {
    await circleFor(tx, viewer, circleId, 'manageMembers');
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user) throw new NotFoundError('User', 'userId');
    await assertBelongsTo(tx, userId, organisationId, 'theirs');
    return insertMember(tx, viewer, { circleId, userId, role: input.role, organisationId });
  });
}

/**
 * Serialises changes to a circle's membership: taken first, before the viewer's standing is read,
 * so two coordinators demoting or removing each other at once queue up instead of deadlocking on
 * each other's member rows. NO KEY UPDATE leaves inserts that reference the circle unblocked.
 */
async function lockMembership(tx: Tx, circleId: string): Promise<void> {
  await tx.select({ id: circles.id }).from(circles).where(eq(circles.id, circleId)).for('no key update');
}

async function lockedMember(tx: Tx, circleId: string, userId: string): Promise<CircleMemberRow> {
  const [member] = await tx
    .select()
    .from(circleMembers)
    .where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.userId, userId)))
    .for('update');
  if (!member) throw new NotFoundError('Circle member', 'userId');
  return member;
}

/** A circle always keeps a coordinator: someone must be able to manage it. */
async function assertAnotherCoordinator(tx: Tx, circleId: string, userId: string, field: string) {
  // Locking the coordinators' rows serialises concurrent demotions, so two cannot each see the other.
  const others = await tx
    .select({ userId: circleMembers.userId })
    .from(circleMembers)
    .where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.role, 'COORDINATOR'), ne(circleMembers.userId, userId)))
    .for('update');
  if (others.length === 0) {
    throw new ConflictError(`${field}: the circle would be left without a coordinator; make someone else COORDINATOR first`, field);
  }
}

export async function updateCircleMemberRole(ctx: Context, input: UpdateCircleMemberRoleInput): Promise<CircleMemberRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const userId = fromGlobalId(input.userId, 'User', 'userId');
  return ctx.db.transaction(async (tx) => {
    await lockMembership(tx, circleId);
    await circleFor(tx, viewer, circleId, 'manageMembers');
    const member = await lockedMember(tx, circleId, userId);
    if (member.role === input.role) return member;
    if (member.role === 'COORDINATOR') await assertAnotherCoordinator(tx, circleId, userId, 'role');
    const [updated] = await tx
      .update(circleMembers)
      .set({ role: input.role })
      .where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.userId, userId)))
      .returning();
    await appendActivity(tx, membershipActivity('MEMBER_ROLE_CHANGED', updated, viewer));
    return updated;
  });
}

async function removeMember(tx: Tx, actor: Viewer, circleId: string, userId: string, field: string) {
  const member = await lockedMember(tx, circleId, userId);
  if (member.role === 'COORDINATOR') await assertAnotherCoordinator(tx, circleId, userId, field);
  await tx.delete(circleMembers).where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.userId, userId)));
  await tx.delete(circleReads).where(and(eq(circleReads.circleId, circleId), eq(circleReads.userId, userId)));
  await appendActivity(tx, membershipActivity('MEMBER_LEFT', member, actor));
}

export async function removeCircleMember(ctx: Context, input: RemoveCircleMemberInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const userId = fromGlobalId(input.userId, 'User', 'userId');
  return ctx.db.transaction(async (tx) => {
    await lockMembership(tx, circleId);
    const { circle } = await circleFor(tx, viewer, circleId, 'manageMembers');
    await removeMember(tx, viewer, circleId, userId, 'userId');
    return circle;
  });
}

export async function leaveCircle(ctx: Context, input: LeaveCircleInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  return ctx.db.transaction(async (tx) => {
    await lockMembership(tx, circleId);
    const { circle, standing } = await circleFor(tx, viewer, circleId, 'read');
    if (standing.role === null) throw new ConflictError('circleId: you are not a member of this circle', 'circleId');
    await removeMember(tx, viewer, circleId, viewer.user.id, 'circleId');
    return circle;
  });
}

/** Activities since the viewer last marked the circle read, not counting their own. */
export async function viewerUnreadCount(ctx: Context, circleId: string): Promise<number> {
  const viewer = ctx.viewer;
  if (!viewer) return 0;
  return ctx.loaders
    .pages('unread', async (ids) => {
      const rows = await ctx.db
        .select({ circleId: circleMembers.circleId, n: sql<number>`count(${activity.id})::int` })
        .from(circleMembers)
        .leftJoin(circleReads, and(eq(circleReads.circleId, circleMembers.circleId), eq(circleReads.userId, circleMembers.userId)))
        .leftJoin(
          activity,
          sql`${activity.circleId} = ${circleMembers.circleId}
            and ${activity.id} > coalesce(${circleReads.lastReadCursor}, 0)
            and ${activity.occurredAt} >= ${circleMembers.joinedAt}
            and ${activity.actorId} is distinct from ${viewer.user.id}
            and (${activity.kind} <> 'CONTENT_REPORTED' or ${circleMembers.role} in ('FACILITATOR', 'COORDINATOR'))`,
        )
        .where(and(eq(circleMembers.userId, viewer.user.id), sql`${circleMembers.circleId} = any(${sql.param([...ids])}::uuid[])`))
        .groupBy(circleMembers.circleId);
      return new Map<string, number>([...ids.map((id) => [id, 0] as [string, number]), ...rows.map((r) => [r.circleId, r.n] as [string, number])]);
    })
    .load(circleId);
}

export async function markCircleRead(ctx: Context, input: MarkCircleReadInput): Promise<CircleRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const upTo = input.upTo != null ? (decodeCursor(input.upTo, ACTIVITY_KEYS, 'upTo')[0] as bigint) : undefined;
  return ctx.db.transaction(async (tx) => {
    const { circle, standing } = await circleFor(tx, viewer, circleId, 'read');
    if (standing.role === null) throw new ForbiddenError('Only members keep read marks; join the circle first.');
    let cursor = upTo;
    if (cursor === undefined) {
      const [row] = await tx
        .select({ max: sql<string | null>`max(${activity.id})::text` })
        .from(activity)
        .where(eq(activity.circleId, circleId));
      cursor = BigInt(row.max ?? 0);
    }
    await tx
      .insert(circleReads)
      .values({ userId: viewer.user.id, circleId, lastReadCursor: cursor })
      .onConflictDoUpdate({ target: [circleReads.userId, circleReads.circleId], set: { lastReadCursor: cursor, updatedAt: new Date() } });
    return circle;
  });
}

/** The circle's log, oldest first. */
export async function circleActivityPage(ctx: Context, circle: CircleRow, args: PageArgs) {
  await readableCircle(ctx, circle.id);
  // Reports are for the circle's moderators: everyone else reads the log without them.
  const moderator = isModerator(await standingIn(ctx, circle.id));
  const spec: ChildListSpec = {
    table: activity,
    keys: ACTIVITY_KEYS,
    parent: activity.circleId,
    parentField: 'circleId',
    where: moderator ? undefined : notModeratorOnly,
  };
  return childConnection(ctx, moderator ? 'circleActivity' : 'circleActivity:members', spec, args, circle.id);
}
