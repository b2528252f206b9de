import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { standingIn } from '../../context.js';
import type { Queryable } from '../../db/client.js';
import { circleMembers, circleOrganisations, followUpSdgGoals, followUps, gatherings, type CircleRow, type FollowUpRow, type GatheringRow } from '../../db/schema.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../../errors.js';
import { can, canRead } from '../../auth/permissions.js';
import { assertCan, loadStanding, requireViewer } from '../../auth/guard.js';
import { appendActivity } from '../../realtime/activity-log.js';
import { claimIdempotencyKey } from '../../shared/idempotency.js';
import { fromGlobalId, optionalGlobalId } from '../../shared/ids.js';
import { parseCalendarDate } from '../../shared/date.js';
import type { SortKey } from '../../shared/connection.js';
import { childConnection, pagePlanner, type ChildListSpec } from '../../shared/lists.js';
import { prefetchable, type Prefetch } from '../../shared/prefetch.js';
import { readableCircle } from '../circles/circle.service.js';
import type { CreateFollowUpInput, FollowUpsArgs, UpdateFollowUpInput } from './follow-up.type.js';

const FOLLOW_UP_KEYS: SortKey[] = [
  { column: followUps.createdAt, field: 'createdAt', type: 'date', desc: true },
  { column: followUps.id, field: 'id', type: 'uuid', desc: true },
];

function followUpsSpec(parent: 'circle' | 'gathering', args: FollowUpsArgs): ChildListSpec {
  return {
    table: followUps,
    keys: FOLLOW_UP_KEYS,
    parent: parent === 'circle' ? followUps.circleId : followUps.gatheringId,
    parentField: parent === 'circle' ? 'circleId' : 'gatheringId',
    rowLoader: (l) => l.followUp,
    where: args.status ? eq(followUps.status, args.status) : undefined,
  };
}

/** A circle's follow-ups, newest first. */
export async function circleFollowUpsPage(ctx: Context, circle: CircleRow, args: FollowUpsArgs, children: readonly Prefetch[] = []) {
  await readableCircle(ctx, circle.id);
  return childConnection<FollowUpRow>(ctx, `circleFollowUps:${args.status ?? ''}`, followUpsSpec('circle', args), args, circle.id, undefined, children);
}

/** Follow-ups agreed at a gathering, newest first. */
export function gatheringFollowUpsPage(ctx: Context, gathering: GatheringRow, args: FollowUpsArgs, children: readonly Prefetch[] = []) {
  return childConnection<FollowUpRow>(ctx, `gatheringFollowUps:${args.status ?? ''}`, followUpsSpec('gathering', args), args, gathering.id, undefined, children);
}

prefetchable('Circle', 'followUps', pagePlanner('FollowUp', (_ctx, args) => ({ key: `circleFollowUps:${args.status ?? ''}`, spec: followUpsSpec('circle', args) })));
prefetchable('Gathering', 'followUps', pagePlanner('FollowUp', (_ctx, args) => ({ key: `gatheringFollowUps:${args.status ?? ''}`, spec: followUpsSpec('gathering', args) })));

/** A follow-up the viewer may read (its circle is readable), or null. */
export async function visibleFollowUp(ctx: Context, id: string): Promise<FollowUpRow | null> {
  if (!ctx.viewer) return null;
  const row = await ctx.loaders.followUp.load(id);
  if (!row) return null;
  const circle = await ctx.loaders.circle.load(row.circleId);
  return circle && canRead(circle, await standingIn(ctx, circle.id)) ? row : null;
}

function dueOn(value: string | null | undefined): string | null | undefined {
  if (value == null) return value;
  const date = parseCalendarDate(value);
  if (!date) throw new BadInputError('dueOn', 'is not a calendar date (YYYY-MM-DD)');
  return date;
}

async function assertMember(q: Queryable, circleId: string, userId: string, field: string) {
  const [m] = await q
    .select({ userId: circleMembers.userId })
    .from(circleMembers)
    .where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.userId, userId)));
  if (!m) throw new BadInputError(field, 'must be a member of the circle');
}

