import type { GraphQLResolveInfo } from 'graphql';
import { planNodes } from '../../shared/prefetch.js';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import type { Context } from '../../context.js';
import type { OrganisationMemberRow, OrganisationRow } from '../../db/schema.js';
import { OrganisationKind, OrganisationRole, PageArgs } from '../../shared/graphql.js';
import { Region } from '../regions/region.type.js';
import { User } from '../users/user.type.js';
import { CircleConnection } from '../circles/circle.type.js';
import { organisationCirclesPage } from '../circles/circle.service.js';
import {
  AddOrganisationMemberInput,
  AddOrganisationMemberPayload,
  CreateOrganisationInput,
  CreateOrganisationPayload,
  Organisation,
  OrganisationConnection,
  OrganisationMembership,
  OrganisationMembershipConnection,
} from './organisation.type.js';
import {
  addOrganisationMember,
  createOrganisation,
  listOrganisations,
  organisationBySlug,
  organisationMembersPage,
} from './organisation.service.js';

@ArgsType()
class OrganisationsArgs extends PageArgs {
  @Field(() => OrganisationKind, { nullable: true, description: 'Only organisations of this kind.' })
  kind?: OrganisationKind | null;
  @Field(() => ID, { nullable: true, description: 'Only organisations in this region or below it.' })
  regionId?: string | null;
}

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => OrganisationConnection, { description: 'The organisation directory, by name. Public.' })
  organisations(@Args(() => OrganisationsArgs) args: OrganisationsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return listOrganisations(ctx, args, planNodes(ctx, info, 'Organisation'));
  }

  @Query(() => Organisation, { nullable: true, description: 'One organisation by its slug. Public.' })
  organisation(@Arg('slug', () => String, { description: 'The organisation\u2019s slug.' }) slug: string, @Ctx() ctx: Context) {
    return organisationBySlug(ctx, slug);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'Where it works.' })
  region(@Root() org: OrganisationRow, @Ctx() ctx: Context) {
    return org.regionId ? ctx.loaders.region.load(org.regionId) : null;
  }

  @FieldResolver(() => OrganisationMembershipConnection, { description: 'Its people, oldest members first. Needs sign-in.' })
  members(@Root() org: OrganisationRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return organisationMembersPage(ctx, org.id, args, planNodes(ctx, info, 'OrganisationMembership'));
  }

  @FieldResolver(() => CircleConnection, { description: 'Circles it takes part in that the viewer can see. Needs sign-in.' })
  circles(@Root() org: OrganisationRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return organisationCirclesPage(ctx, org.id, args);
  }

  @FieldResolver(() => OrganisationRole, { nullable: true, description: 'The viewer\u2019s role in it; null if none.' })
  viewerRole(@Root() org: OrganisationRow, @Ctx() ctx: Context) {
    return ctx.loaders.viewerOrgRole.load(org.id);
  }

  @Mutation(() => CreateOrganisationPayload, { description: 'Creates an organisation; the viewer becomes its ADMIN.' })
  async createOrganisation(
    @Arg('input', () => CreateOrganisationInput, { description: 'The organisation.' }) input: CreateOrganisationInput,
    @Ctx() ctx: Context,
  ) {
    return { organisation: await createOrganisation(ctx, input) };
  }

  @Mutation(() => AddOrganisationMemberPayload, {
    description: 'Adds a person to an organisation, or changes their role. Organisation ADMINs only.',
  })
  async addOrganisationMember(
    @Arg('input', () => AddOrganisationMemberInput, { description: 'Who and how.' }) input: AddOrganisationMemberInput,
    @Ctx() ctx: Context,
  ) {
    return { membership: await addOrganisationMember(ctx, input) };
  }
}

@Resolver(() => OrganisationMembership)
export class OrganisationMembershipResolver {
  @FieldResolver(() => User, { description: 'The person.' })
  user(@Root() m: OrganisationMemberRow, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(m.userId);
  }

  @FieldResolver(() => Organisation, { description: 'The organisation.' })
  organisation(@Root() m: OrganisationMemberRow, @Ctx() ctx: Context) {
    return ctx.loaders.organisation.load(m.organisationId);
  }
}
