import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Context, Viewer } from '../../context.js';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../db/client.js';
import {
  contentReports,
  posts,
  resourceCircles,
  resources,
  threads,
  type CircleRow,
  type ContentReportRow,
  type PostRow,
  type ResourceRow,
  type ThreadRow,
} from '../../db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, BadInputError, sqlState } from '../../errors.js';
import { can, canRead, isModerator, type Standing } from '../../auth/permissions.js';
import { assertCan, loadStanding, requireViewer } from '../../auth/guard.js';
import { standingIn } from '../../context.js';
import { appendActivity, type NewActivity } from '../../realtime/activity-log.js';
import { claimIdempotencyKey } from '../../shared/idempotency.js';
import { fromGlobalId, parseGlobalId } from '../../shared/ids.js';
import type { SortKey } from '../../shared/connection.js';
import { rootConnection } from '../../shared/lists.js';
import { readableCircle } from '../circles/circle.service.js';
import type {
  HideContentInput,
  ModerationQueueArgs,
  ReportContentInput,
  ResolveContentReportInput,
  RestoreContentInput,
} from './moderation.type.js';

/** Open reports by this many different members hide their subject until a moderator decides. */
export const AUTO_HIDE_REPORTERS = 3;
/** Reports a member may file per hour, across all circles: enough for a bad day, not for a campaign. */
export const REPORTS_PER_HOUR = 10;

// Any fixed number, used for nothing else: with the reporter's id it serialises one member's reports.
const REPORT_RATE_LOCK = 7_426_011;

const QUEUE_KEYS: SortKey[] = [
  { column: contentReports.createdAt, field: 'createdAt', type: 'date' },
  { column: contentReports.id, field: 'id', type: 'uuid' },
];

// ---------------------------------------------------------------- what a viewer sees

/**
 * Whether the viewer sees hidden content of a circle: its facilitators and coordinators do;
 * everyone else, the author included, sees it empty. Marks the answer as audience-dependent.
 */
export async function seesHiddenIn(ctx: Context, circleId: string): Promise<boolean> {
  ctx.audienceSensitive = true;
  if (!ctx.viewer) return false;
  return isModerator(await standingIn(ctx, circleId));
}

export async function seesHiddenResource(ctx: Context, resourceId: string): Promise<boolean> {
  ctx.audienceSensitive = true;
  if (!ctx.viewer) return false;
  return ctx.loaders.moderatesResource.load(resourceId);
}

/** A thread's title or body as the viewer may see it. */
export async function threadText(ctx: Context, thread: ThreadRow, text: string): Promise<string> {
  if (!thread.hiddenAt) return text;
  return (await seesHiddenIn(ctx, thread.circleId)) ? text : '';
}

export async function postBody(ctx: Context, post: PostRow): Promise<string> {
  if (post.deletedAt) return '';
  if (!post.hiddenAt) return post.body;
  const thread = await ctx.loaders.thread.load(post.threadId);
  return thread && (await seesHiddenIn(ctx, thread.circleId)) ? post.body : '';
}

export async function resourceText<T extends string | null>(ctx: Context, resource: ResourceRow, text: T, empty: T): Promise<T> {
  if (!resource.hiddenAt) return text;
  return (await seesHiddenResource(ctx, resource.id)) ? text : empty;
}

/** Whether the viewer may see a report: the circle's moderators and the reporter themself. */
async function seesReport(ctx: Context, report: ContentReportRow): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (report.reporterId === ctx.viewer.user.id) return true;
  const standing = await standingIn(ctx, report.circleId);
  return isModerator(standing);
}

/** A report by ID for `node`, or null when the viewer may not see it. */
export async function visibleReport(ctx: Context, reportId: string): Promise<ContentReportRow | null> {
  const report = ctx.viewer ? await ctx.loaders.report.load(reportId) : null;
  return report && (await seesReport(ctx, report)) ? report : null;
}

/** The report behind a moderation activity: for the circle's moderators only. */
export async function activityReport(ctx: Context, reportId: string | null, circleId: string): Promise<ContentReportRow | null> {
  if (!reportId) return null;
  if (!(await seesHiddenIn(ctx, circleId))) return null;
  return ctx.loaders.report.load(reportId);
}

