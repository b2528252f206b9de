import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { connectionTypes, DateTime, Node, PageArgs, ReactionContent, ThreadOrder } from '../../shared/graphql.js';
import { Body, ClientMutationId, SdgGoals, Title } from '../../shared/validation.js';
import type { PostRow, ThreadRow } from '../../db/schema.js';
import type { ReactionGroup as ReactionGroupData } from '../../loaders.js';

@ObjectType('Thread', { simpleResolvers: true, implements: Node, description: 'A discussion in a circle: a first post with replies.' })
export class Thread extends Node {
  @Field(() => Boolean, { description: 'Pinned threads are shown first by clients.' })
  isPinned!: boolean;
  @Field(() => Boolean, { description: 'A locked thread takes no new posts.' })
  isLocked!: boolean;
  @Field(() => Int, { description: 'Number of posts (replies included, deleted ones not).' })
  postCount!: number;
  @Field(() => DateTime, { description: 'When the thread or one of its posts last changed.' })
  lastActivityAt!: Date;
  @Field(() => DateTime, { description: 'When it was started.' })
  createdAt!: Date;
  @Field(() => DateTime, { description: 'When its title, body, tags, pin or lock last changed.' })
  updatedAt!: Date;
}

@ObjectType('Post', { simpleResolvers: true, implements: Node, description: 'A post in a thread, possibly a reply to another post.' })
export class Post extends Node {
  @Field(() => DateTime, { nullable: true, description: 'When the body was last edited; null if never.' })
  editedAt!: Date | null;
  @Field(() => DateTime, { description: 'When it was written.' })
  createdAt!: Date;
}

@ObjectType('ReactionGroup', { simpleResolvers: true, description: 'All reactions of one kind on a thread or post.' })
export class ReactionGroup implements ReactionGroupData {
  @Field(() => ReactionContent, { description: 'The reaction.' })
  content!: ReactionContent;
  @Field(() => Int, { description: 'How many people reacted so.' })
  count!: number;
  @Field(() => Boolean, { description: 'The viewer is one of them.' })
  viewerHasReacted!: boolean;
}

export const ThreadConnection = connectionTypes<ThreadRow>('Thread', () => Thread, 'thread');
export const PostConnection = connectionTypes<PostRow>('Post', () => Post, 'post');

@ArgsType()
export class ThreadsArgs extends PageArgs {
  @Field(() => Int, { nullable: true, description: 'Only threads tagged with this SDG goal (1-18).' })
  sdgGoal?: number | null;
  @Field(() => ThreadOrder, { nullable: true, description: 'Order; LAST_ACTIVITY when omitted.' })
  orderBy?: ThreadOrder | null;
}

@InputType('CreateThreadInput', { description: 'A new thread in a circle.' })
export class CreateThreadInput {
  @Field(() => ID, { description: 'The circle; the viewer must be a member.' })
  circleId!: string;
  @Field(() => String, { description: 'Title, up to 200 characters.' })
  @Title()
  title!: string;
  @Field(() => String, { description: 'Opening text, up to 20,000 characters.' })
  @Body()
  body!: string;
  @Field(() => [Int], { nullable: true, description: 'SDG goals (1-18) it is about.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.',
  })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('CreateThreadPayload', { simpleResolvers: true, description: 'Result of createThread.' })
export class CreateThreadPayload {
  @Field(() => Thread, { description: 'The thread (the first one made with this clientMutationId, on a retry).' })
  thread!: ThreadRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('UpdateThreadInput', {
  description: 'Changes a thread. Title, body and tags: its author or a moderator; pin and lock: facilitators and coordinators.',
})
export class UpdateThreadInput {
  @Field(() => ID, { description: 'The thread.' })
  threadId!: string;
  @Field(() => String, { nullable: true, description: 'New title.' })
  @IsOptional()
  @Title()
  title?: string | null;
  @Field(() => String, { nullable: true, description: 'New opening text.' })
  @IsOptional()
  @Body()
  body?: string | null;
  @Field(() => [Int], { nullable: true, description: 'New SDG goals; replaces the old ones.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Pin or unpin.' })
  isPinned?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Lock or unlock.' })
  isLocked?: boolean | null;
}

@ObjectType('UpdateThreadPayload', { simpleResolvers: true, description: 'Result of updateThread.' })
export class UpdateThreadPayload {
  @Field(() => Thread, { description: 'The thread as it now is.' })
  thread!: ThreadRow;
}

@InputType('CreatePostInput', { description: 'A post or reply in a thread.' })
export class CreatePostInput {
  @Field(() => ID, { description: 'The thread; it must not be locked.' })
  threadId!: string;
  @Field(() => String, { description: 'Text, up to 20,000 characters.' })
  @Body()
  body!: string;
  @Field(() => ID, { nullable: true, description: 'A post of the same thread to reply to (a reply to a reply answers its parent).' })
  replyToId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.',
  })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('CreatePostPayload', { simpleResolvers: true, description: 'Result of createPost.' })
export class CreatePostPayload {
  @Field(() => Post, { description: 'The post (the first one made with this clientMutationId, on a retry).' })
  post!: PostRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('UpdatePostInput', { description: 'Edits the viewer\u2019s own post.' })
export class UpdatePostInput {
  @Field(() => ID, { description: 'The post.' })
  postId!: string;
  @Field(() => String, { description: 'New text, up to 20,000 characters.' })
  @Body()
  body!: string;
}

@ObjectType('UpdatePostPayload', { simpleResolvers: true, description: 'Result of updatePost.' })
export class UpdatePostPayload {
  @Field(() => Post, { description: 'The post as it now is.' })
  post!: PostRow;
}

@InputType('DeletePostInput', { description: 'Deletes a post: one\u2019s own, or any as a facilitator or coordinator.' })
export class DeletePostInput {
  @Field(() => ID, { description: 'The post.' })
  postId!: string;
}

@ObjectType('DeletePostPayload', { simpleResolvers: true, description: 'Result of deletePost.' })
export class DeletePostPayload {
  @Field(() => Post, { description: 'The post, now with `isDeleted` true and an empty body.' })
  post!: PostRow;
}

@InputType('AddReactionInput', { description: 'Reacts to a thread or post; reacting twice the same way changes nothing.' })
export class AddReactionInput {
  @Field(() => ID, { description: 'A Thread or Post ID.' })
  subjectId!: string;
  @Field(() => ReactionContent, { description: 'The reaction.' })
  content!: ReactionContent;
}

@InputType('RemoveReactionInput', { description: 'Takes a reaction back; removing one that is not there changes nothing.' })
export class RemoveReactionInput {
  @Field(() => ID, { description: 'A Thread or Post ID.' })
  subjectId!: string;
  @Field(() => ReactionContent, { description: 'The reaction.' })
  content!: ReactionContent;
}

@ObjectType('ReactionPayload', { simpleResolvers: true, description: 'Result of addReaction and removeReaction.' })
export class ReactionPayload {
  @Field(() => [ReactionGroup], { description: 'The subject\u2019s reactions as they now are.' })
  reactionGroups!: ReactionGroupData[];
}
