import type { GraphQLResolveInfo } from 'graphql';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { resources } from '../../db/schema.js';
import { parseGlobalId, type NodeTypeName } from '../../shared/ids.js';
import { readableCircle } from '../circles/circle.service.js';
import { readableThread, readThreadWith } from '../discussions/discussion.service.js';
import { planFor, Selection } from '../../shared/prefetch.js';
import { seesHiddenIn, visibleReport } from '../moderation/moderation.service.js';
import { ownNotification } from '../notifications/notification.service.js';
import { resourceVisibleTo } from '../resources/resource.service.js';
import { viewerSession } from '../users/user.service.js';
import { readableGathering, visibleAttendanceRecord } from '../gatherings/gathering.service.js';
import { visibleFollowUp } from '../gatherings/follow-up.service.js';

type Tagged = Record<string, unknown> & { __typename: NodeTypeName };

async function visible(check: Promise<unknown>): Promise<boolean> {
  try {
    await check;
    return true;
  } catch {
    return false;
  }
}

/**
 * Any node by global ID, or null when it does not exist, the ID is malformed, or the viewer may
 * not see it: the three look the same from outside.
 */
export async function nodeById(ctx: Context, globalId: string, info?: GraphQLResolveInfo): Promise<Tagged | null> {
  const parsed = parseGlobalId(globalId);
  if (!parsed) return null;
  const { type, id } = parsed;
  const tag = (row: object | null | undefined) => (row ? ({ ...row, __typename: type } as Tagged) : null);
  switch (type) {
    case 'Region':
      return tag(await ctx.loaders.region.load(id));
    case 'Organisation':
      return tag(await ctx.loaders.organisation.load(id));
    case 'User':
      return ctx.viewer ? tag(await ctx.loaders.user.load(id)) : null;
    case 'Circle':
      return ctx.viewer && (await visible(readableCircle(ctx, id))) ? tag(await ctx.loaders.circle.load(id)) : null;
    case 'Thread':
      if (ctx.viewer && info) {
        // A thread page: the thread, its circle, the viewer's standing and its posts in one read.
        const plans = planFor(ctx, Selection.of(info, 'Thread'), 't');
        if (plans.length) await readThreadWith(ctx, id, plans);
      }
      return ctx.viewer && (await visible(readableThread(ctx, id))) ? tag(await ctx.loaders.thread.load(id)) : null;
    case 'Post': {
      const post = ctx.viewer ? await ctx.loaders.post.load(id) : null;
      return post && (await visible(readableThread(ctx, post.threadId))) ? tag(post) : null;
    }
    case 'Activity': {
      const entry = ctx.viewer ? await ctx.loaders.activity.load(id) : null;
      if (!entry || !(await visible(readableCircle(ctx, entry.circleId)))) return null;
      if (entry.kind === 'CONTENT_REPORTED' && !(await seesHiddenIn(ctx, entry.circleId))) return null;
      return tag(entry);
    }
    case 'Session':
      return tag(await viewerSession(ctx, id));
    case 'Gathering':
      return ctx.viewer && (await visible(readableGathering(ctx, id))) ? tag(await ctx.loaders.gathering.load(id)) : null;
    case 'AttendanceRecord':
      return ctx.viewer ? tag(await visibleAttendanceRecord(ctx, id)) : null;
    case 'FollowUp':
      return tag(await visibleFollowUp(ctx, id));
    case 'Notification':
      return tag(await ownNotification(ctx, id));
    case 'Resource': {
      if (!ctx.viewer) return null;
      const [row] = await ctx.db
        .select()
        .from(resources)
        .where(and(eq(resources.id, id), resourceVisibleTo(ctx.viewer.user.id)));
      return tag(row);
    }
    case 'ContentReport':
      return tag(await visibleReport(ctx, id));
  }
}