export async function createFollowUp(ctx: Context, input: CreateFollowUpInput): Promise<FollowUpRow> {
  const viewer = requireViewer(ctx);
  const circleId = fromGlobalId(input.circleId, 'Circle', 'circleId');
  const gatheringId = optionalGlobalId(input.gatheringId, 'Gathering', 'gatheringId');
  const ownerId = optionalGlobalId(input.ownerId, 'User', 'ownerId') ?? viewer.user.id;
  const organisationId = optionalGlobalId(input.organisationId, 'Organisation', 'organisationId');
  const due = dueOn(input.dueOn);
  const id = randomUUID();
  const followUpId = await ctx.db.transaction(async (tx) => {
    const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'createFollowUp', id);
    if (first) return first;
    const found = await loadStanding(tx, circleId, viewer.user.id);
    if (!found) throw new NotFoundError('Circle', 'circleId');
    assertCan(ownerId === viewer.user.id ? 'createOwnFollowUp' : 'manageFollowUps', found.circle, found.standing);
    if (ownerId !== viewer.user.id) await assertMember(tx, circleId, ownerId, 'ownerId');
    if (gatheringId) {
      const [g] = await tx.select({ circleId: gatherings.circleId }).from(gatherings).where(eq(gatherings.id, gatheringId));
      if (!g || g.circleId !== circleId) throw new NotFoundError('Gathering', 'gatheringId');
    }
    if (organisationId) {
      const [o] = await tx
        .select({ id: circleOrganisations.organisationId })
        .from(circleOrganisations)
        .where(and(eq(circleOrganisations.circleId, circleId), eq(circleOrganisations.organisationId, organisationId)));
      if (!o) throw new BadInputError('organisationId', 'must be an organisation taking part in the circle');
    }
    await tx.insert(followUps).values({
      id,
      circleId,
      gatheringId: gatheringId ?? null,
      title: input.title.trim(),
      description: input.description?.trim() || null,
      ownerId,
      organisationId: organisationId ?? null,
      dueOn: due ?? null,
      createdById: viewer.user.id,
    });
    const goals = [...new Set(input.sdgGoals ?? [])];
    if (goals.length) await tx.insert(followUpSdgGoals).values(goals.map((goal) => ({ followUpId: id, goal })));
    await appendActivity(tx, {
      circleId,
      kind: 'FOLLOW_UP_CREATED',
      actorId: viewer.user.id,
      followUpId: id,
      gatheringId: gatheringId ?? null,
      followUpAssigned: true,
    });
    return id;
  });
  return (await ctx.loaders.followUp.clear(followUpId).load(followUpId))!;
}

export async function updateFollowUp(ctx: Context, input: UpdateFollowUpInput): Promise<FollowUpRow> {
  const viewer = requireViewer(ctx);
  const followUpId = fromGlobalId(input.followUpId, 'FollowUp', 'followUpId');
  const ownerId = optionalGlobalId(input.ownerId, 'User', 'ownerId');
  const due = dueOn(input.dueOn);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(followUps).where(eq(followUps.id, followUpId));
    const found = row ? await loadStanding(tx, row.circleId, viewer.user.id) : null;
    if (!row || !found || !canRead(found.circle, found.standing)) throw new NotFoundError('FollowUp', 'followUpId');
    const onlyStatus = input.title == null && input.description == null && ownerId == null && due == null;
    // An owner may move their own follow-up along; everything else is for facilitators.
    const ownStatus = onlyStatus && row.ownerId === viewer.user.id && can('createOwnFollowUp', found.circle, found.standing);
    if (!ownStatus) {
      if (!can('manageFollowUps', found.circle, found.standing) && can('createOwnFollowUp', found.circle, found.standing)) {
        throw new ForbiddenError(
          row.ownerId === viewer.user.id
            ? 'As its owner you may change only the status; ask a facilitator for the rest.'
            : 'You may update only follow-ups you own (facilitators and coordinators may update any).',
        );
      }
      assertCan('manageFollowUps', found.circle, found.standing, 'followUpId');
    }
    if (ownerId) await assertMember(tx, row.circleId, ownerId, 'ownerId');
    const changes: Partial<FollowUpRow> = { updatedAt: new Date() };
    if (input.title != null) changes.title = input.title.trim();
    if (input.description != null) changes.description = input.description.trim() || null;
    if (ownerId) changes.ownerId = ownerId;
    if (due) changes.dueOn = due;
    if (input.status != null && input.status !== row.status) {
      changes.status = input.status;
      changes.completedAt = input.status === 'DONE' ? new Date() : null;
    }
    await tx.update(followUps).set(changes).where(eq(followUps.id, followUpId));
    await appendActivity(tx, {
      circleId: row.circleId,
      kind: 'FOLLOW_UP_UPDATED',
      actorId: viewer.user.id,
      followUpId,
      gatheringId: row.gatheringId,
      // Handing it to someone else tells them; naming the same owner again tells no one.
      followUpAssigned: ownerId != null && ownerId !== row.ownerId,
    });
  });
  return (await ctx.loaders.followUp.clear(followUpId).load(followUpId))!;
}
