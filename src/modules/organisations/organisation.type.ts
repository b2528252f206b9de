import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { connectionTypes, DateTime, Node, OrganisationKind, OrganisationRole } from '../../shared/graphql.js';
import { Description, Name } from '../../shared/validation.js';
import type { OrganisationMemberRow, OrganisationRow } from '../../db/schema.js';

@ObjectType('Organisation', {
  simpleResolvers: true,
  implements: Node,
  description: 'A civil-society organisation, a district or village government, an operator or a donor.',
})
export class Organisation extends Node {
  @Field(() => String, { description: 'URL-friendly unique name.' })
  slug!: string;
  @Field(() => String, { description: 'Full name.' })
  name!: string;
  @Field(() => OrganisationKind, { description: 'What kind of body it is.' })
  kind!: OrganisationKind;
  @Field(() => String, { nullable: true, description: 'What the organisation does.' })
  description!: string | null;
  @Field(() => DateTime, { description: 'When it was added to the hub.' })
  createdAt!: Date;
}

@ObjectType('OrganisationMembership', { simpleResolvers: true, description: 'A person belonging to an organisation.' })
export class OrganisationMembership {
  @Field(() => OrganisationRole, { description: 'Their role in the organisation.' })
  role!: OrganisationRole;
  @Field(() => DateTime, { description: 'When they joined it.' })
  joinedAt!: Date;
}

export const OrganisationConnection = connectionTypes<OrganisationRow>('Organisation', () => Organisation, 'organisation');
export const OrganisationMembershipConnection = connectionTypes<OrganisationMemberRow>(
  'OrganisationMembership',
  () => OrganisationMembership,
  'organisation membership',
);

@InputType('CreateOrganisationInput', { description: 'A new organisation; its creator becomes its ADMIN.' })
export class CreateOrganisationInput {
  @Field(() => String, { description: 'Full name, up to 120 characters.' })
  @Name()
  name!: string;
  @Field(() => OrganisationKind, { description: 'What kind of body it is.' })
  kind!: OrganisationKind;
  @Field(() => String, { nullable: true, description: 'What it does, up to 2,000 characters.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => ID, { nullable: true, description: 'Where it works (a Region ID).' })
  regionId?: string | null;
}

@ObjectType('CreateOrganisationPayload', { simpleResolvers: true, description: 'Result of createOrganisation.' })
export class CreateOrganisationPayload {
  @Field(() => Organisation, { description: 'The new organisation.' })
  organisation!: OrganisationRow;
}

@InputType('AddOrganisationMemberInput', { description: 'Adds a person to an organisation, or changes their role.' })
export class AddOrganisationMemberInput {
  @Field(() => ID, { description: 'The organisation; the viewer must be its ADMIN.' })
  organisationId!: string;
  @Field(() => ID, { description: 'The person to add.' })
  userId!: string;
  @Field(() => OrganisationRole, { description: 'Their role.' })
  role!: OrganisationRole;
}

@ObjectType('AddOrganisationMemberPayload', { simpleResolvers: true, description: 'Result of addOrganisationMember.' })
export class AddOrganisationMemberPayload {
  @Field(() => OrganisationMembership, { description: 'The membership as it now is.' })
  membership!: OrganisationMemberRow;
}