/** The reporter, for the circle's moderators and the reporter themself. */
export async function reportReporter(ctx: Context, report: ContentReportRow) {
  if (!ctx.viewer) return null;
  if (report.reporterId !== ctx.viewer.user.id && !isModerator(await standingIn(ctx, report.circleId))) return null;
  return ctx.loaders.user.load(report.reporterId);
}

export type TaggedSubject = (ThreadRow | PostRow | ResourceRow) & { __typename: 'Thread' | 'Post' | 'Resource' };

export async function reportSubject(ctx: Context, report: ContentReportRow): Promise<TaggedSubject> {
  if (report.threadId) return { ...(await ctx.loaders.thread.load(report.threadId))!, __typename: 'Thread' };
  if (report.postId) return { ...(await ctx.loaders.post.load(report.postId))!, __typename: 'Post' };
  return { ...(await ctx.loaders.resource.load(report.resourceId!))!, __typename: 'Resource' };
}

/** The circle's queue: oldest report first, so none waits behind newer ones. */
export async function moderationQueue(ctx: Context, circle: CircleRow, args: ModerationQueueArgs) {
  await readableCircle(ctx, circle.id);
  assertCan('moderateContent', circle, await standingIn(ctx, circle.id));
  const where = and(eq(contentReports.circleId, circle.id), args.status ? eq(contentReports.status, args.status) : undefined);
  return rootConnection<ContentReportRow>(ctx, { table: contentReports, keys: QUEUE_KEYS, where }, args);
}

// ---------------------------------------------------------------- subjects, locked for a decision

type SubjectKind = 'Thread' | 'Post' | 'Resource';

interface LockedSubject {
  kind: SubjectKind;
  id: string;
  hiddenAt: Date | null;
  /** Circles the subject lives in: one for a thread or post, those it was shared with for a resource. */
  circleIds: string[];
  /** For activity rows: which columns name the subject. */
  refs: { threadId?: string; postId?: string; resourceId?: string };
  /** For reports: which column of content_reports names the subject, as a column and as values. */
  reportColumn: PgColumn;
  reportRef: { threadId: string } | { postId: string } | { resourceId: string };
  thread?: ThreadRow;
  post?: PostRow;
}

function subjectRef(subjectId: string): { kind: SubjectKind; id: string } {
  const parsed = parseGlobalId(subjectId);
  if (!parsed) throw new BadInputError('subjectId', 'is not a valid Thread, Post or Resource ID');
  if (parsed.type !== 'Thread' && parsed.type !== 'Post' && parsed.type !== 'Resource') {
    throw new NotFoundError('Thread, Post or Resource', 'subjectId');
  }
  return { kind: parsed.type, id: parsed.id };
}

/**
 * The subject's row, locked for the rest of the transaction: reports and decisions on one subject
 * take turns, so the third of three concurrent reports is the one that sees all three.
 */
async function lockSubject(tx: Tx, ref: { kind: SubjectKind; id: string }): Promise<LockedSubject | null> {
  if (ref.kind === 'Thread') {
    const [thread] = await tx.select().from(threads).where(eq(threads.id, ref.id)).for('update');
    if (!thread) return null;
    return { kind: 'Thread', id: thread.id, hiddenAt: thread.hiddenAt, circleIds: [thread.circleId], refs: { threadId: thread.id }, reportColumn: contentReports.threadId, reportRef: { threadId: thread.id }, thread };
  }
  if (ref.kind === 'Post') {
    const [row] = await tx
      .select({ post: posts, circleId: threads.circleId })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(and(eq(posts.id, ref.id), isNull(posts.deletedAt)))
      .for('update', { of: posts });
    if (!row) return null;
    const { post } = row;
    return { kind: 'Post', id: post.id, hiddenAt: post.hiddenAt, circleIds: [row.circleId], refs: { threadId: post.threadId, postId: post.id }, reportColumn: contentReports.postId, reportRef: { postId: post.id }, post };
  }
  const [resource] = await tx.select().from(resources).where(eq(resources.id, ref.id)).for('update');
  if (!resource) return null;
  const shared = await tx
    .select({ circleId: resourceCircles.circleId })
    .from(resourceCircles)
    .where(eq(resourceCircles.resourceId, resource.id))
    .orderBy(asc(resourceCircles.sharedAt), asc(resourceCircles.circleId));
  return { kind: 'Resource', id: resource.id, hiddenAt: resource.hiddenAt, circleIds: shared.map((s) => s.circleId), refs: { resourceId: resource.id }, reportColumn: contentReports.resourceId, reportRef: { resourceId: resource.id } };
}

