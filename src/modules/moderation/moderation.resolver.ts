import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { CircleRow, ContentReportRow } from '../../db/schema.js';
import { Circle } from '../circles/circle.type.js';
import { User } from '../users/user.type.js';
import {
  ContentReport,
  ContentReportConnection,
  HideContentInput,
  ModerateContentPayload,
  ModerationQueueArgs,
  ReportContentInput,
  ReportContentPayload,
  ReportSubject,
  ResolveContentReportInput,
  ResolveContentReportPayload,
  RestoreContentInput,
} from './moderation.type.js';
import * as moderation from './moderation.service.js';

@Resolver(() => ContentReport)
export class ContentReportResolver {
  @FieldResolver(() => ReportSubject, { description: 'The thread, post or resource reported; empty like any hidden content for non-moderators.' })
  subject(@Root() report: ContentReportRow, @Ctx() ctx: Context) {
    return moderation.reportSubject(ctx, report);
  }

  @FieldResolver(() => Circle, { description: 'The circle whose moderators handle it.' })
  circle(@Root() report: ContentReportRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(report.circleId);
  }

  @FieldResolver(() => User, { nullable: true, description: "Seen by the circle's moderators and by the reporter themself; null for everyone else." })
  reporter(@Root() report: ContentReportRow, @Ctx() ctx: Context) {
    return moderation.reportReporter(ctx, report);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The moderator who resolved it; null while open.' })
  resolvedBy(@Root() report: ContentReportRow, @Ctx() ctx: Context) {
    return report.resolvedById ? ctx.loaders.user.load(report.resolvedById) : null;
  }

  @Mutation(() => ReportContentPayload, {
    description:
      'Reports a thread, post or resource to the circle\u2019s moderators. Members only; once per member and subject (CONFLICT after); RATE_LIMITED past 10 an hour. Three members\u2019 open reports hide it until a moderator decides. Idempotent with `clientMutationId`.',
  })
  async reportContent(@Arg('input', () => ReportContentInput, { description: 'The subject and why.' }) input: ReportContentInput, @Ctx() ctx: Context) {
    return { report: await moderation.reportContent(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => ResolveContentReportPayload, {
    description: 'Resolves an open report, and every other open report on the same content, by hiding it or dismissing them. Facilitators and coordinators.',
  })
  async resolveContentReport(
    @Arg('input', () => ResolveContentReportInput, { description: 'The report and the decision.' }) input: ResolveContentReportInput,
    @Ctx() ctx: Context,
  ) {
    return { report: await moderation.resolveContentReport(ctx, input) };
  }

  @Mutation(() => ModerateContentPayload, { description: 'Hides a thread, post or resource: it keeps its place, its words are withheld from non-moderators. Facilitators and coordinators.' })
  async hideContent(@Arg('input', () => HideContentInput, { description: 'The content.' }) input: HideContentInput, @Ctx() ctx: Context) {
    return { subject: await moderation.hideContent(ctx, input) };
  }

  @Mutation(() => ModerateContentPayload, { description: 'Shows hidden content again. Facilitators and coordinators.' })
  async restoreContent(@Arg('input', () => RestoreContentInput, { description: 'The content.' }) input: RestoreContentInput, @Ctx() ctx: Context) {
    return { subject: await moderation.restoreContent(ctx, input) };
  }
}

@Resolver(() => Circle)
export class CircleModerationResolver {
  @FieldResolver(() => ContentReportConnection, {
    description: 'Reports to review, oldest first; FORBIDDEN for members who are not facilitators or coordinators.',
  })
  moderationQueue(@Root() circle: CircleRow, @Args(() => ModerationQueueArgs) args: ModerationQueueArgs, @Ctx() ctx: Context) {
    return moderation.moderationQueue(ctx, circle, args);
  }
}
