import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { ActivityRow, CircleMemberRow } from '../../db/schema.js';
import { cursorOf } from '../../shared/connection.js';
import { Circle, CircleMembership } from '../circles/circle.type.js';
import { ACTIVITY_KEYS } from '../circles/circle.service.js';
import { Post, Thread } from '../discussions/discussion.type.js';
import { Resource } from '../resources/resource.type.js';
import { User } from '../users/user.type.js';
import { Activity } from './activity.type.js';
import { ContentReport } from '../moderation/moderation.type.js';
import * as moderation from '../moderation/moderation.service.js';

@Resolver(() => Activity)
export class ActivityResolver {
  @FieldResolver(() => String, { description: 'Orders entries; pass it as `after` to resume a feed from here.' })
  cursor(@Root() a: ActivityRow): string {
    return cursorOf(a, ACTIVITY_KEYS);
  }

  @FieldResolver(() => Circle, { description: 'The circle it happened in.' })
  circle(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(a.circleId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who did it.' })
  actor(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return a.actorId ? ctx.loaders.user.load(a.actorId) : null;
  }

  @FieldResolver(() => Thread, { nullable: true, description: 'The thread concerned, if any.' })
  thread(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return a.threadId ? ctx.loaders.thread.load(a.threadId) : null;
  }

  @FieldResolver(() => Post, { nullable: true, description: 'The post concerned, if any.' })
  post(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return a.postId ? ctx.loaders.post.load(a.postId) : null;
  }

  @FieldResolver(() => Resource, { nullable: true, description: 'The resource concerned, if any.' })
  resource(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return a.resourceId ? ctx.loaders.resource.load(a.resourceId) : null;
  }

  @FieldResolver(() => ContentReport, { nullable: true, description: "For moderation activities: the report concerned. Only for the circle's moderators; null for others." })
  report(@Root() a: ActivityRow, @Ctx() ctx: Context) {
    return moderation.activityReport(ctx, a.reportId, a.circleId);
  }

  @FieldResolver(() => CircleMembership, {
    nullable: true,
    description: 'For membership activities: the membership as this activity left it (role at the time).',
  })
  async membership(@Root() a: ActivityRow, @Ctx() ctx: Context): Promise<CircleMemberRow | null> {
    if (!a.memberUserId || !a.memberRole) return null;
    const live = await ctx.loaders.circleMembership.load(`${a.circleId}:${a.memberUserId}`);
    return {
      circleId: a.circleId,
      userId: a.memberUserId,
      role: a.memberRole,
      organisationId: a.memberOrganisationId,
      joinedAt: live?.joinedAt ?? a.occurredAt,
    };
  }
}
