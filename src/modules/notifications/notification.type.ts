import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize } from 'class-validator';
import { connectionTypes, DateTime, Node, PageArgs } from '../../shared/graphql.js';
import type { CircleRow, NotificationRow, UserRow } from '../../db/schema.js';
import { Circle } from '../circles/circle.type.js';
import { User } from '../users/user.type.js';

export enum NotificationKind {
  MENTION = 'MENTION',
  REPLY = 'REPLY',
  NEW_THREAD = 'NEW_THREAD',
  GATHERING_SCHEDULED = 'GATHERING_SCHEDULED',
  FOLLOW_UP_ASSIGNED = 'FOLLOW_UP_ASSIGNED',
  REPORT_RESOLVED = 'REPORT_RESOLVED',
  MEMBERSHIP_CHANGED = 'MEMBERSHIP_CHANGED',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'Why the viewer was notified.',
  valuesConfig: {
    MENTION: { description: 'Someone wrote @handle of the viewer in a thread or post.' },
    REPLY: { description: "A reply to the viewer's post, or a post in a thread the viewer started." },
    NEW_THREAD: { description: 'A new thread in a circle whose notification level is ALL.' },
    GATHERING_SCHEDULED: { description: 'A gathering was scheduled in a circle whose notification level is ALL.' },
    FOLLOW_UP_ASSIGNED: { description: 'A follow-up was assigned to the viewer.' },
    REPORT_RESOLVED: { description: 'A report the viewer made was resolved.' },
    MEMBERSHIP_CHANGED: { description: "The viewer's role in a circle changed, or they were added to one." },
  },
});

export enum NotificationLevel {
  ALL = 'ALL',
  MENTIONS_AND_REPLIES = 'MENTIONS_AND_REPLIES',
  NONE = 'NONE',
}
registerEnumType(NotificationLevel, {
  name: 'NotificationLevel',
  description:
    'What a member is notified of in one circle. Follow-ups assigned, reports resolved and membership changes come at every level.',
  valuesConfig: {
    ALL: { description: 'Mentions, replies, new threads and gatherings.' },
    MENTIONS_AND_REPLIES: { description: 'Mentions and replies only (default).' },
    NONE: { description: 'None of mentions, replies, new threads and gatherings.' },
  },
});

@ObjectType('Notification', {
  simpleResolvers: true,
  implements: Node,
  description: 'Something that concerns the viewer, derived from an activity in the same transaction as the write.',
})
export class Notification extends Node {
  @Field(() => NotificationKind, { description: 'Why the viewer was notified.' })
  kind!: NotificationKind;
  @Field(() => DateTime, { nullable: true, description: 'When the viewer marked it read; null while unread.' })
  readAt!: Date | null;
  @Field(() => DateTime, { description: 'When it was written (with its activity).' })
  createdAt!: Date;
}

export const NotificationConnection = connectionTypes<NotificationRow>('Notification', () => Notification, 'notification');

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only notifications not yet marked read.' })
  unreadOnly?: boolean | null;
}

@InputType('MarkNotificationsReadInput', { description: "Marks some or all of the viewer's notifications read." })
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true, description: 'Mark these; all unread when omitted.' })
  @ArrayMaxSize(100, { message: '$property may hold at most 100 IDs' })
  notificationIds?: string[] | null;
}

@ObjectType('MarkNotificationsReadPayload', { simpleResolvers: true, description: 'Result of markNotificationsRead.' })
export class MarkNotificationsReadPayload {
  @Field(() => User, { description: 'The viewer, with the new `unreadNotificationCount`.' })
  viewer!: UserRow;
}

@InputType('UpdateNotificationLevelInput', { description: "The viewer's notification level for one circle they belong to." })
export class UpdateNotificationLevelInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => NotificationLevel, { description: 'The new level.' })
  level!: NotificationLevel;
}

@ObjectType('UpdateNotificationLevelPayload', { simpleResolvers: true, description: 'Result of updateNotificationLevel.' })
export class UpdateNotificationLevelPayload {
  @Field(() => Circle, { description: 'The circle, with the new `viewerNotificationLevel`.' })
  circle!: CircleRow;
}
