import { randomUUID } from 'node:crypto';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { resourceCircles, resourceSdgGoals, resources, type CircleRow, type ResourceRow } from '../../db/schema.js';
import { circleFor, circleVisibleTo, requireViewer } from '../../auth/guard.js';
import { appendActivity } from '../../realtime/activity-log.js';
import { claimIdempotencyKey } from '../../shared/idempotency.js';
import { fromGlobalId, optionalGlobalId } from '../../shared/ids.js';
import type { PageArgs, SortKey } from '../../shared/connection.js';
import { childConnection, loadAll, rootConnection, type ChildListSpec } from '../../shared/lists.js';
import type { Prefetch } from '../../shared/prefetch.js';
import { containsText } from '../../shared/sql.js';
import { assertSdgGoal, readableCircle } from '../circles/circle.service.js';
import { assertBelongsTo } from '../organisations/organisation.service.js';
import type { ResourcesArgs, ShareResourceInput } from './resource.type.js';

const RESOURCE_KEYS: SortKey[] = [
  { column: resources.createdAt, field: 'createdAt', type: 'date', desc: true },
  { column: resources.id, field: 'id', type: 'uuid', desc: true },
];

/** A resource is visible to whoever can see one of the circles it was shared with, and to its sharer. */
export function resourceVisibleTo(viewerId: string) {
  return or(
    eq(resources.sharedById, viewerId),
    sql`exists (select 1 from ${resourceCircles} rc where rc.resource_id = ${resources.id} and ${circleVisibleTo(viewerId, sql.raw('rc.circle_id') as any)})`,
  )!;
}

/** The resource centre: newest first. */
export function listResources(ctx: Context, args: ResourcesArgs, children: readonly Prefetch[] = []) {
  const viewer = requireViewer(ctx);
  assertSdgGoal(args.sdgGoal);
  const where = and(
    resourceVisibleTo(viewer.user.id),
    args.kind ? eq(resources.kind, args.kind) : undefined,
    args.sdgGoal != null
      ? sql`exists (select 1 from ${resourceSdgGoals} where ${resourceSdgGoals.resourceId} = ${resources.id} and ${resourceSdgGoals.goal} = ${args.sdgGoal})`
      : undefined,
    args.search?.trim() ? containsText([resources.title, resources.description], args.search) : undefined,
  );
  return rootConnection<ResourceRow>(ctx, { table: resources, keys: RESOURCE_KEYS, where }, args, children);
}

/** Resources shared with a circle, most recently shared first. */
export async function circleResourcesPage(ctx: Context, circle: CircleRow, args: PageArgs) {
  await readableCircle(ctx, circle.id);
  const spec: ChildListSpec = {
    table: resourceCircles,
    keys: [
      { column: resourceCircles.sharedAt, field: 'sharedAt', type: 'date', desc: true },
      { column: resourceCircles.resourceId, field: 'resourceId', type: 'uuid', desc: true },
    ],
    parent: resourceCircles.circleId,
    parentField: 'circleId',
  };
  return childConnection(ctx, 'circleResources', spec, args, circle.id, (rows: { resourceId: string }[]) =>
    loadAll<ResourceRow>(ctx.loaders.resource, rows.map((r) => r.resourceId)),
  );
}

/** Circles a resource was shared with, that the viewer can see. */
export function resourceCirclesPage(ctx: Context, resource: ResourceRow, args: PageArgs) {
  const viewer = requireViewer(ctx);
  const spec: ChildListSpec = {
    table: resourceCircles,
    keys: [
      { column: resourceCircles.sharedAt, field: 'sharedAt', type: 'date' },
      { column: resourceCircles.circleId, field: 'circleId', type: 'uuid' },
    ],
    parent: resourceCircles.resourceId,
    parentField: 'resourceId',
    where: circleVisibleTo(viewer.user.id, resourceCircles.circleId),
  };
  return childConnection(ctx, 'resourceCircles', spec, args, resource.id, (rows: { circleId: string }[]) =>
    loadAll<CircleRow>(ctx.loaders.circle, rows.map((r) => r.circleId)),
  );
}

export async function shareResource(ctx: Context, input: ShareResourceInput): Promise<ResourceRow> {
  const viewer = requireViewer(ctx);
  const circleIds = [...new Set(input.circleIds.map((id) => fromGlobalId(id, 'Circle', 'circleIds')))];
  const organisationId = optionalGlobalId(input.organisationId, 'Organisation', 'organisationId');
  const id = randomUUID();
  const resourceId = await ctx.db.transaction(async (tx) => {
    const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'shareResource', id);
    if (first) return first;
    for (const circleId of circleIds) await circleFor(tx, viewer, circleId, 'shareResource', 'circleIds');
    await assertBelongsTo(tx, viewer.user.id, organisationId);
    await tx.insert(resources).values({
      id,
      title: input.title.trim(),
      description: input.description?.trim() || null,
      kind: input.kind,
      url: input.url.trim(),
      language: input.language ?? 'id',
      organisationId,
      sharedById: viewer.user.id,
    });
    await tx.insert(resourceCircles).values(circleIds.map((circleId) => ({ resourceId: id, circleId })));
    const goals = [...new Set(input.sdgGoals ?? [])];
    if (goals.length) await tx.insert(resourceSdgGoals).values(goals.map((goal) => ({ resourceId: id, goal })));
    await appendActivity(
      tx,
      circleIds.map((circleId) => ({ circleId, kind: 'RESOURCE_SHARED' as const, actorId: viewer.user.id, resourceId: id })),
    );
    return id;
  });
  return (await ctx.loaders.resource.clear(resourceId).load(resourceId))!;
}
