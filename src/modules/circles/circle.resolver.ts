import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { CircleMemberRow, CircleRow } from '../../db/schema.js';
import { CircleRole, PageArgs, SdgGoal } from '../../shared/graphql.js';
import { sdgGoal } from '../../shared/sdg-goals.js';
import { Region } from '../regions/region.type.js';
import { User } from '../users/user.type.js';
import { Organisation, OrganisationConnection } from '../organisations/organisation.type.js';
import { circleOrganisationsPage } from '../organisations/organisation.service.js';
import { ThreadConnection, ThreadsArgs } from '../discussions/discussion.type.js';
import { circleThreadsPage } from '../discussions/discussion.service.js';
import { planNodes } from '../../shared/prefetch.js';
import { nodesSelect } from '../../shared/selection.js';
import { ResourceConnection } from '../resources/resource.type.js';
import { circleResourcesPage } from '../resources/resource.service.js';
import { ActivityConnection } from '../activity/activity.type.js';
import {
  AddCircleMemberInput,
  AddCircleMemberPayload,
  AddCircleOrganisationInput,
  AddCircleOrganisationPayload,
  Circle,
  CircleConnection,
  CircleMembersArgs,
  CircleMembership,
  CircleMembershipConnection,
  CirclesArgs,
  CreateCircleInput,
  CreateCirclePayload,
  JoinCircleInput,
  JoinCirclePayload,
  LeaveCircleInput,
  LeaveCirclePayload,
  MarkCircleReadInput,
  MarkCircleReadPayload,
  RemoveCircleMemberInput,
  RemoveCircleMemberPayload,
  UpdateCircleMemberRoleInput,
  UpdateCircleMemberRolePayload,
} from './circle.type.js';
import * as circles from './circle.service.js';

@Resolver(() => Circle)
export class CircleResolver {
  @Query(() => CircleConnection, { description: 'Circles the viewer can see, by name. Needs sign-in.' })
  circles(@Args(() => CirclesArgs) args: CirclesArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return circles.listCircles(ctx, args, planNodes(ctx, info, 'Circle'));
  }

