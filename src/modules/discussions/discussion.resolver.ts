import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { PostRow, ThreadRow } from '../../db/schema.js';
import { PageArgs, SdgGoal } from '../../shared/graphql.js';
import { nodesSelect } from '../../shared/selection.js';
import { planNodes } from '../../shared/prefetch.js';
import { sdgGoal } from '../../shared/sdg-goals.js';
import { Circle } from '../circles/circle.type.js';
import { User } from '../users/user.type.js';
import {
  AddReactionInput,
  CreatePostInput,
  CreatePostPayload,
  CreateThreadInput,
  CreateThreadPayload,
  DeletePostInput,
  DeletePostPayload,
  Post,
  PostConnection,
  ReactionGroup,
  ReactionPayload,
  RemoveReactionInput,
  Thread,
  UpdatePostInput,
  UpdatePostPayload,
  UpdateThreadInput,
  UpdateThreadPayload,
} from './discussion.type.js';
import * as discussions from './discussion.service.js';
import * as moderation from '../moderation/moderation.service.js';

@Resolver(() => Thread)
export class ThreadResolver {
  @FieldResolver(() => String, { description: 'Title, up to 200 characters; empty when hidden, except for the circle’s moderators.' })
  title(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    return moderation.threadText(ctx, thread, thread.title);
  }

  @FieldResolver(() => String, { description: 'The opening text; empty when hidden, except for the circle’s moderators.' })
  body(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    return moderation.threadText(ctx, thread, thread.body);
  }

  @FieldResolver(() => Boolean, { description: "Hidden by a moderator: title and body are empty for everyone but the circle's moderators." })
  isHidden(@Root() thread: ThreadRow): boolean {
    return thread.hiddenAt !== null;
  }

  @FieldResolver(() => Circle, { description: 'The circle it belongs to.' })
  circle(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    return ctx.loaders.circle.load(thread.circleId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who started it; null once their account is gone.' })
  author(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    return thread.authorId ? ctx.loaders.user.load(thread.authorId) : null;
  }

  @FieldResolver(() => [SdgGoal], { description: 'SDG goals it is about.' })
  async sdgGoals(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.threadGoals.load(thread.id)).map(sdgGoal);
  }

  @FieldResolver(() => PostConnection, { description: 'All posts in the order written, replies included (see `Post.replyTo`).' })
  posts(@Root() thread: ThreadRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return discussions.threadPostsPage(ctx, thread, args, nodesSelect(info, 'author'), planNodes(ctx, info, 'Post'));
  }

  @FieldResolver(() => [ReactionGroup], { description: 'Reactions to the thread itself, one group per kind present; none shown while it is hidden.' })
  async reactionGroups(@Root() thread: ThreadRow, @Ctx() ctx: Context) {
    if (thread.hiddenAt && !(await moderation.seesHiddenIn(ctx, thread.circleId))) return [];
    return ctx.loaders.threadReactions.load(thread.id);
  }

  @Mutation(() => CreateThreadPayload, { description: 'Starts a thread. Members of an ACTIVE circle; idempotent with `clientMutationId`.' })
  async createThread(@Arg('input', () => CreateThreadInput, { description: 'The thread.' }) input: CreateThreadInput, @Ctx() ctx: Context) {
    return { thread: await discussions.createThread(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => UpdateThreadPayload, { description: 'Edits, pins or locks a thread.' })
  async updateThread(@Arg('input', () => UpdateThreadInput, { description: 'The changes.' }) input: UpdateThreadInput, @Ctx() ctx: Context) {
    return { thread: await discussions.updateThread(ctx, input) };
  }

  @Mutation(() => CreatePostPayload, { description: 'Posts in or replies to a thread. Members; not in locked threads; idempotent with `clientMutationId`.' })
  async createPost(@Arg('input', () => CreatePostInput, { description: 'The post.' }) input: CreatePostInput, @Ctx() ctx: Context) {
    return { post: await discussions.createPost(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => UpdatePostPayload, { description: 'Edits the viewer\u2019s own post.' })
  async updatePost(@Arg('input', () => UpdatePostInput, { description: 'The post and new text.' }) input: UpdatePostInput, @Ctx() ctx: Context) {
    return { post: await discussions.updatePost(ctx, input) };
  }

  @Mutation(() => DeletePostPayload, { description: 'Deletes a post: one\u2019s own, or any as a facilitator or coordinator.' })
  async deletePost(@Arg('input', () => DeletePostInput, { description: 'The post.' }) input: DeletePostInput, @Ctx() ctx: Context) {
    return { post: await discussions.deletePost(ctx, input) };
  }

  @Mutation(() => ReactionPayload, { description: 'Reacts to a thread or post. Members of an ACTIVE circle.' })
  async addReaction(@Arg('input', () => AddReactionInput, { description: 'Subject and reaction.' }) input: AddReactionInput, @Ctx() ctx: Context) {
    return { reactionGroups: await discussions.addReaction(ctx, input) };
  }

  @Mutation(() => ReactionPayload, { description: 'Takes back a reaction.' })
  async removeReaction(@Arg('input', () => RemoveReactionInput, { description: 'Subject and reaction.' }) input: RemoveReactionInput, @Ctx() ctx: Context) {
    return { reactionGroups: await discussions.removeReaction(ctx, input) };
  }
}

@Resolver(() => Post)
export class PostResolver {
  @FieldResolver(() => Thread, { description: 'The thread it is in.' })
  thread(@Root() post: PostRow, @Ctx() ctx: Context) {
    return ctx.loaders.thread.load(post.threadId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null once the author\u2019s account is gone.' })
  author(@Root() post: PostRow, @Ctx() ctx: Context) {
    return post.authorId ? ctx.loaders.user.load(post.authorId) : null;
  }

  @FieldResolver(() => String, { description: 'The text; empty once deleted, and when hidden except for the circle’s moderators.' })
  body(@Root() post: PostRow, @Ctx() ctx: Context) {
    return moderation.postBody(ctx, post);
  }

  @FieldResolver(() => Boolean, { description: "Hidden by a moderator: the body is empty for everyone but the circle's moderators." })
  isHidden(@Root() post: PostRow): boolean {
    return post.hiddenAt !== null;
  }

  @FieldResolver(() => Post, { nullable: true, description: 'The post this one replies to; one level of nesting, as in GitHub Discussions.' })
  replyTo(@Root() post: PostRow, @Ctx() ctx: Context) {
    return post.replyToId ? ctx.loaders.post.load(post.replyToId) : null;
  }

  @FieldResolver(() => PostConnection, { description: 'Replies to this post, oldest first.' })
  replies(@Root() post: PostRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return discussions.postRepliesPage(ctx, post, args, nodesSelect(info, 'author'), planNodes(ctx, info, 'Post'));
  }

  @FieldResolver(() => Boolean, { description: 'The post was deleted; its place in the thread stays.' })
  isDeleted(@Root() post: PostRow): boolean {
    return post.deletedAt !== null;
  }

  @FieldResolver(() => [ReactionGroup], { description: 'Reactions, one group per kind present; none shown while it is hidden.' })
  async reactionGroups(@Root() post: PostRow, @Ctx() ctx: Context) {
    if (post.hiddenAt && !post.deletedAt) {
      const thread = await ctx.loaders.thread.load(post.threadId);
      if (!thread || !(await moderation.seesHiddenIn(ctx, thread.circleId))) return [];
    }
    return ctx.loaders.postReactions.load(post.id);
  }
}
