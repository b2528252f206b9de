import type { GraphQLResolveInfo } from 'graphql';
import { planNodes } from '../../shared/prefetch.js';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import type { Context } from '../../context.js';
import type { AttendanceRecordRow, CircleRow, GatheringRow } from '../../db/schema.js';
import { OrganisationKind, PageArgs, SdgGoal } from '../../shared/graphql.js';
import { sdgGoal } from '../../shared/sdg-goals.js';
import { Circle } from '../circles/circle.type.js';
import { Organisation } from '../organisations/organisation.type.js';
import { Region } from '../regions/region.type.js';
import { ResourceConnection } from '../resources/resource.type.js';
import { User } from '../users/user.type.js';
import { FollowUpConnection, FollowUpsArgs } from './follow-up.type.js';
import { circleFollowUpsPage, gatheringFollowUpsPage } from './follow-up.service.js';
import {
  AttendanceRecord,
  AttendanceRecordConnection,
  AttendanceSummary,
  CircleGatheringsArgs,
  Gathering,
  GatheringConnection,
  GatheringsArgs,
  RecordAttendanceInput,
  RecordAttendancePayload,
  RemoveAttendanceRecordInput,
  RemoveAttendanceRecordPayload,
  RespondToGatheringInput,
  RespondToGatheringPayload,
  RsvpCounts,
  RsvpResponse,
  ScheduleGatheringInput,
  ScheduleGatheringPayload,
  UpdateGatheringInput,
  UpdateGatheringPayload,
} from './gathering.type.js';
import * as gatherings from './gathering.service.js';

@Resolver(() => Gathering)
export class GatheringResolver {
  @Query(() => GatheringConnection, { description: 'Gatherings in circles the viewer can see, soonest first.' })
  gatherings(@Args(() => GatheringsArgs) args: GatheringsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return gatherings.listGatherings(ctx, args, planNodes(ctx, info, 'Gathering'));
  }