/**
 * The first of the subject's circles where the viewer may `action`. NOT_FOUND when the viewer
 * sees none of them, FORBIDDEN when they see one but may not act there.
 */
async function circleForSubject(tx: Tx, viewer: Viewer, subject: LockedSubject | null, action: 'report' | 'moderateContent', field: string) {
  const what = subject?.kind ?? 'Thread, Post or Resource';
  if (!subject) throw new NotFoundError(what, field);
  let visible: { circle: CircleRow; standing: Standing } | null = null;
  for (const circleId of subject.circleIds) {
    const found = await loadStanding(tx, circleId, viewer.user.id);
    if (!found || !canRead(found.circle, found.standing)) continue;
    if (can(action, found.circle, found.standing)) return found;
    visible ??= found;
  }
  if (!visible) throw new NotFoundError(what, field);
  assertCan(action, visible.circle, visible.standing, field);
  throw new ForbiddenError();
}

async function setHidden(tx: Tx, subject: LockedSubject, hidden: boolean): Promise<void> {
  const hiddenAt = hidden ? new Date() : null;
  if (subject.kind === 'Thread') {
    await tx.update(threads).set({ hiddenAt }).where(eq(threads.id, subject.id));
  } else if (subject.kind === 'Post') {
    await tx.update(posts).set({ hiddenAt }).where(eq(posts.id, subject.id));
    // postCount counts what members can read: like a deleted post, a hidden one is not in it.
    await tx
      .update(threads)
      .set({ postCount: hidden ? sql`greatest(${threads.postCount} - 1, 0)` : sql`${threads.postCount} + 1` })
      .where(eq(threads.id, subject.post!.threadId));
  } else {
    await tx.update(resources).set({ hiddenAt }).where(eq(resources.id, subject.id));
  }
  subject.hiddenAt = hiddenAt;
}

/** Activity rows for a decision on a subject: one in each of its circles. */
function decisionActivities(
  subject: LockedSubject,
  kind: NewActivity['kind'],
  actorId: string | null,
  reportId: string | null,
  resolved: readonly { id: string }[] = [],
): NewActivity[] {
  // Every activity names all the resolved reports; each reporter is told in their report's circle.
  const resolvedReportIds = resolved.map((r) => r.id);
  return subject.circleIds.map((circleId) => ({ circleId, kind, actorId, reportId, ...subject.refs, resolvedReportIds }));
}

/**
 * Resolves every open report on the subject at once: a moderator's decision is about the content,
 * not about one report. All get the same moderator, note and time, so whoever tells the reporters
 * of the outcome finds them together.
 */
async function resolveOpenReports(tx: Tx, subject: LockedSubject, status: 'HIDDEN' | 'DISMISSED', moderatorId: string, note: string | null) {
  return tx
    .update(contentReports)
    .set({ status, resolvedById: moderatorId, resolutionNote: note, resolvedAt: new Date() })
    .where(and(eq(subject.reportColumn, subject.id), eq(contentReports.status, 'OPEN')))
    .returning();
}

const trimmedNote = (note: string | null | undefined) => note?.trim() || null;

async function subjectRow(ctx: Context, subject: { kind: SubjectKind; id: string }): Promise<TaggedSubject> {
  const row =
    subject.kind === 'Thread'
      ? await ctx.loaders.thread.clear(subject.id).load(subject.id)
      : subject.kind === 'Post'
        ? await ctx.loaders.post.clear(subject.id).load(subject.id)
        : await ctx.loaders.resource.clear(subject.id).load(subject.id);
  return { ...row!, __typename: subject.kind };
}

// ---------------------------------------------------------------- mutations

