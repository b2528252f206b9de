import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { connectionTypes, DateTime, Node, PageArgs } from '../../shared/graphql.js';
import { ClientMutationId, Description, SdgGoals, Title } from '../../shared/validation.js';
import { CalendarDate } from '../../shared/date.js';
import type { FollowUpRow } from '../../db/schema.js';

export enum FollowUpStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
  DROPPED = 'DROPPED',
}
registerEnumType(FollowUpStatus, {
  name: 'FollowUpStatus',
  description: 'Where a follow-up stands.',
  valuesConfig: {
    OPEN: { description: 'Agreed, not started.' },
    IN_PROGRESS: { description: 'Being worked on.' },
    DONE: { description: 'Done; `completedAt` says when.' },
    DROPPED: { description: 'Given up.' },
  },
});

@ObjectType('FollowUp', {
  simpleResolvers: true,
  implements: Node,
  description: "An agreed next step (rencana tindak lanjut), e.g. 'propose the stunting budget line at the village forum'.",
})
export class FollowUp extends Node {
  @Field(() => String, { description: 'What is to be done.' })
  title!: string;
  @Field(() => String, { nullable: true, description: 'Details.' })
  description!: string | null;
  @Field(() => FollowUpStatus, { description: 'Where it stands.' })
  status!: FollowUpStatus;
  @Field(() => CalendarDate, { nullable: true, description: 'When it is due.' })
  dueOn!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'When it was marked DONE; null otherwise.' })
  completedAt!: Date | null;
  @Field(() => DateTime, { description: 'When it was agreed.' })
  createdAt!: Date;
  @Field(() => DateTime, { description: 'When it last changed.' })
  updatedAt!: Date;
}

export const FollowUpConnection = connectionTypes<FollowUpRow>('FollowUp', () => FollowUp, 'follow-up');

@ArgsType()
export class FollowUpsArgs extends PageArgs {
  @Field(() => FollowUpStatus, { nullable: true, description: 'Only follow-ups with this status.' })
  status?: FollowUpStatus | null;
}

@InputType('CreateFollowUpInput', {
  description: 'A next step agreed in a circle. Participants may create one only with themselves as owner.',
})
export class CreateFollowUpInput {
  @Field(() => ID, { description: 'The circle.' })
  circleId!: string;
  @Field(() => ID, { nullable: true, description: 'The gathering that agreed it, in the same circle.' })
  gatheringId?: string | null;
  @Field(() => String, { description: 'What is to be done, up to 200 characters.' })
  @Title()
  title!: string;
  @Field(() => String, { nullable: true, description: 'Details, up to 2,000 characters.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => ID, { nullable: true, description: 'Who takes it on, a member of the circle; the viewer when omitted.' })
  ownerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The organisation taking it on, one taking part in the circle.' })
  organisationId?: string | null;
  @Field(() => CalendarDate, { nullable: true, description: 'When it is due.' })
  dueOn?: string | null;
  @Field(() => [Int], { nullable: true, description: 'SDG goals (1-18) it serves.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => String, { nullable: true, description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.' })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('CreateFollowUpPayload', { simpleResolvers: true, description: 'Result of createFollowUp.' })
export class CreateFollowUpPayload {
  @Field(() => FollowUp, { description: 'The follow-up (the first one made with this clientMutationId, on a retry).' })
  followUp!: FollowUpRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('UpdateFollowUpInput', {
  description: 'Changes to a follow-up; omitted fields stay. Its owner may change its status; facilitators and coordinators anything.',
})
export class UpdateFollowUpInput {
  @Field(() => ID, { description: 'The follow-up.' })
  followUpId!: string;
  @Field(() => String, { nullable: true, description: 'New title.' })
  @IsOptional()
  @Title()
  title?: string | null;
  @Field(() => String, { nullable: true, description: 'New details; an empty string clears them.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => FollowUpStatus, { nullable: true, description: 'New status; DONE sets completedAt, any other clears it.' })
  status?: FollowUpStatus | null;
  @Field(() => ID, { nullable: true, description: 'New owner, a member of the circle.' })
  ownerId?: string | null;
  @Field(() => CalendarDate, { nullable: true, description: 'New due date.' })
  dueOn?: string | null;
}

@ObjectType('UpdateFollowUpPayload', { simpleResolvers: true, description: 'Result of updateFollowUp.' })
export class UpdateFollowUpPayload {
  @Field(() => FollowUp, { description: 'The follow-up as changed.' })
  followUp!: FollowUpRow;
}
