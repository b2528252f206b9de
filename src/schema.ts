import 'reflect-metadata';
import { GraphQLObjectType, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema as buildTypeGraphQLSchema, type AuthChecker } from 'type-graphql';
import type { Context } from './context.js';
import { UnauthenticatedError } from './errors.js';
import { toGlobalId, type NodeTypeName } from './shared/ids.js';
import { validateArgument } from './shared/validation.js';
// Registers the relations read along with their rows (see shared/prefetch.ts).
import './lookahead.js';
import { ActivityResolver } from './modules/activity/activity.resolver.js';
import { CircleMembershipResolver, CircleResolver } from './modules/circles/circle.resolver.js';
import { PostResolver, ThreadResolver } from './modules/discussions/discussion.resolver.js';
import { CircleModerationResolver, ContentReportResolver } from './modules/moderation/moderation.resolver.js';
import { SearchResolver } from './modules/search/search.resolver.js';
import { NodeResolver } from './modules/node/node.resolver.js';
import { OrganisationMembershipResolver, OrganisationResolver } from './modules/organisations/organisation.resolver.js';
import { RegionResolver } from './modules/regions/region.resolver.js';
import { ResourceResolver } from './modules/resources/resource.resolver.js';
import { SessionResolver, UserResolver } from './modules/users/user.resolver.js';
import { AttendanceRecordResolver, CircleGatheringsResolver, GatheringResolver } from './modules/gatherings/gathering.resolver.js';
import { FollowUpResolver } from './modules/gatherings/follow-up.resolver.js';
import {
  CircleNotificationsResolver,
  NotificationResolver,
  UserNotificationsResolver,
} from './modules/notifications/notification.resolver.js';
import { ProgramReportResolver, ProgramReportRowResolver } from './modules/reports/report.resolver.js';
import { withSubscriptions } from './realtime/subscriptions.js';

export const resolvers = [
  NodeResolver,
  UserResolver,
  SessionResolver,
  RegionResolver,
  OrganisationResolver,
  OrganisationMembershipResolver,
  CircleResolver,
  CircleMembershipResolver,
  ThreadResolver,
  PostResolver,
  ResourceResolver,
  ActivityResolver,
  GatheringResolver,
  AttendanceRecordResolver,
  CircleGatheringsResolver,
  FollowUpResolver,
  ContentReportResolver,
  CircleModerationResolver,
  NotificationResolver,
  UserNotificationsResolver,
  CircleNotificationsResolver,
  ProgramReportResolver,
  ProgramReportRowResolver,
  SearchResolver,
] as const;

// Every object type sets `simpleResolvers`: the hub has no type-graphql middlewares and no
// field-level @Authorized, so a plain field is read off its row by graphql-js's default
// resolver instead of through type-graphql's per-field wrapper (a measurable share of a page's
// CPU). Field resolvers (@FieldResolver) keep their wrapper and their argument validation.
const authChecker: AuthChecker<Context> = ({ context }) => {
  if (!context.viewer) throw new UnauthenticatedError();
  return true;
};

/**
 * Rows carry database ids; each node type's `id` field turns them into global IDs. Done once
 * here, on the built schema, instead of in every resolver class.
 */
function globaliseIds(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const name = type.name as NodeTypeName;
    (type as GraphQLObjectType).getFields().id.resolve = (root: { id: string | bigint }) => toGlobalId(name, root.id);
  }
}

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every app instance in a process; type-graphql builds it once. */
export function buildSchema(): Promise<GraphQLSchema> {
  built ??= buildTypeGraphQLSchema({
    resolvers: resolvers as unknown as [Function, ...Function[]],
    authChecker,
    validateFn: validateArgument,
    // type-graphql's check runs the whole introspection query over the new schema, a tenth of a
    // second of every start; Apollo's constructor validates the schema anyway (assertValidSchema),
    // and test/limits.test.ts runs the introspection query against the hub.
    skipCheck: true,
  }).then((schema) => {
    globaliseIds(schema);
    // type-graphql has no option for the root types' descriptions.
    schema.getQueryType()!.description = 'Reading: the public directory (SDG goals, regions, organisations) and, signed in, circles and resources.';
    schema.getMutationType()!.description = 'Writing: each mutation runs in one transaction and appends its activity to the circle\u2019s log.';
    return withSubscriptions(schema);
  });
  return built;
}

/** The SDL committed as schema/schema.graphql. */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
