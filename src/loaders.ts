import DataLoader from 'dataloader';
import { and, eq, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './db/client.js';
import { prepared } from './db/prepared.js';
import {
  activity,
  circleMembers,
  circleSdgGoals,
  circles,
  contentReports,
  organisationMembers,
  organisations,
  posts,
  reactions,
  regions,
  resourceCircles,
  resourceSdgGoals,
  resources,
  threadSdgGoals,
  threads,
  users,
  type ActivityRow,
  type CircleMemberRow,
  type CircleRow,
  type ContentReportRow,
  type OrganisationRow,
  type PostRow,
  type RegionRow,
  type ResourceRow,
  type ThreadRow,
  type UserRow,
  userColumns,
} from './db/schema.js';
import type { CircleRole } from './auth/permissions.js';
import { circlesWithStanding, orgAdminOf } from './auth/guard.js';

export const REACTION_CONTENTS = ['THUMBS_UP', 'HEART', 'CELEBRATE', 'THINKING', 'EYES'] as const;
export type ReactionContent = (typeof REACTION_CONTENTS)[number];
export interface ReactionGroup {
  content: ReactionContent;
  count: number;
  viewerHasReacted: boolean;
}

const uuidList = (ids: readonly string[]) => sql`(${sql.param([...ids])}::uuid[])`;

const idsPlaceholder = sql`(${sql.placeholder('ids')}::uuid[])`;

function byId<R extends { id: string }>(db: Db, table: PgTable & { id: PgColumn }, columns?: Record<string, PgColumn>) {
  return new DataLoader<string, R | null>(async (ids) => {
    const rows = (await prepared(db, `byId:${getTableName(table)}`, (name) =>
      (columns ? db.select(columns) : db.select())
        .from(table as any)
        .where(sql`${table.id} = any${idsPlaceholder}`)
        .prepare(name),
    ).execute({ ids: [...ids] })) as R[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

function goalsOf(db: Db, table: PgTable, owner: PgColumn, goal: PgColumn) {
  return new DataLoader<string, number[]>(async (ids) => {
    const rows = await prepared(db, `goals:${getTableName(table)}`, (name) =>
      db
        .select({ owner, goal })
        .from(table as any)
        .where(sql`${owner} = any${idsPlaceholder}`)
        .orderBy(owner, goal)
        .prepare(name),
    ).execute({ ids: [...ids] });
    const map = new Map<string, number[]>();
    for (const r of rows) {
      const list = map.get(r.owner as string) ?? [];
      list.push(r.goal as number);
      map.set(r.owner as string, list);
    }
    return ids.map((id) => map.get(id) ?? []);
  });
}

function reactionGroupsOf(db: Db, subject: PgColumn, viewerId: string | null) {
  return new DataLoader<string, ReactionGroup[]>(async (ids) => {
    const viewerReacted = viewerId ? sql<boolean>`bool_or(${reactions.userId} = ${sql.placeholder('viewer')})` : sql<boolean>`false`;
    const rows = await prepared(db, `reactions:${subject.name}:${viewerId ? 'viewer' : 'anonymous'}`, (name) =>
      db
        .select({
          subjectId: subject,
          content: reactions.content,
          count: sql<number>`count(*)::int`,
          viewerHasReacted: viewerReacted,
        })
        .from(reactions)
        .where(sql`${subject} = any${idsPlaceholder}`)
        .groupBy(subject, reactions.content)
        .prepare(name),
    ).execute({ ids: [...ids], viewer: viewerId });
    const map = new Map<string, ReactionGroup[]>();
    for (const r of rows) {
      const list = map.get(r.subjectId as string) ?? [];
      list.push({ content: r.content, count: r.count, viewerHasReacted: Boolean(r.viewerHasReacted) });
      map.set(r.subjectId as string, list);
    }
    const order = (g: ReactionGroup) => REACTION_CONTENTS.indexOf(g.content);
    return ids.map((id) => (map.get(id) ?? []).sort((a, b) => order(a) - order(b)));
  });
}

/** The viewer's role in a circle and whether they are ADMIN of an organisation taking part. */
export interface ViewerStanding {
  role: CircleRole | null;
  orgAdmin: boolean;
}

const NO_STANDING: ViewerStanding = { role: null, orgAdmin: false };

/**
 * Per-request batching and caching. Built fresh for every request (and every subscription
 * event), so nothing cached here outlives the viewer's permissions.
 */
export function createLoaders(db: Db, viewerId: string | null) {
  const pageLoaders = new Map<string, DataLoader<string, unknown>>();

  /** The viewer's standing in each circle: one query, unless the circle's row brought it along. */
  const viewerStanding = new DataLoader<string, ViewerStanding>(async (circleIds) => {
    if (!viewerId) return circleIds.map(() => NO_STANDING);
    type Row = { circle_id: string; role: CircleRole | null; org_admin: boolean };
    // Both drivers answer execute() with `{ rows }`.
    const { rows } = (await db.execute(sql`
      select c.id as circle_id, m.role, ${orgAdminOf(viewerId, sql`c.id`)} as org_admin
      from unnest(${sql.param([...circleIds])}::uuid[]) as c(id)
      left join ${circleMembers} m on m.circle_id = c.id and m.user_id = ${viewerId}`)) as unknown as { rows: Row[] };
    const map = new Map(rows.map((r) => [r.circle_id, { role: r.role, orgAdmin: Boolean(r.org_admin) }]));
    return circleIds.map((id) => map.get(id) ?? NO_STANDING);
  });

  const circle = viewerId
    ? new DataLoader<string, CircleRow | null>(async (ids) => {
        const found = await circlesWithStanding(db, viewerId, 'id', ids);
        const map = new Map(found.map((f) => [f.circle.id, f.circle]));
        for (const f of found) viewerStanding.prime(f.circle.id, f.standing);
        return ids.map((id) => map.get(id) ?? null);
      })
    : byId<CircleRow>(db, circles);

  /** A circle by slug; primes `circle` and `viewerStanding`. Without a viewer, no circle is readable. */
  const circleBySlug = new DataLoader<string, CircleRow | null>(async (slugs) => {
    if (!viewerId) return slugs.map(() => null);
    const found = await circlesWithStanding(db, viewerId, 'slug', slugs);
    for (const f of found) {
      circle.prime(f.circle.id, f.circle);
      viewerStanding.prime(f.circle.id, f.standing);
    }
    const map = new Map(found.map((f) => [f.circle.slug, f.circle]));
    return slugs.map((slug) => map.get(slug) ?? null);
  });

  return {
    viewerStanding,
    circle,
    circleBySlug,
    user: byId<UserRow>(db, users, userColumns),
    organisation: byId<OrganisationRow>(db, organisations),
    thread: byId<ThreadRow>(db, threads),
    post: byId<PostRow>(db, posts),
    resource: byId<ResourceRow>(db, resources),
    region: byId<RegionRow>(db, regions),
    report: byId<ContentReportRow>(db, contentReports),
    activity: new DataLoader<string, ActivityRow | null>(async (ids) => {
      const rows = await db
        .select()
        .from(activity)
        .where(inArray(activity.id, ids.map((id) => BigInt(id))));
      const map = new Map(rows.map((r) => [r.id.toString(), r]));
      return ids.map((id) => map.get(id) ?? null);
    }),

    regionChildren: new DataLoader<string, RegionRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(regions)
        .where(sql`${regions.parentId} = any${uuidList(ids)}`)
        .orderBy(regions.name, regions.id);
      return ids.map((id) => rows.filter((r) => r.parentId === id));
    }),

    circleGoals: goalsOf(db, circleSdgGoals, circleSdgGoals.circleId, circleSdgGoals.goal),
    threadGoals: goalsOf(db, threadSdgGoals, threadSdgGoals.threadId, threadSdgGoals.goal),
    resourceGoals: goalsOf(db, resourceSdgGoals, resourceSdgGoals.resourceId, resourceSdgGoals.goal),

    threadReactions: reactionGroupsOf(db, reactions.threadId, viewerId),
    postReactions: reactionGroupsOf(db, reactions.postId, viewerId),

    /** Keyed `circleId:userId`. */
    circleMembership: new DataLoader<string, CircleMemberRow | null>(async (keys) => {
      const pairs = keys.map((k) => k.split(':'));
      const rows = await db
        .select()
        .from(circleMembers)
        .where(
          sql`(${circleMembers.circleId}, ${circleMembers.userId}) in (select * from unnest(${sql.param(pairs.map((p) => p[0]))}::uuid[], ${sql.param(pairs.map((p) => p[1]))}::uuid[]))`,
        );
      const map = new Map(rows.map((r) => [`${r.circleId}:${r.userId}`, r]));
      return keys.map((k) => map.get(k) ?? null);
    }),

    /** Whether the viewer moderates a circle the resource was shared with (sees it when hidden). */
    moderatesResource: new DataLoader<string, boolean>(async (resourceIds) => {
      if (!viewerId) return resourceIds.map(() => false);
      const rows = await db
        .selectDistinct({ resourceId: resourceCircles.resourceId })
        .from(resourceCircles)
        .innerJoin(circleMembers, and(eq(circleMembers.circleId, resourceCircles.circleId), eq(circleMembers.userId, viewerId)))
        .where(and(sql`${resourceCircles.resourceId} = any${uuidList(resourceIds)}`, inArray(circleMembers.role, ['FACILITATOR', 'COORDINATOR'])));
      const found = new Set(rows.map((r) => r.resourceId));
      return resourceIds.map((id) => found.has(id));
    }),

    viewerOrgRole: new DataLoader<string, 'ADMIN' | 'MEMBER' | null>(async (orgIds) => {
      if (!viewerId) return orgIds.map(() => null);
      const rows = await db
        .select({ organisationId: organisationMembers.organisationId, role: organisationMembers.role })
        .from(organisationMembers)
        .where(and(eq(organisationMembers.userId, viewerId), sql`${organisationMembers.organisationId} = any${uuidList(orgIds)}`));
      const map = new Map(rows.map((r) => [r.organisationId, r.role]));
      return orgIds.map((id) => map.get(id) ?? null);
    }),

    /**
     * A loader for one list shape (say "posts of a thread, first 3") across many parents: every
     * parent asking for the same page in one query lands in one batch.
     */
    pages<R>(key: string, batch: (parentIds: readonly string[]) => Promise<Map<string, R>>): DataLoader<string, R> {
      let loader = pageLoaders.get(key) as DataLoader<string, R> | undefined;
      if (!loader) {
        loader = new DataLoader<string, R>(async (ids) => {
          const map = await batch(ids);
          return ids.map((id) => map.get(id)!);
        });
        pageLoaders.set(key, loader as DataLoader<string, unknown>);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