  @Query(() => Circle, {
    nullable: true,
    description: 'One circle by its slug. NOT_FOUND when it does not exist or the viewer may not see it. Needs sign-in.',
  })
  circle(@Arg('slug', () => String, { description: 'The circle\u2019s slug.' }) slug: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return circles.circleBySlug(ctx, slug, info);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'Where the circle works.' })
  region(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return circle.regionId ? ctx.loaders.region.load(circle.regionId) : null;
  }

  @FieldResolver(() => [SdgGoal], { description: 'SDG goals the circle works on.' })
  async sdgGoals(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.circleGoals.load(circle.id)).map(sdgGoal);
  }

  @FieldResolver(() => OrganisationConnection, {
    description: 'The organisations taking part, in the order they joined; a joint circle has more than one.',
  })
  organisations(@Root() circle: CircleRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return circleOrganisationsPage(ctx, circle.id, args);
  }

  @FieldResolver(() => CircleMembershipConnection, { description: 'Members, oldest first.' })
  members(@Root() circle: CircleRow, @Args(() => CircleMembersArgs) args: CircleMembersArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return circles.circleMembersPage(ctx, circle, args, planNodes(ctx, info, 'CircleMembership'));
  }

  @FieldResolver(() => ThreadConnection, { description: 'Discussion threads; most recent activity first unless `orderBy` says otherwise.' })
  threads(@Root() circle: CircleRow, @Args(() => ThreadsArgs) args: ThreadsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return circleThreadsPage(ctx, circle, args, nodesSelect(info, 'author'), planNodes(ctx, info, 'Thread'));
  }

  @FieldResolver(() => ResourceConnection, { description: 'Resources shared with the circle, most recent first.' })
  resources(@Root() circle: CircleRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return circleResourcesPage(ctx, circle, args);
  }

  @FieldResolver(() => ActivityConnection, { description: 'Everything that happened in the circle, oldest first, from a cursor on.' })
  activity(@Root() circle: CircleRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return circles.circleActivityPage(ctx, circle, args);
  }

  @FieldResolver(() => CircleRole, { nullable: true, description: 'The viewer\u2019s role; null when not a member.' })
  viewerRole(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return circles.viewerRole(ctx, circle.id);
  }

  @FieldResolver(() => Boolean, { description: 'The viewer may start threads and post here (a member, and the circle is ACTIVE).' })
  viewerCanPost(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return circles.viewerCanPost(ctx, circle);
  }

  @FieldResolver(() => Int, { description: 'Activities since the viewer last marked the circle read; 0 for non-members.' })
  viewerUnreadCount(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return circles.viewerUnreadCount(ctx, circle.id);
  }

  @Mutation(() => CreateCirclePayload, { description: 'Creates a circle; the viewer becomes its COORDINATOR.' })
  async createCircle(@Arg('input', () => CreateCircleInput, { description: 'The circle.' }) input: CreateCircleInput, @Ctx() ctx: Context) {
    return { circle: await circles.createCircle(ctx, input) };
  }

  @Mutation(() => AddCircleOrganisationPayload, { description: 'Brings an organisation into a circle. Coordinators who are ADMIN of it.' })
  async addCircleOrganisation(
    @Arg('input', () => AddCircleOrganisationInput, { description: 'Circle and organisation.' }) input: AddCircleOrganisationInput,
    @Ctx() ctx: Context,
  ) {
    return { circle: await circles.addCircleOrganisation(ctx, input) };
  }

  @Mutation(() => JoinCirclePayload, { description: 'Joins a PUBLIC, ACTIVE circle as a PARTICIPANT.' })
  async joinCircle(@Arg('input', () => JoinCircleInput, { description: 'The circle.' }) input: JoinCircleInput, @Ctx() ctx: Context) {
    return { membership: await circles.joinCircle(ctx, input) };
  }

  @Mutation(() => AddCircleMemberPayload, { description: 'Adds a person to a circle. Coordinators only.' })
  async addCircleMember(@Arg('input', () => AddCircleMemberInput, { description: 'Who and how.' }) input: AddCircleMemberInput, @Ctx() ctx: Context) {
    return { membership: await circles.addCircleMember(ctx, input) };
  }

  @Mutation(() => UpdateCircleMemberRolePayload, { description: 'Changes a member\u2019s role. Coordinators only; a circle keeps at least one coordinator.' })
  async updateCircleMemberRole(
    @Arg('input', () => UpdateCircleMemberRoleInput, { description: 'Who and the new role.' }) input: UpdateCircleMemberRoleInput,
    @Ctx() ctx: Context,
  ) {
    return { membership: await circles.updateCircleMemberRole(ctx, input) };
  }

  @Mutation(() => RemoveCircleMemberPayload, { description: 'Removes a member. Coordinators only; a circle keeps at least one coordinator.' })
  async removeCircleMember(
    @Arg('input', () => RemoveCircleMemberInput, { description: 'Who.' }) input: RemoveCircleMemberInput,
    @Ctx() ctx: Context,
  ) {
    return { circle: await circles.removeCircleMember(ctx, input) };
  }

  @Mutation(() => LeaveCirclePayload, { description: 'The viewer leaves a circle; its last coordinator cannot.' })
  async leaveCircle(@Arg('input', () => LeaveCircleInput, { description: 'The circle.' }) input: LeaveCircleInput, @Ctx() ctx: Context) {
    return { circle: await circles.leaveCircle(ctx, input) };
  }

  @Mutation(() => MarkCircleReadPayload, { description: 'Marks the circle\u2019s activity read up to a cursor (the newest by default). Members only.' })
  async markCircleRead(@Arg('input', () => MarkCircleReadInput, { description: 'The circle and cursor.' }) input: MarkCircleReadInput, @Ctx() ctx: Context) {
    return { circle: await circles.markCircleRead(ctx, input) };
  }
}

@Resolver(() => CircleMembership)
export class CircleMembershipResolver {
  @FieldResolver(() => User, { description: 'The member.' })
  user(@Root() m: CircleMemberRow, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(m.userId);
  }

  @FieldResolver(() => Circle, { description: 'The circle.' })
  circle(@Root() m: CircleMemberRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(m.circleId);
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The organisation this member takes part for, if any.' })
  organisation(@Root() m: CircleMemberRow, @Ctx() ctx: Context) {
    return m.organisationId ? ctx.loaders.organisation.load(m.organisationId) : null;
  }
}
