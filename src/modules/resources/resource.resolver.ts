import type { GraphQLResolveInfo } from 'graphql';
import { planNodes } from '../../shared/prefetch.js';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import type { Context } from '../../context.js';
import type { ResourceRow } from '../../db/schema.js';
import { PageArgs, SdgGoal } from '../../shared/graphql.js';
import { sdgGoal } from '../../shared/sdg-goals.js';
import { Organisation } from '../organisations/organisation.type.js';
import { User } from '../users/user.type.js';
import { CircleConnection } from '../circles/circle.type.js';
import { Resource, ResourceConnection, ResourcesArgs, ShareResourceInput, ShareResourcePayload } from './resource.type.js';
import * as resources from './resource.service.js';
import * as moderation from '../moderation/moderation.service.js';

@Resolver(() => Resource)
export class ResourceResolver {
  @Query(() => ResourceConnection, {
    description: 'The resource centre: resources shared with circles the viewer can see, newest first. Needs sign-in.',
  })
  resources(@Args(() => ResourcesArgs) args: ResourcesArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return resources.listResources(ctx, args, planNodes(ctx, info, 'Resource'));
  }

  @FieldResolver(() => String, { description: 'Title; empty when hidden, except for moderators of a circle it was shared with.' })
  title(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return moderation.resourceText(ctx, resource, resource.title, '');
  }

  @FieldResolver(() => String, { nullable: true, description: 'What it is and why it helps; null when hidden, except for moderators.' })
  description(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return moderation.resourceText(ctx, resource, resource.description, null);
  }

  @FieldResolver(() => String, { description: 'Where to get it (http or https); empty when hidden, except for moderators.' })
  url(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return moderation.resourceText(ctx, resource, resource.url, '');
  }

  @FieldResolver(() => Boolean, { description: 'Hidden by a moderator: title, description and URL are withheld from everyone but moderators.' })
  isHidden(@Root() resource: ResourceRow): boolean {
    return resource.hiddenAt !== null;
  }

  @FieldResolver(() => [SdgGoal], { description: 'SDG goals it is about.' })
  async sdgGoals(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return (await ctx.loaders.resourceGoals.load(resource.id)).map(sdgGoal);
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The organisation it comes from.' })
  organisation(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return resource.organisationId ? ctx.loaders.organisation.load(resource.organisationId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who shared it; null once their account is gone.' })
  sharedBy(@Root() resource: ResourceRow, @Ctx() ctx: Context) {
    return resource.sharedById ? ctx.loaders.user.load(resource.sharedById) : null;
  }

  @FieldResolver(() => CircleConnection, { description: 'Circles it was shared with that the viewer can see.' })
  circles(@Root() resource: ResourceRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return resources.resourceCirclesPage(ctx, resource, args);
  }

  @Mutation(() => ShareResourcePayload, {
    description: 'Shares a resource with circles the viewer is a member of; idempotent with `clientMutationId`.',
  })
  async shareResource(@Arg('input', () => ShareResourceInput, { description: 'The resource.' }) input: ShareResourceInput, @Ctx() ctx: Context) {
    return { resource: await resources.shareResource(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }
}
