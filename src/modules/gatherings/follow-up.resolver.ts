import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { FollowUpRow } from '../../db/schema.js';
import { SdgGoal } from '../../shared/graphql.js';
import { sdgGoal } from '../../shared/sdg-goals.js';
import { Circle } from '../circles/circle.type.js';
import { Organisation } from '../organisations/organisation.type.js';
import { User } from '../users/user.type.js';
import { Gathering } from './gathering.type.js';
import { CreateFollowUpInput, CreateFollowUpPayload, FollowUp, UpdateFollowUpInput, UpdateFollowUpPayload } from './follow-up.type.js';
import * as followUps from './follow-up.service.js';

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @FieldResolver(() => Circle, { description: 'The circle that agreed it.' })
  circle(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(f.circleId);
  }

  @FieldResolver(() => Gathering, { nullable: true, description: 'The gathering that agreed it, if any.' })
  gathering(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return f.gatheringId ? ctx.loaders.gathering.load(f.gatheringId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who takes it on.' })
  owner(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return f.ownerId ? ctx.loaders.user.load(f.ownerId) : null;
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The organisation taking it on.' })
  organisation(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return f.organisationId ? ctx.loaders.organisation.load(f.organisationId) : null;
  }

  @FieldResolver(() => [SdgGoal], { description: 'SDG goals it serves.' })
  async sdgGoals(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.followUpGoals.load(f.id)).map(sdgGoal);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who wrote it down.' })
  createdBy(@Root() f: FollowUpRow, @Ctx() ctx: Context) {
    return f.createdById ? ctx.loaders.user.load(f.createdById) : null;
  }

  @Mutation(() => CreateFollowUpPayload, { description: 'Records an agreed next step; idempotent with `clientMutationId`.' })
  async createFollowUp(@Arg('input', () => CreateFollowUpInput, { description: 'The follow-up.' }) input: CreateFollowUpInput, @Ctx() ctx: Context) {
    return { followUp: await followUps.createFollowUp(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => UpdateFollowUpPayload, { description: 'Changes a follow-up: its owner may move its status; facilitators and coordinators anything.' })
  async updateFollowUp(@Arg('input', () => UpdateFollowUpInput, { description: 'The changes.' }) input: UpdateFollowUpInput, @Ctx() ctx: Context) {
    return { followUp: await followUps.updateFollowUp(ctx, input) };
  }
}