  @FieldResolver(() => Circle, { description: 'The circle hosting it.' })
  circle(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(g.circleId);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'Where it takes place: a village, district or province.' })
  region(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return g.regionId ? ctx.loaders.region.load(g.regionId) : null;
  }

  @FieldResolver(() => [SdgGoal], { description: 'SDG goals it is about.' })
  async sdgGoals(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.gatheringGoals.load(g.id)).map(sdgGoal);
  }

  @FieldResolver(() => ResourceConnection, { description: 'Resources attached to it (agenda, materials) that the viewer can see.' })
  resources(@Root() g: GatheringRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return gatherings.gatheringResourcesPage(ctx, g, args);
  }

  @FieldResolver(() => RsvpCounts, { description: "How many members answered GOING, MAYBE and NOT_GOING." })
  rsvpCounts(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return ctx.loaders.rsvpCounts.load(g.id);
  }

  @FieldResolver(() => RsvpResponse, { nullable: true, description: "The viewer's own answer; null before answering." })
  viewerRsvp(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return ctx.loaders.viewerRsvp.load(g.id);
  }

  @FieldResolver(() => AttendanceRecordConnection, {
    description: "Who attended, by name; visible to the circle's facilitators and coordinators only (FORBIDDEN for others).",
  })
  attendance(@Root() g: GatheringRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return gatherings.attendancePage(ctx, g, args, planNodes(ctx, info, 'AttendanceRecord'));
  }

  @FieldResolver(() => AttendanceSummary, { description: 'Counts only, visible to every reader of the circle.' })
  attendanceSummary(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return ctx.loaders.attendanceSummary.load(g.id);
  }

  @FieldResolver(() => FollowUpConnection, { description: 'Follow-ups agreed at it, newest first.' })
  followUps(@Root() g: GatheringRow, @Args(() => FollowUpsArgs) args: FollowUpsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return gatheringFollowUpsPage(ctx, g, args, planNodes(ctx, info, 'FollowUp'));
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who scheduled it; null once their account is gone.' })
  createdBy(@Root() g: GatheringRow, @Ctx() ctx: Context) {
    return g.createdById ? ctx.loaders.user.load(g.createdById) : null;
  }

  @Mutation(() => ScheduleGatheringPayload, {
    description: 'Schedules a gathering of a circle (facilitators and coordinators); idempotent with `clientMutationId`.',
  })
  async scheduleGathering(@Arg('input', () => ScheduleGatheringInput, { description: 'The gathering.' }) input: ScheduleGatheringInput, @Ctx() ctx: Context) {
    return { gathering: await gatherings.scheduleGathering(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => UpdateGatheringPayload, { description: 'Changes, cancels or marks held a gathering (facilitators and coordinators).' })
  async updateGathering(@Arg('input', () => UpdateGatheringInput, { description: 'The changes.' }) input: UpdateGatheringInput, @Ctx() ctx: Context) {
    return { gathering: await gatherings.updateGathering(ctx, input) };
  }

  @Mutation(() => RespondToGatheringPayload, { description: "Answers a gathering's invitation (members of its circle)." })
  async respondToGathering(@Arg('input', () => RespondToGatheringInput, { description: 'The answer.' }) input: RespondToGatheringInput, @Ctx() ctx: Context) {
    return { gathering: await gatherings.respondToGathering(ctx, input) };
  }

  @Mutation(() => RecordAttendancePayload, {
    description: 'Records a batch of attendance lines (facilitators and coordinators); idempotent with `clientMutationId`.',
  })
  async recordAttendance(@Arg('input', () => RecordAttendanceInput, { description: 'The batch.' }) input: RecordAttendanceInput, @Ctx() ctx: Context) {
    return { ...(await gatherings.recordAttendance(ctx, input)), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => RemoveAttendanceRecordPayload, { description: 'Takes a line off an attendance sheet (facilitators and coordinators).' })
  async removeAttendanceRecord(
    @Arg('input', () => RemoveAttendanceRecordInput, { description: 'The line.' }) input: RemoveAttendanceRecordInput,
    @Ctx() ctx: Context,
  ) {
    return { gathering: await gatherings.removeAttendanceRecord(ctx, input) };
  }
}

@Resolver(() => AttendanceRecord)
export class AttendanceRecordResolver {
  @FieldResolver(() => Gathering, { description: 'The gathering.' })
  gathering(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    return ctx.loaders.gathering.load(r.gatheringId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The member, when the attendee has an account.' })
  user(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    return r.userId ? ctx.loaders.user.load(r.userId) : null;
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The organisation in the hub the attendee came for, if any.' })
  organisation(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    return r.organisationId ? ctx.loaders.organisation.load(r.organisationId) : null;
  }

  @FieldResolver(() => OrganisationKind, {
    nullable: true,
    description: "The kind counted in summaries: the organisation's kind when there is one, else this, else OTHER.",
  })
  async affiliationKind(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    const org = r.organisationId ? await ctx.loaders.organisation.load(r.organisationId) : null;
    return org?.kind ?? r.affiliationKind ?? 'OTHER';
  }

  @FieldResolver(() => Region, { nullable: true, description: "The attendee's home village." })
  village(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    return r.villageId ? ctx.loaders.region.load(r.villageId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who recorded this line.' })
  recordedBy(@Root() r: AttendanceRecordRow, @Ctx() ctx: Context) {
    return r.recordedById ? ctx.loaders.user.load(r.recordedById) : null;
  }
}

/** Circle fields of this module, kept here so the circles module does not import it. */
@Resolver(() => Circle)
export class CircleGatheringsResolver {
  @FieldResolver(() => GatheringConnection, { description: 'Gatherings of the circle, soonest first.' })
  async gatherings(@Root() circle: CircleRow, @Args(() => CircleGatheringsArgs) args: CircleGatheringsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return gatherings.circleGatheringsPage(ctx, circle, args, planNodes(ctx, info, 'Gathering'));
  }

  @FieldResolver(() => FollowUpConnection, { description: 'Follow-ups agreed in the circle, newest first.' })
  followUps(@Root() circle: CircleRow, @Args(() => FollowUpsArgs) args: FollowUpsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return circleFollowUpsPage(ctx, circle, args, planNodes(ctx, info, 'FollowUp'));
  }
}
