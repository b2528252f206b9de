import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from './context.js';
import {
  activity,
  attendanceRecords,
  circleMembers,
  circles,
  contentReports,
  followUps,
  gatherings,
  organisationMembers,
  organisations,
  posts,
  regions,
  resources,
  threads,
  userColumns,
  users,
} from './db/schema.js';
import { columnsOf, prefetchable, relationPlanner } from './shared/prefetch.js';

/**
 * The single-valued relations of the schema whose resolver is a by-id loader read: each is read
 * along with the row that points to it (a post's author with the post) by the statement that
 * reads that row, when it is selected (see shared/prefetch.ts). Lists under a row register their
 * own planners beside their resolvers (discussion.service.ts).
 */
type Target = { table: PgTable; columns: Record<string, PgColumn>; loader: (ctx: Context) => { prime(id: string, row: any): unknown } };

const user: Target = { table: users, columns: userColumns, loader: (ctx) => ctx.loaders.user };
const circle: Target = { table: circles, columns: columnsOf(circles), loader: (ctx) => ctx.loaders.circle };
const organisation: Target = { table: organisations, columns: columnsOf(organisations), loader: (ctx) => ctx.loaders.organisation };
const region: Target = { table: regions, columns: columnsOf(regions), loader: (ctx) => ctx.loaders.region };
const gathering: Target = { table: gatherings, columns: columnsOf(gatherings), loader: (ctx) => ctx.loaders.gathering };
const thread: Target = { table: threads, columns: columnsOf(threads), loader: (ctx) => ctx.loaders.thread };
const post: Target = { table: posts, columns: columnsOf(posts), loader: (ctx) => ctx.loaders.post };

const RELATIONS: [type: string, field: string, foreignKey: PgColumn, target: Target][] = [
  ['Thread', 'author', threads.authorId, user],
  ['Thread', 'circle', threads.circleId, circle],
  ['Post', 'author', posts.authorId, user],
  ['Post', 'thread', posts.threadId, thread],
  ['Post', 'replyTo', posts.replyToId, post],
  ['Circle', 'region', circles.regionId, region],
  ['CircleMembership', 'user', circleMembers.userId, user],
  ['CircleMembership', 'circle', circleMembers.circleId, circle],
  ['CircleMembership', 'organisation', circleMembers.organisationId, organisation],
  ['Organisation', 'region', organisations.regionId, region],
  ['OrganisationMembership', 'user', organisationMembers.userId, user],
  ['OrganisationMembership', 'organisation', organisationMembers.organisationId, organisation],
  ['Resource', 'organisation', resources.organisationId, organisation],
  ['Resource', 'sharedBy', resources.sharedById, user],
  ['Activity', 'circle', activity.circleId, circle],
  ['Activity', 'actor', activity.actorId, user],
  ['Activity', 'thread', activity.threadId, thread],
  ['Activity', 'post', activity.postId, post],
  ['Activity', 'gathering', activity.gatheringId, gathering],
  ['Gathering', 'circle', gatherings.circleId, circle],
  ['Gathering', 'region', gatherings.regionId, region],
  ['Gathering', 'createdBy', gatherings.createdById, user],
  ['AttendanceRecord', 'gathering', attendanceRecords.gatheringId, gathering],
  ['AttendanceRecord', 'user', attendanceRecords.userId, user],
  ['AttendanceRecord', 'organisation', attendanceRecords.organisationId, organisation],
  ['AttendanceRecord', 'village', attendanceRecords.villageId, region],
  ['AttendanceRecord', 'recordedBy', attendanceRecords.recordedById, user],
  ['FollowUp', 'circle', followUps.circleId, circle],
  ['FollowUp', 'gathering', followUps.gatheringId, gathering],
  ['FollowUp', 'owner', followUps.ownerId, user],
  ['FollowUp', 'organisation', followUps.organisationId, organisation],
  ['FollowUp', 'createdBy', followUps.createdById, user],
  ['ContentReport', 'circle', contentReports.circleId, circle],
  ['ContentReport', 'resolvedBy', contentReports.resolvedById, user],
];

for (const [type, field, foreignKey, target] of RELATIONS) {
  prefetchable(type, field, relationPlanner(target.table, foreignKey, target.columns, target.loader));
}
