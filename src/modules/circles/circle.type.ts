import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional } from 'class-validator';
import { CircleRole, CircleStatus, CircleVisibility, connectionTypes, DateTime, Node, PageArgs } from '../../shared/graphql.js';
import { Description, Name, SdgGoals, Search } from '../../shared/validation.js';
import type { CircleMemberRow, CircleRow } from '../../db/schema.js';

@ObjectType('Circle', {
  simpleResolvers: true,
  implements: Node,
  description: 'A joint learning circle: people from several organisations learning together.',
})
export class Circle extends Node {
  @Field(() => String, { description: 'URL-friendly unique name.' })
  slug!: string;
  @Field(() => String, { description: 'Name of the circle.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'What the circle is about.' })
  description!: string | null;
  @Field(() => CircleVisibility, { description: 'Who may see it.' })
  visibility!: CircleVisibility;
  @Field(() => CircleStatus, { description: 'Whether it is running or archived (read-only).' })
  status!: CircleStatus;
  @Field(() => DateTime, { description: 'When it was created.' })
  createdAt!: Date;
}

@ObjectType('CircleMembership', { simpleResolvers: true, description: 'A person taking part in a circle.' })
export class CircleMembership {
  @Field(() => CircleRole, { description: 'Their role in the circle.' })
  role!: CircleRole;
  @Field(() => DateTime, { description: 'When they joined.' })
  joinedAt!: Date;
}

export const CircleConnection = connectionTypes<CircleRow>('Circle', () => Circle, 'circle');
export const CircleMembershipConnection = connectionTypes<CircleMemberRow>(
  'CircleMembership',
  () => CircleMembership,
  'circle membership',
);

@ArgsType()
export class CirclesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only circles in this region or below it.' })
  regionId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only circles tagged with this SDG goal (1-18).' })
  sdgGoal?: number | null;
  @Field(() => ID, { nullable: true, description: 'Only circles this organisation takes part in.' })
  organisationId?: string | null;
  @Field(() => String, { nullable: true, description: 'Words to find in the name or description.' })
  @IsOptional()
  @Search()
  search?: string | null;
}

@ArgsType()
export class CircleMembersArgs extends PageArgs {
  @Field(() => CircleRole, { nullable: true, description: 'Only members with this role.' })
  role?: CircleRole | null;
}

@InputType('CreateCircleInput', { description: 'A new circle; its creator becomes its first COORDINATOR.' })
export class CreateCircleInput {
  @Field(() => String, { description: 'Name, up to 120 characters.' })
  @Name()
  name!: string;
  @Field(() => String, { nullable: true, description: 'What it is about, up to 2,000 characters.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => CircleVisibility, { description: 'Who may see it.' })
  visibility!: CircleVisibility;
  @Field(() => ID, { nullable: true, description: 'Where it works (a Region ID).' })
  regionId?: string | null;
  @Field(() => [Int], { nullable: true, description: 'SDG goals (1-18) it works on.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => [ID], { description: 'Organisations taking part; the creator must belong to each.' })
  @ArrayMinSize(1, { message: '$property must name at least one organisation' })
  @ArrayMaxSize(50)
  organisationIds!: string[];
}

@ObjectType('CreateCirclePayload', { simpleResolvers: true, description: 'Result of createCircle.' })
export class CreateCirclePayload {
  @Field(() => Circle, { description: 'The new circle.' })
  circle!: CircleRow;
}

@InputType('AddCircleOrganisationInput', { description: 'Brings another organisation into a circle.' })
export class AddCircleOrganisationInput {
  @Field(() => ID, { description: 'The circle; the viewer must coordinate it.' })
  circleId!: string;
  @Field(() => ID, { description: 'The organisation; the viewer must be its ADMIN.' })
  organisationId!: string;
}

@ObjectType('AddCircleOrganisationPayload', { simpleResolvers: true, description: 'Result of addCircleOrganisation.' })
export class AddCircleOrganisationPayload {
  @Field(() => Circle, { description: 'The circle.' })
  circle!: CircleRow;
}

@InputType('JoinCircleInput', { description: 'Joins a PUBLIC circle as a PARTICIPANT.' })
export class JoinCircleInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => ID, { nullable: true, description: 'The organisation the viewer takes part for; they must belong to it.' })
  organisationId?: string | null;
}

@ObjectType('JoinCirclePayload', { simpleResolvers: true, description: 'Result of joinCircle.' })
export class JoinCirclePayload {
  @Field(() => CircleMembership, { description: 'The new membership.' })
  membership!: CircleMemberRow;
}

@InputType('AddCircleMemberInput', { description: 'A coordinator adds a person to a circle.' })
export class AddCircleMemberInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => ID, { description: 'The person.' })
  userId!: string;
  @Field(() => CircleRole, { description: 'Their role.' })
  role!: CircleRole;
  @Field(() => ID, { nullable: true, description: 'The organisation they take part for; they must belong to it.' })
  organisationId?: string | null;
}

@ObjectType('AddCircleMemberPayload', { simpleResolvers: true, description: 'Result of addCircleMember.' })
export class AddCircleMemberPayload {
  @Field(() => CircleMembership, { description: 'The new membership.' })
  membership!: CircleMemberRow;
}

@InputType('UpdateCircleMemberRoleInput', { description: 'A coordinator changes a member\u2019s role.' })
export class UpdateCircleMemberRoleInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => ID, { description: 'The member.' })
  userId!: string;
  @Field(() => CircleRole, { description: 'Their new role.' })
  role!: CircleRole;
}

@ObjectType('UpdateCircleMemberRolePayload', { simpleResolvers: true, description: 'Result of updateCircleMemberRole.' })
export class UpdateCircleMemberRolePayload {
  @Field(() => CircleMembership, { description: 'The membership with its new role.' })
  membership!: CircleMemberRow;
}

@InputType('RemoveCircleMemberInput', { description: 'A coordinator removes a member from a circle.' })
export class RemoveCircleMemberInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => ID, { description: 'The member.' })
  userId!: string;
}

@ObjectType('RemoveCircleMemberPayload', { simpleResolvers: true, description: 'Result of removeCircleMember.' })
export class RemoveCircleMemberPayload {
  @Field(() => Circle, { description: 'The circle.' })
  circle!: CircleRow;
}

@InputType('LeaveCircleInput', { description: 'The viewer leaves a circle.' })
export class LeaveCircleInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
}

@ObjectType('LeaveCirclePayload', { simpleResolvers: true, description: 'Result of leaveCircle.' })
export class LeaveCirclePayload {
  @Field(() => Circle, {
    description: 'The circle; a MEMBERS_ONLY circle is no longer readable by the viewer afterwards.',
  })
  circle!: CircleRow;
}

@InputType('MarkCircleReadInput', { description: 'Marks a circle\u2019s activity read for the viewer.' })
export class MarkCircleReadInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => String, { nullable: true, description: 'Mark read up to this activity cursor; defaults to the newest.' })
  upTo?: string | null;
}

@ObjectType('MarkCircleReadPayload', { simpleResolvers: true, description: 'Result of markCircleRead.' })
export class MarkCircleReadPayload {
  @Field(() => Circle, { description: 'The circle, with its new `viewerUnreadCount`.' })
  circle!: CircleRow;
}
