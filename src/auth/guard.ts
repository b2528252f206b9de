import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Context, Viewer } from '../context.js';
import type { Queryable } from '../db/client.js';
import { preparable, prepared } from '../db/prepared.js';
import { binder, keepable, shapesOf, valuesOf, type Prefetch, type Values } from '../shared/prefetch.js';
import { circleMembers, circleOrganisations, circles, organisationMembers, type CircleRow } from '../db/schema.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { can, canRead, type CircleAction, type CircleFacts, type CircleRole, type Standing } from './permissions.js';

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}

/** SQL condition: the viewer is ADMIN of an organisation taking part in the circle `circleId`. */
export function orgAdminOf(viewer: unknown, circleId: PgColumn | SQL) {
  return sql<boolean>`exists (select 1 from ${circleOrganisations} admin_co join ${organisationMembers} admin_om
    on admin_om.organisation_id = admin_co.organisation_id and admin_om.user_id = ${viewer} and admin_om.role = 'ADMIN'
    where admin_co.circle_id = ${circleId})`;
}

/**
 * SQL condition: the circle `circles.id` is readable by the viewer (see permissions.canRead).
 * `viewerId` may be a column, to ask it of many people at once (recipients of notifications).
 */
export function circleVisibleTo(viewerId: string | PgColumn | SQL, circleIdColumn: PgColumn = circles.id) {
  return sql`(exists (select 1 from ${circles} vc where vc.id = ${circleIdColumn} and vc.visibility = 'PUBLIC')
    or exists (select 1 from ${circleMembers} vm where vm.circle_id = ${circleIdColumn} and vm.user_id = ${viewerId})
    or ${orgAdminOf(viewerId, circleIdColumn)})`;
}

/**
 * Circles by id or by slug, each with the viewer's standing in it: reading a circle almost
 * always leads to a permission check, so both come in one statement.
 */
export async function circlesWithStanding(
  q: Queryable,
  viewerId: string,
  by: 'id' | 'slug',
  values: readonly string[],
  prefetches: readonly Prefetch[] = [],
): Promise<{ circle: CircleRow; standing: { role: CircleRole | null; orgAdmin: boolean }; prefetched: unknown[] }[]> {
  const all: Values = { viewer: viewerId, values: [...values], ...valuesOf(prefetches) };
  const key = `circlesWithStanding:${by}:${shapesOf(prefetches)}`;
  const prepare = keepable(prefetches) && preparable(key);
  const bind = binder(prepare, all);
  const query = () =>
    q
      .select({
        circle: circles,
        role: circleMembers.role,
        orgAdmin: orgAdminOf(bind('viewer'), circles.id),
        // Read along with the circle: what the query selects under it (see shared/prefetch.ts).
        prefetched: prefetches.length ? sql<unknown[]>`json_build_array(${sql.join(prefetches.map((p) => p.json('circles', bind)), sql`, `)})` : sql<null>`null`,
      })
      .from(circles)
      .leftJoin(circleMembers, and(eq(circleMembers.circleId, circles.id), eq(circleMembers.userId, bind('viewer') as string)))
      .where(by === 'id' ? sql`${circles.id} = any(${bind('values')}::uuid[])` : sql`${circles.slug} = any(${bind('values')}::text[])`);
  const rows = prepare ? await prepared(q, key, (name) => query().prepare(name)).execute(all) : await query();
  return rows.map((r) => ({ circle: r.circle, standing: { role: r.role ?? null, orgAdmin: Boolean(r.orgAdmin) }, prefetched: r.prefetched ?? [] }));
}

/** A circle with the viewer's standing in it, read fresh (inside a mutation's transaction). */
export async function loadStanding(
  q: Queryable,
  circleId: string,
  viewerId: string,
): Promise<{ circle: CircleRow; standing: Standing } | null> {
  const [found] = await circlesWithStanding(q, viewerId, 'id', [circleId]);
  return found ? { circle: found.circle, standing: { signedIn: true, ...found.standing } } : null;
}

const ACTION_WORDS: Record<CircleAction, string> = {
  read: 'read this circle',
  join: 'join this circle',
  post: 'post in this circle',
  react: 'react in this circle',
  shareResource: 'share resources with this circle',
  editOwn: 'change this',
  moderate: 'moderate this circle (facilitators and coordinators only)',
  report: 'report content in this circle (members only)',
  moderateContent: 'moderate content in this circle (facilitators and coordinators only)',
  manageMembers: 'manage members of this circle (coordinators only)',
  addOrganisation: 'add organisations to this circle (coordinators only)',
  leave: 'leave this circle',
  rsvp: 'answer invitations to gatherings of this circle (members only)',
  manageGatherings: 'schedule or change gatherings of this circle or record their attendance (facilitators and coordinators only)',
  seeAttendance: 'see attendance sheets of this circle (facilitators and coordinators only)',
  createOwnFollowUp: 'add follow-ups to this circle (members only)',
  manageFollowUps: 'assign or change others\u2019 follow-ups in this circle (facilitators and coordinators only)',
};

/**
 * Throws unless the viewer may `action` the circle: NOT_FOUND when they may not even see it
 * (so its existence does not leak), FORBIDDEN when they see it but may not act.
 */
export function assertCan(action: CircleAction, circle: CircleFacts, standing: Standing, field = 'circleId'): void {
  if (!canRead(circle, standing)) throw new NotFoundError('Circle', field);
  if (can(action, circle, standing)) return;
  if (circle.status === 'ARCHIVED' && action !== 'leave' && action !== 'report' && action !== 'moderateContent') {
    throw new ForbiddenError(`This circle is archived and read-only; you may not ${ACTION_WORDS[action]}.`);
  }
  throw new ForbiddenError(`You may not ${ACTION_WORDS[action]}.`);
}

/** Loads a circle for an action inside a transaction and asserts the viewer may do it. */
export async function circleFor(
  q: Queryable,
  viewer: Viewer,
  circleId: string,
  action: CircleAction,
  field = 'circleId',
): Promise<{ circle: CircleRow; standing: Standing }> {
  const found = await loadStanding(q, circleId, viewer.user.id);
  if (!found) throw new NotFoundError('Circle', field);
  assertCan(action, found.circle, found.standing, field);
  return found;
}
