import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, Matches, MaxLength } from 'class-validator';
import { connectionTypes, DateTime, Node, PageArgs, ResourceKind } from '../../shared/graphql.js';
import { ClientMutationId, Description, HttpUrl, SdgGoals, Search, Title } from '../../shared/validation.js';
import type { ResourceRow } from '../../db/schema.js';

@ObjectType('Resource', {
  simpleResolvers: true,
  implements: Node,
  description: 'An item of the resource centre: a guide, a budget template, a regulation, a recording.',
})
export class Resource extends Node {
  @Field(() => ResourceKind, { description: 'What kind of resource it is.' })
  kind!: ResourceKind;
  @Field(() => String, { description: 'BCP 47 language tag, e.g. id, en, sas (Sasak).' })
  language!: string;
  @Field(() => DateTime, { description: 'When it was shared.' })
  createdAt!: Date;
}

export const ResourceConnection = connectionTypes<ResourceRow>('Resource', () => Resource, 'resource');

@ArgsType()
export class ResourcesArgs extends PageArgs {
  @Field(() => Int, { nullable: true, description: 'Only resources tagged with this SDG goal (1-18).' })
  sdgGoal?: number | null;
  @Field(() => ResourceKind, { nullable: true, description: 'Only resources of this kind.' })
  kind?: ResourceKind | null;
  @Field(() => String, { nullable: true, description: 'Words to find in the title or description.' })
  @IsOptional()
  @Search()
  search?: string | null;
}

@InputType('ShareResourceInput', { description: 'Shares a resource with one or more circles.' })
export class ShareResourceInput {
  @Field(() => String, { description: 'Title, up to 200 characters.' })
  @Title()
  title!: string;
  @Field(() => String, { nullable: true, description: 'What it is, up to 2,000 characters.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => ResourceKind, { description: 'What kind of resource it is.' })
  kind!: ResourceKind;
  @Field(() => String, { description: 'An http or https URL.' })
  @HttpUrl()
  url!: string;
  @Field(() => String, { nullable: true, description: 'BCP 47 language tag; id (Indonesian) when omitted.' })
  @IsOptional()
  @Matches(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { message: '$property must be a BCP 47 language tag such as id, en or sas' })
  @MaxLength(35)
  language?: string | null;
  @Field(() => [Int], { nullable: true, description: 'SDG goals (1-18) it is about.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => ID, { nullable: true, description: 'The organisation it comes from; the viewer must belong to it.' })
  organisationId?: string | null;
  @Field(() => [ID], { description: 'Circles to share it with; the viewer must be a member of each. At least one.' })
  @ArrayMinSize(1, { message: '$property must name at least one circle' })
  @ArrayMaxSize(50)
  circleIds!: string[];
  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.',
  })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('ShareResourcePayload', { simpleResolvers: true, description: 'Result of shareResource.' })
export class ShareResourcePayload {
  @Field(() => Resource, { description: 'The resource (the first one made with this clientMutationId, on a retry).' })
  resource!: ResourceRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}
