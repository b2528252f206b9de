import { ArgsType, createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { connectionTypes, DateTime, Node, PageArgs } from '../../shared/graphql.js';
import { ClientMutationId, Note } from '../../shared/validation.js';
import type { ContentReportRow } from '../../db/schema.js';
import { Post, Thread } from '../discussions/discussion.type.js';
import { Resource } from '../resources/resource.type.js';

export enum ContentReportReason {
  SPAM = 'SPAM',
  HARASSMENT = 'HARASSMENT',
  MISINFORMATION = 'MISINFORMATION',
  PERSONAL_DATA = 'PERSONAL_DATA',
  OFF_TOPIC = 'OFF_TOPIC',
  OTHER = 'OTHER',
}
registerEnumType(ContentReportReason, {
  name: 'ContentReportReason',
  description: 'Why a member reports a thread, post or resource.',
  valuesConfig: {
    SPAM: { description: 'Advertising or repeated off-purpose posting.' },
    HARASSMENT: { description: 'Insults, threats or abuse of a person.' },
    MISINFORMATION: { description: 'False information presented as fact.' },
    PERSONAL_DATA: { description: 'Personal data that should not be public (identity numbers, phone numbers).' },
    OFF_TOPIC: { description: 'Does not belong in this circle.' },
    OTHER: { description: 'Something else; the note says what.' },
  },
});

export enum ContentReportStatus {
  OPEN = 'OPEN',
  HIDDEN = 'HIDDEN',
  DISMISSED = 'DISMISSED',
}
registerEnumType(ContentReportStatus, {
  name: 'ContentReportStatus',
  description: 'Where a report stands.',
  valuesConfig: {
    OPEN: { description: 'Waiting for a moderator (also after an automatic hide).' },
    HIDDEN: { description: 'Resolved by hiding the content.' },
    DISMISSED: { description: 'Resolved with no action.' },
  },
});

export enum ContentReportAction {
  HIDE = 'HIDE',
  DISMISS = 'DISMISS',
}
registerEnumType(ContentReportAction, {
  name: 'ContentReportAction',
  description: 'How a moderator resolves a report.',
  valuesConfig: {
    HIDE: { description: 'Hide the content (it keeps its place, its words are withheld).' },
    DISMISS: { description: 'No action; content hidden automatically by reports is shown again.' },
  },
});

export const ReportSubject = createUnionType({
  name: 'ReportSubject',
  description: 'What can be reported and hidden: a thread, a post or a resource.',
  types: () => [Thread, Post, Resource] as const,
  // Subjects are rows tagged with their type (see moderation.service's `tagged`).
  resolveType: (value) => (value as { __typename?: string }).__typename,
});

@ObjectType('ContentReport', {
  simpleResolvers: true,
  implements: Node,
  description: "A member's report of a thread, post or resource, for the circle's facilitators and coordinators.",
})
export class ContentReport extends Node {
  @Field(() => ContentReportReason, { description: 'Why it was reported.' })
  reason!: ContentReportReason;
  @Field(() => String, { nullable: true, description: "The reporter's note, if any." })
  note!: string | null;
  @Field(() => ContentReportStatus, { description: 'Open, or how it was resolved.' })
  status!: ContentReportStatus;
  @Field(() => String, { nullable: true, description: "The moderator's note when resolving, if any." })
  resolutionNote!: string | null;
  @Field(() => DateTime, { description: 'When it was reported.' })
  createdAt!: Date;
  @Field(() => DateTime, { nullable: true, description: 'When a moderator resolved it; null while open.' })
  resolvedAt!: Date | null;
}

export const ContentReportConnection = connectionTypes<ContentReportRow>('ContentReport', () => ContentReport, 'content report');

@ArgsType()
export class ModerationQueueArgs extends PageArgs {
  @Field(() => ContentReportStatus, { nullable: true, description: 'Only reports with this status; all when omitted.' })
  status?: ContentReportStatus | null;
}

@InputType('ReportContentInput', { description: 'Reports a thread, post or resource to the circle\u2019s moderators.' })
export class ReportContentInput {
  @Field(() => ID, { description: 'A Thread, Post or Resource ID.' })
  subjectId!: string;
  @Field(() => ContentReportReason, { description: 'Why.' })
  reason!: ContentReportReason;
  @Field(() => String, { nullable: true, description: 'What the moderators should know, up to 1,000 characters.' })
  @IsOptional()
  @Note()
  note?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.',
  })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('ReportContentPayload', { simpleResolvers: true, description: 'Result of reportContent.' })
export class ReportContentPayload {
  @Field(() => ContentReport, { description: 'The report (the first one made with this clientMutationId, on a retry).' })
  report!: ContentReportRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('ResolveContentReportInput', { description: 'Resolves an open report by hiding the content or dismissing the report.' })
export class ResolveContentReportInput {
  @Field(() => ID, { description: 'The report.' })
  reportId!: string;
  @Field(() => ContentReportAction, { description: 'Hide or dismiss.' })
  action!: ContentReportAction;
  @Field(() => String, { nullable: true, description: 'Why, for the record and the reporter; up to 1,000 characters.' })
  @IsOptional()
  @Note()
  note?: string | null;
}

@ObjectType('ResolveContentReportPayload', { simpleResolvers: true, description: 'Result of resolveContentReport.' })
export class ResolveContentReportPayload {
  @Field(() => ContentReport, { description: 'The report as it now is.' })
  report!: ContentReportRow;
}

@InputType('HideContentInput', { description: 'Hides a thread, post or resource; open reports on it are resolved as HIDDEN.' })
export class HideContentInput {
  @Field(() => ID, { description: 'A Thread, Post or Resource ID.' })
  subjectId!: string;
  @Field(() => String, { nullable: true, description: 'Why; kept as the resolution note of its open reports. Up to 1,000 characters.' })
  @IsOptional()
  @Note()
  note?: string | null;
}

@InputType('RestoreContentInput', { description: 'Shows hidden content again; open reports on it are dismissed.' })
export class RestoreContentInput {
  @Field(() => ID, { description: 'A Thread, Post or Resource ID.' })
  subjectId!: string;
}

@ObjectType('ModerateContentPayload', { simpleResolvers: true, description: 'Result of hideContent and restoreContent.' })
export class ModerateContentPayload {
  @Field(() => ReportSubject, { description: 'The content as it now is.' })
  subject!: object;
}
