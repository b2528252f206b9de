import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { CircleRow, NotificationRow, UserRow } from '../../db/schema.js';
import { cursorOf } from '../../shared/connection.js';
import { Activity } from '../activity/activity.type.js';
import { Circle } from '../circles/circle.type.js';
import { ContentReport } from '../moderation/moderation.type.js';
import { User } from '../users/user.type.js';
import {
  MarkNotificationsReadInput,
  MarkNotificationsReadPayload,
  Notification,
  NotificationConnection,
  NotificationLevel,
  NotificationsArgs,
  UpdateNotificationLevelInput,
  UpdateNotificationLevelPayload,
} from './notification.type.js';
import * as inbox from './notification.service.js';

@Resolver(() => Notification)
export class NotificationResolver {
  @FieldResolver(() => String, {
    description: "Orders the viewer's notifications; pass it as `after` to myNotifications (or to `notifications`) to resume.",
  })
  cursor(@Root() n: NotificationRow): string {
    return cursorOf(n, inbox.NOTIFICATION_KEYS);
  }

  @FieldResolver(() => Activity, { description: 'The activity that caused it.' })
  async activity(@Root() n: NotificationRow, @Ctx() ctx: Context) {
    return ctx.loaders.activity.load(n.activityId.toString());
  }

  @FieldResolver(() => Circle, { nullable: true, description: 'The circle it happened in.' })
  circle(@Root() n: NotificationRow, @Ctx() ctx: Context) {
    return n.circleId ? ctx.loaders.circle.load(n.circleId) : null;
  }

  @FieldResolver(() => ContentReport, {
    nullable: true,
    description:
      "For REPORT_RESOLVED: the viewer's report as the moderator resolved it; its status is the outcome (HIDDEN or DISMISSED) and resolutionNote the moderator's note. Null for other kinds.",
  })
  report(@Root() n: NotificationRow, @Ctx() ctx: Context) {
    return inbox.notificationReport(ctx, n);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who caused it; null when that account is gone.' })
  actor(@Root() n: NotificationRow, @Ctx() ctx: Context) {
    return n.actorId ? ctx.loaders.user.load(n.actorId) : null;
  }

  @Mutation(() => MarkNotificationsReadPayload, {
    description: "Marks the viewer's notifications read: the ones named (NOT_FOUND if any is not theirs, and then none), or all unread.",
  })
  async markNotificationsRead(
    @Arg('input', () => MarkNotificationsReadInput, { description: 'Which notifications.' }) input: MarkNotificationsReadInput,
    @Ctx() ctx: Context,
  ) {
    return { viewer: await inbox.markNotificationsRead(ctx, input) };
  }

  @Mutation(() => UpdateNotificationLevelPayload, {
    description: 'Sets what the viewer is notified of in one circle. Members only (FORBIDDEN otherwise).',
  })
  async updateNotificationLevel(
    @Arg('input', () => UpdateNotificationLevelInput, { description: 'The circle and level.' }) input: UpdateNotificationLevelInput,
    @Ctx() ctx: Context,
  ) {
    return { circle: await inbox.updateNotificationLevel(ctx, input) };
  }
}

@Resolver(() => User)
export class UserNotificationsResolver {
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description: "The viewer's own notifications, newest first; null on any other user.",
  })
  notifications(@Root() user: UserRow, @Args(() => NotificationsArgs) args: NotificationsArgs, @Ctx() ctx: Context) {
    return inbox.notificationsPage(ctx, user, args);
  }

  @FieldResolver(() => Int, { nullable: true, description: "The viewer's unread notifications; null on any other user." })
  unreadNotificationCount(@Root() user: UserRow, @Ctx() ctx: Context) {
    return inbox.unreadNotificationCount(ctx, user);
  }
}

@Resolver(() => Circle)
export class CircleNotificationsResolver {
  @FieldResolver(() => NotificationLevel, { nullable: true, description: "The viewer's notification level for this circle; null for non-members." })
  viewerNotificationLevel(@Root() circle: CircleRow, @Ctx() ctx: Context) {
    return inbox.viewerNotificationLevel(ctx, circle);
  }
}