export async function reportContent(ctx: Context, input: ReportContentInput): Promise<ContentReportRow> {
  const viewer = requireViewer(ctx);
  const ref = subjectRef(input.subjectId);
  const id = randomUUID();
  let reportId: string;
  try {
    reportId = await ctx.db.transaction(async (tx) => {
      const first = await claimIdempotencyKey(tx, viewer.user.id, input.clientMutationId, 'reportContent', id);
      if (first) return first;
      // One member's reports take turns, so the hourly count cannot be outrun by sending them at once.
      await tx.execute(sql`select pg_advisory_xact_lock(${REPORT_RATE_LOCK}, hashtext(${viewer.user.id}))`);
      const subject = await lockSubject(tx, ref);
      const { circle } = await circleForSubject(tx, viewer, subject, 'report', 'subjectId');
      const [recent] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(contentReports)
        .where(and(eq(contentReports.reporterId, viewer.user.id), sql`${contentReports.createdAt} > now() - interval '1 hour'`));
      if (recent.n >= REPORTS_PER_HOUR) {
        throw new RateLimitedError(`At most ${REPORTS_PER_HOUR} reports an hour; the moderators have yours. Try again later.`);
      }
      const [already] = await tx
        .select({ id: contentReports.id })
        .from(contentReports)
        .where(and(eq(subject!.reportColumn, subject!.id), eq(contentReports.reporterId, viewer.user.id)));
      if (already) throw new ConflictError('You already reported this; the moderators have your report.', 'subjectId');
      await tx.insert(contentReports).values({
        id,
        circleId: circle.id,
        ...subject!.reportRef,
        reporterId: viewer.user.id,
        reason: input.reason,
        note: trimmedNote(input.note),
      });
      const entries: NewActivity[] = [
        { circleId: circle.id, kind: 'CONTENT_REPORTED', actorId: viewer.user.id, reportId: id, ...subject!.refs },
      ];
      if (!subject!.hiddenAt) {
        const [open] = await tx
          .select({ n: sql<number>`count(distinct ${contentReports.reporterId})::int` })
          .from(contentReports)
          .where(and(eq(subject!.reportColumn, subject!.id), eq(contentReports.status, 'OPEN')));
        if (open.n >= AUTO_HIDE_REPORTERS) {
          await setHidden(tx, subject!, true);
          // Nobody decided this: the hide has no actor; the report that tipped it is named.
          entries.push(...decisionActivities(subject!, 'CONTENT_HIDDEN', null, id));
        }
      }
      await appendActivity(tx, entries);
      return id;
    });
  } catch (err) {
    // Two first reports by one member racing past the check meet at the unique key.
    if (sqlState(err) === '23505') throw new ConflictError('You already reported this; the moderators have your report.', 'subjectId');
    throw err;
  }
  const report = await ctx.loaders.report.clear(reportId).load(reportId);
  if (!report || !(await seesReport(ctx, report))) throw new NotFoundError('ContentReport', 'clientMutationId');
  return report;
}

