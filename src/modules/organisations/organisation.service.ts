import { and, eq, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import {
  circleOrganisations,
  organisationMembers,
  organisations,
  regions,
  users,
  type OrganisationMemberRow,
  type OrganisationRow,
} from '../../db/schema.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, sqlState } from '../../errors.js';
import { canAddOrganisationMember } from '../../auth/permissions.js';
import { requireViewer } from '../../auth/guard.js';
import type { PageArgs, SortKey } from '../../shared/connection.js';
import { childConnection, loadAll, pagePlanner, rootConnection, type ChildListSpec } from '../../shared/lists.js';
import { prefetchable, type Prefetch } from '../../shared/prefetch.js';
import { fromGlobalId, optionalGlobalId } from '../../shared/ids.js';
import { inRegionTree, uniqueSlug } from '../../shared/sql.js';
import { assertNoNul } from '../../shared/validation.js';
import type { OrganisationKind } from '../../shared/graphql.js';
import type { AddOrganisationMemberInput, CreateOrganisationInput } from './organisation.type.js';
import type { Queryable } from '../../db/client.js';

const ORG_KEYS: SortKey[] = [
  { column: organisations.name, field: 'name', type: 'text' },
  { column: organisations.id, field: 'id', type: 'uuid' },
];

/** The public organisation directory. */
export async function listOrganisations(
  ctx: Context,
  args: PageArgs & { kind?: OrganisationKind | null; regionId?: string | null },
  children: readonly Prefetch[] = [],
) {
  const regionId = optionalGlobalId(args.regionId, 'Region', 'regionId');
  const where = and(
    args.kind ? eq(organisations.kind, args.kind) : undefined,
    regionId ? inRegionTree(organisations.regionId, regionId) : undefined,
  );
  return rootConnection<OrganisationRow>(ctx, { table: organisations, keys: ORG_KEYS, where }, args, children);
}

export async function organisationBySlug(ctx: Context, slug: string): Promise<OrganisationRow> {
  assertNoNul(slug, 'slug');
  const [row] = await ctx.db.select().from(organisations).where(eq(organisations.slug, slug));
  if (!row) throw new NotFoundError('Organisation', 'slug');
  return row;
}

const ORG_MEMBERS: ChildListSpec = {
  table: organisationMembers,
  keys: [
    { column: organisationMembers.joinedAt, field: 'joinedAt', type: 'date' },
    { column: organisationMembers.userId, field: 'userId', type: 'uuid' },
  ],
  parent: organisationMembers.organisationId,
  parentField: 'organisationId',
};

const USER_ORGS: ChildListSpec = {
  table: organisationMembers,
  keys: [
    { column: organisationMembers.joinedAt, field: 'joinedAt', type: 'date' },
    { column: organisationMembers.organisationId, field: 'organisationId', type: 'uuid' },
  ],
  parent: organisationMembers.userId,
  parentField: 'userId',
};

/** Members of an organisation: signed-in users only (the directory is public, its people are not). */
export function organisationMembersPage(ctx: Context, organisationId: string, args: PageArgs, children: readonly Prefetch[] = []) {
  requireViewer(ctx);
  return childConnection<OrganisationMemberRow>(ctx, 'orgMembers', ORG_MEMBERS, args, organisationId, undefined, children);
}

/** A user's organisations: signed-in users only. */
export function userOrganisationsPage(ctx: Context, userId: string, args: PageArgs, children: readonly Prefetch[] = []) {
  requireViewer(ctx);
  return childConnection<OrganisationMemberRow>(ctx, 'userOrgs', USER_ORGS, args, userId, undefined, children);
}

// Read along with their organisation or user, for signed-in viewers (the only ones who may see them).
prefetchable('Organisation', 'members', pagePlanner('OrganisationMembership', (ctx) => (ctx.viewer ? { key: 'orgMembers', spec: ORG_MEMBERS } : null)));
prefetchable('User', 'organisations', pagePlanner('OrganisationMembership', (ctx) => (ctx.viewer ? { key: 'userOrgs', spec: USER_ORGS } : null)));

/** Organisations taking part in a circle, in the order they joined it. */
export function circleOrganisationsPage(ctx: Context, circleId: string, args: PageArgs) {
  const spec: ChildListSpec = {
    table: circleOrganisations,
    keys: [
      { column: circleOrganisations.addedAt, field: 'addedAt', type: 'date' },
      { column: circleOrganisations.organisationId, field: 'organisationId', type: 'uuid' },
    ],
    parent: circleOrganisations.circleId,
    parentField: 'circleId',
  };
  return childConnection(ctx, 'circleOrgs', spec, args, circleId, (rows: { organisationId: string }[]) =>
    loadAll<OrganisationRow>(ctx.loaders.organisation, rows.map((r) => r.organisationId)),
  );
}

/** A region ID given in input names an existing region. */
export async function assertRegion(q: Queryable, regionId: string | undefined) {
  if (!regionId) return;
  const [row] = await q.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
  if (!row) throw new NotFoundError('Region', 'regionId');
}

export async function createOrganisation(ctx: Context, input: CreateOrganisationInput): Promise<OrganisationRow> {
  const viewer = requireViewer(ctx);
  const regionId = optionalGlobalId(input.regionId, 'Region', 'regionId');
  const name = input.name.trim();
  return ctx.db.transaction(async (tx) => {
    await assertRegion(tx, regionId);
    const [dupe] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(sql`lower(${organisations.name}) = lower(${name})`);
    if (dupe) throw new ConflictError('name: an organisation with this name already exists', 'name');
    const slug = await uniqueSlug(tx, organisations, organisations.slug, name);
    const [org] = await tx
      .insert(organisations)
      .values({ slug, name, kind: input.kind, description: input.description?.trim() || null, regionId })
      .returning();
    await tx.insert(organisationMembers).values({ organisationId: org.id, userId: viewer.user.id, role: 'ADMIN' });
    return org;
  }).catch((err) => {
    if (sqlState(err) === '23505') throw new ConflictError('name: an organisation with this name was just created; try again', 'name');
    throw err;
  });
}

export async function addOrganisationMember(ctx: Context, input: AddOrganisationMemberInput): Promise<OrganisationMemberRow> {
  const viewer = requireViewer(ctx);
  const organisationId = fromGlobalId(input.organisationId, 'Organisation', 'organisationId');
  const userId = fromGlobalId(input.userId, 'User', 'userId');
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId));
    if (!org) throw new NotFoundError('Organisation', 'organisationId');
    const [mine] = await tx
      .select({ role: organisationMembers.role })
      .from(organisationMembers)
      .where(and(eq(organisationMembers.organisationId, organisationId), eq(organisationMembers.userId, viewer.user.id)));
    if (!canAddOrganisationMember(mine?.role ?? null)) {
      throw new ForbiddenError('Only an ADMIN of this organisation may add members.');
    }
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user) throw new NotFoundError('User', 'userId');
    if (userId === viewer.user.id && input.role !== 'ADMIN') {
      const [{ n }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(organisationMembers)
        .where(and(eq(organisationMembers.organisationId, organisationId), eq(organisationMembers.role, 'ADMIN')));
      if (n <= 1) throw new ConflictError('role: the organisation would be left without an ADMIN', 'role');
    }
    const [row] = await tx
      .insert(organisationMembers)
      .values({ organisationId, userId, role: input.role })
      .onConflictDoUpdate({ target: [organisationMembers.organisationId, organisationMembers.userId], set: { role: input.role } })
      .returning();
    return row;
  });
}


/** `userId`'s organisations among `ids`. */
export async function memberOrganisations(q: Queryable, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q
    .select({ id: organisationMembers.organisationId })
    .from(organisationMembers)
    .where(and(eq(organisationMembers.userId, userId), sql`${organisationMembers.organisationId} = any(${sql.param(ids)}::uuid[])`));
  return new Set(rows.map((r) => r.id));
}

/**
 * The organisation someone takes part for exists and they belong to it. The viewer claiming an
 * organisation they are not in is refused FORBIDDEN, as createCircle refuses it; a coordinator
 * naming the wrong organisation for someone else (`whose: 'theirs'`) made a mistake in the input.
 */
export async function assertBelongsTo(q: Queryable, userId: string, organisationId: string | undefined, whose: 'mine' | 'theirs' = 'mine') {
  if (!organisationId) return;
  const [org] = await q.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId));
  if (!org) throw new NotFoundError('Organisation', 'organisationId');
  if ((await memberOrganisations(q, userId, [organisationId])).has(organisationId)) return;
  if (whose === 'mine') throw new ForbiddenError('organisationId: you may only act for an organisation you belong to.', 'organisationId');
  throw new BadInputError('organisationId', 'this person does not belong to this organisation');
}