export async function resolveContentReport(ctx: Context, input: ResolveContentReportInput): Promise<ContentReportRow> {
  const viewer = requireViewer(ctx);
  const reportId = fromGlobalId(input.reportId, 'ContentReport', 'reportId');
  const note = trimmedNote(input.note);
  await ctx.db.transaction(async (tx) => {
    const [report] = await tx.select().from(contentReports).where(eq(contentReports.id, reportId));
    if (!report) throw new NotFoundError('ContentReport', 'reportId');
    const found = await loadStanding(tx, report.circleId, viewer.user.id);
    const mayModerate = found !== null && can('moderateContent', found.circle, found.standing);
    if (!mayModerate) {
      // The reporter sees their report but may not decide it; anyone else does not see it at all.
      if (report.reporterId === viewer.user.id) throw new ForbiddenError('Only the circle\u2019s facilitators and coordinators resolve reports.');
      throw new NotFoundError('ContentReport', 'reportId');
    }
    const ref = report.threadId
      ? { kind: 'Thread' as const, id: report.threadId }
      : report.postId
        ? { kind: 'Post' as const, id: report.postId }
        : { kind: 'Resource' as const, id: report.resourceId! };
    const subject = await lockSubject(tx, ref);
    // Re-read under the subject's lock: a decision on the subject may have resolved it meanwhile.
    const [current] = await tx.select({ status: contentReports.status }).from(contentReports).where(eq(contentReports.id, reportId));
    if (current.status !== 'OPEN') throw new ConflictError(`This report was already resolved (${current.status}).`, 'reportId');
    if (!subject) {
      // A post deleted since it was reported: nothing left to hide; the report is settled as is.
      await tx
        .update(contentReports)
        .set({ status: input.action === 'HIDE' ? 'HIDDEN' : 'DISMISSED', resolvedById: viewer.user.id, resolutionNote: note, resolvedAt: new Date() })
        .where(eq(contentReports.id, reportId));
      await appendActivity(tx, {
        circleId: report.circleId,
        kind: 'CONTENT_REPORT_DISMISSED',
        actorId: viewer.user.id,
        reportId,
        threadId: report.threadId,
        postId: report.postId,
        resourceId: report.resourceId,
        resolvedReportIds: [reportId],
      });
      return;
    }
    if (input.action === 'HIDE') {
      if (!subject.hiddenAt) await setHidden(tx, subject, true);
      const resolved = await resolveOpenReports(tx, subject, 'HIDDEN', viewer.user.id, note);
      await appendActivity(tx, decisionActivities(subject, 'CONTENT_HIDDEN', viewer.user.id, reportId, resolved));
    } else {
      const wasHidden = subject.hiddenAt !== null;
      if (wasHidden) await setHidden(tx, subject, false);
      const resolved = await resolveOpenReports(tx, subject, 'DISMISSED', viewer.user.id, note);
      // Dismissing what was never hidden changes nothing visible: it is logged in the circles whose
      // reports it settles (a resource's reporters may sit in several), where their reporters learn it.
      const settled = [...new Set([report.circleId, ...resolved.map((r) => r.circleId)])];
      await appendActivity(
        tx,
        wasHidden
          ? decisionActivities(subject, 'CONTENT_RESTORED', viewer.user.id, reportId, resolved)
          : settled.map((circleId) => ({
              circleId,
              kind: 'CONTENT_REPORT_DISMISSED' as const,
              actorId: viewer.user.id,
              // Each circle's entry names a report of that circle, which its moderators may see.
              reportId: circleId === report.circleId ? reportId : resolved.find((r) => r.circleId === circleId)!.id,
              ...subject.refs,
              resolvedReportIds: resolved.map((r) => r.id),
            })),
      );
    }
  });
  return (await ctx.loaders.report.clear(reportId).load(reportId))!;
}

export async function hideContent(ctx: Context, input: HideContentInput): Promise<TaggedSubject> {
  const viewer = requireViewer(ctx);
  const ref = subjectRef(input.subjectId);
  await ctx.db.transaction(async (tx) => {
    const subject = await lockSubject(tx, ref);
    await circleForSubject(tx, viewer, subject, 'moderateContent', 'subjectId');
    // Hiding what is hidden changes nothing and logs nothing, so a retry is harmless.
    if (subject!.hiddenAt) return;
    await setHidden(tx, subject!, true);
    const resolved = await resolveOpenReports(tx, subject!, 'HIDDEN', viewer.user.id, trimmedNote(input.note));
    await appendActivity(tx, decisionActivities(subject!, 'CONTENT_HIDDEN', viewer.user.id, resolved[0]?.id ?? null, resolved));
  });
  return subjectRow(ctx, ref);
}

export async function restoreContent(ctx: Context, input: RestoreContentInput): Promise<TaggedSubject> {
  const viewer = requireViewer(ctx);
  const ref = subjectRef(input.subjectId);
  await ctx.db.transaction(async (tx) => {
    const subject = await lockSubject(tx, ref);
    await circleForSubject(tx, viewer, subject, 'moderateContent', 'subjectId');
    if (!subject!.hiddenAt) return;
    await setHidden(tx, subject!, false);
    const resolved = await resolveOpenReports(tx, subject!, 'DISMISSED', viewer.user.id, null);
    await appendActivity(tx, decisionActivities(subject!, 'CONTENT_RESTORED', viewer.user.id, resolved[0]?.id ?? null, resolved));
  });
  return subjectRow(ctx, ref);
}

/** Refuses a member's change to hidden content (replying, reacting, editing): they see it empty. */
export function assertNotHidden(hiddenAt: Date | null, standing: Standing, what: string): void {
  if (hiddenAt && !isModerator(standing)) throw new ForbiddenError(`This ${what} was hidden by a moderator.`);
}
