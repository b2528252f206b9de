import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { connectionTypes, DateTime, Node, OrganisationKind, PageArgs } from '../../shared/graphql.js';
import { ClientMutationId, Description, Name, NoNul, SdgGoals, Title } from '../../shared/validation.js';
import type { AttendanceRecordRow, GatheringRow } from '../../db/schema.js';

export enum GatheringKind {
  TRAINING_OF_TRAINERS = 'TRAINING_OF_TRAINERS',
  TRAINING = 'TRAINING',
  CIRCLE_MEETING = 'CIRCLE_MEETING',
  VILLAGE_PLANNING_FORUM = 'VILLAGE_PLANNING_FORUM',
  DISTRICT_PLANNING_FORUM = 'DISTRICT_PLANNING_FORUM',
  WORKSHOP = 'WORKSHOP',
  OTHER = 'OTHER',
}
registerEnumType(GatheringKind, {
  name: 'GatheringKind',
  description: 'What kind of gathering it is.',
  valuesConfig: {
    TRAINING_OF_TRAINERS: { description: 'Training of trainers, e.g. for the leaders of civil-society organisations.' },
    TRAINING: { description: 'A training.' },
    CIRCLE_MEETING: { description: 'A meeting of a learning circle.' },
    VILLAGE_PLANNING_FORUM: { description: 'Village development planning deliberation (Musyawarah Perencanaan Pembangunan Desa).' },
    DISTRICT_PLANNING_FORUM: { description: 'District development planning deliberation (Musrenbang kabupaten).' },
    WORKSHOP: { description: 'A workshop.' },
    OTHER: { description: 'Anything else.' },
  },
});

export enum GatheringStatus {
  PLANNED = 'PLANNED',
  HELD = 'HELD',
  CANCELLED = 'CANCELLED',
}
registerEnumType(GatheringStatus, {
  name: 'GatheringStatus',
  description: 'Where a gathering stands.',
  valuesConfig: {
    PLANNED: { description: 'Scheduled, not yet marked as held.' },
    HELD: { description: 'It took place; counted in reports.' },
    CANCELLED: { description: 'Called off.' },
  },
});

export enum RsvpResponse {
  GOING = 'GOING',
  MAYBE = 'MAYBE',
  NOT_GOING = 'NOT_GOING',
}
registerEnumType(RsvpResponse, {
  name: 'RsvpResponse',
  description: 'A member\u2019s answer to a gathering.',
  valuesConfig: {
    GOING: { description: 'Will come.' },
    MAYBE: { description: 'Might come.' },
    NOT_GOING: { description: 'Will not come.' },
  },
});

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  NOT_STATED = 'NOT_STATED',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as recorded on an attendance sheet, for gender-disaggregated reporting.',
  valuesConfig: {
    FEMALE: { description: 'Female (perempuan).' },
    MALE: { description: 'Male (laki-laki).' },
    NOT_STATED: { description: 'The attendee did not say.' },
  },
});

@ObjectType('Gathering', { simpleResolvers: true, implements: Node, description: 'A training, meeting or planning forum hosted by a circle.' })
export class Gathering extends Node {
  @Field(() => GatheringKind, { description: 'What kind of gathering it is.' })
  kind!: GatheringKind;
  @Field(() => String, { description: 'Title.' })
  title!: string;
  @Field(() => String, { nullable: true, description: 'Agenda and purpose.' })
  description!: string | null;
  @Field(() => GatheringStatus, { description: 'Planned, held or cancelled.' })
  status!: GatheringStatus;
  @Field(() => DateTime, { description: 'When it starts (UTC; show it in `timeZone`).' })
  startsAt!: Date;
  @Field(() => DateTime, { description: 'When it ends (UTC).' })
  endsAt!: Date;
  @Field(() => String, {
    description: 'IANA time zone of the venue, e.g. Asia/Makassar (WITA) for Lombok, Asia/Jakarta (WIB) for Java.',
  })
  timeZone!: string;
  @Field(() => String, { nullable: true, description: 'Where it takes place, e.g. Hotel Montana Senggigi.' })
  venue!: string | null;
  @Field(() => DateTime, { description: 'When it was scheduled.' })
  createdAt!: Date;
  @Field(() => DateTime, { description: 'When it last changed.' })
  updatedAt!: Date;
}

@ObjectType('RsvpCounts', { simpleResolvers: true, description: 'How members answered a gathering.' })
export class RsvpCounts {
  @Field(() => Int, { description: 'Members coming.' })
  going!: number;
  @Field(() => Int, { description: 'Members who might come.' })
  maybe!: number;
  @Field(() => Int, { description: 'Members not coming.' })
  notGoing!: number;
}

@ObjectType('AttendanceRecord', {
  simpleResolvers: true,
  implements: Node,
  description: "One person on a gathering's attendance sheet; many attendees (village officials) have no account.",
})
export class AttendanceRecord extends Node {
  @Field(() => String, { description: 'Name as on the sheet.' })
  name!: string;
  @Field(() => Gender, { description: 'Gender as on the sheet.' })
  gender!: Gender;
  @Field(() => String, { nullable: true, description: 'Free-text institution when it is not in the hub, e.g. Pemerintah Desa Bonjeruk.' })
  affiliation!: string | null;
  @Field(() => String, { nullable: true, description: 'Position at home, e.g. Kepala Desa, anggota BPD, kader PKK, fasilitator.' })
  position!: string | null;
  @Field(() => DateTime, { description: 'When this line was last recorded.' })
  recordedAt!: Date;
}

@ObjectType('CountByOrganisationKind', { simpleResolvers: true, description: 'A count for one kind of institution.' })
export class CountByOrganisationKind {
  @Field(() => OrganisationKind, { description: 'The kind.' })
  kind!: OrganisationKind;
  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType('AttendanceSummary', { simpleResolvers: true, description: 'Attendance counted by gender and by kind of institution.' })
export class AttendanceSummary {
  @Field(() => Int, { description: 'Everyone.' })
  total!: number;
  @Field(() => Int, { description: 'Women.' })
  female!: number;
  @Field(() => Int, { description: 'Men.' })
  male!: number;
  @Field(() => Int, { description: 'Gender not stated.' })
  notStated!: number;
  @Field(() => [CountByOrganisationKind], { description: 'By kind of institution, every kind listed (zero included), in enum order.' })
  byOrganisationKind!: CountByOrganisationKind[];
}

export const GatheringConnection = connectionTypes<GatheringRow>('Gathering', () => Gathering, 'gathering');
export const AttendanceRecordConnection = connectionTypes<AttendanceRecordRow>('AttendanceRecord', () => AttendanceRecord, 'attendance record');

@ArgsType()
export class CircleGatheringsArgs extends PageArgs {
  @Field(() => DateTime, { nullable: true, description: 'Only gatherings ending at or after this time.' })
  from?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Only gatherings starting before this time.' })
  to?: Date | null;
  @Field(() => GatheringStatus, { nullable: true, description: 'Only gatherings with this status.' })
  status?: GatheringStatus | null;
}

@ArgsType()
export class GatheringsArgs extends PageArgs {
  @Field(() => DateTime, { nullable: true, description: 'Only gatherings ending at or after this time.' })
  from?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Only gatherings starting before this time.' })
  to?: Date | null;
  @Field(() => ID, { nullable: true, description: "Only gatherings in this region or below it (the circle's region when the gathering names none)." })
  regionId?: string | null;
  @Field(() => GatheringKind, { nullable: true, description: 'Only gatherings of this kind.' })
  kind?: GatheringKind | null;
}

const TimeZoneName = () => MaxLength(64);

@InputType('ScheduleGatheringInput', { description: 'A new gathering of a circle; facilitators and coordinators only.' })
export class ScheduleGatheringInput {
  @Field(() => ID, { description: 'The circle hosting it.' })
  circleId!: string;
  @Field(() => GatheringKind, { description: 'What kind of gathering it is.' })
  kind!: GatheringKind;
  @Field(() => String, { description: 'Title, up to 200 characters.' })
  @Title()
  title!: string;
  @Field(() => String, { nullable: true, description: 'Agenda, up to 2,000 characters.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => DateTime, { description: 'Start; may be in the past (sheets are often entered after the fact).' })
  startsAt!: Date;
  @Field(() => DateTime, { description: 'End; not before the start.' })
  endsAt!: Date;
  @Field(() => String, { nullable: true, description: 'IANA time zone; defaults to the zone of the region (WIB, WITA or WIT).' })
  @IsOptional()
  @TimeZoneName()
  timeZone?: string | null;
  @Field(() => String, { nullable: true, description: 'Venue, up to 120 characters.' })
  @IsOptional()
  @Name()
  venue?: string | null;
  @Field(() => ID, { nullable: true, description: "Where it takes place (a Region ID); the circle's region when omitted." })
  regionId?: string | null;
  @Field(() => [Int], { nullable: true, description: 'SDG goals (1-18) it is about.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => [ID], { nullable: true, description: 'Resources for it (agenda, materials); each must be visible to the viewer.' })
  @IsOptional()
  @ArrayMaxSize(50)
  resourceIds?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Idempotency key chosen by the client: a retry with the same key returns the first result.' })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('ScheduleGatheringPayload', { simpleResolvers: true, description: 'Result of scheduleGathering.' })
export class ScheduleGatheringPayload {
  @Field(() => Gathering, { description: 'The gathering (the first one made with this clientMutationId, on a retry).' })
  gathering!: GatheringRow;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('UpdateGatheringInput', { description: 'Changes to a gathering; omitted fields stay as they are.' })
export class UpdateGatheringInput {
  @Field(() => ID, { description: 'The gathering.' })
  gatheringId!: string;
  @Field(() => String, { nullable: true, description: 'New title.' })
  @IsOptional()
  @Title()
  title?: string | null;
  @Field(() => String, { nullable: true, description: 'New agenda; an empty string clears it.' })
  @IsOptional()
  @Description()
  description?: string | null;
  @Field(() => DateTime, { nullable: true, description: 'New start.' })
  startsAt?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'New end.' })
  endsAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'New IANA time zone.' })
  @IsOptional()
  @TimeZoneName()
  timeZone?: string | null;
  @Field(() => String, { nullable: true, description: 'New venue; an empty string clears it.' })
  @IsOptional()
  @NoNul()
  @MaxLength(120)
  venue?: string | null;
  @Field(() => ID, { nullable: true, description: 'New region.' })
  regionId?: string | null;
  @Field(() => GatheringStatus, { nullable: true, description: 'HELD to mark it held, CANCELLED to cancel it, PLANNED to reopen it.' })
  status?: GatheringStatus | null;
  @Field(() => [Int], { nullable: true, description: 'Replaces its SDG goals.' })
  @IsOptional()
  @SdgGoals()
  sdgGoals?: number[] | null;
  @Field(() => [ID], { nullable: true, description: 'Replaces its resources.' })
  @IsOptional()
  @ArrayMaxSize(50)
  resourceIds?: string[] | null;
}

@ObjectType('UpdateGatheringPayload', { simpleResolvers: true, description: 'Result of updateGathering.' })
export class UpdateGatheringPayload {
  @Field(() => Gathering, { description: 'The gathering as changed.' })
  gathering!: GatheringRow;
}

@InputType('RespondToGatheringInput', { description: "A member's answer to a gathering; answering again replaces the answer." })
export class RespondToGatheringInput {
  @Field(() => ID, { description: 'The gathering.' })
  gatheringId!: string;
  @Field(() => RsvpResponse, { description: 'The answer.' })
  response!: RsvpResponse;
}

@ObjectType('RespondToGatheringPayload', { simpleResolvers: true, description: 'Result of respondToGathering.' })
export class RespondToGatheringPayload {
  @Field(() => Gathering, { description: 'The gathering, with its new counts.' })
  gathering!: GatheringRow;
}

@InputType('AttendeeInput', { description: 'One line of an attendance sheet.' })
export class AttendeeInput {
  @Field(() => ID, { nullable: true, description: 'A member with an account; the name defaults to their display name.' })
  userId?: string | null;
  @Field(() => String, { nullable: true, description: 'Required when userId is absent; up to 120 characters.' })
  @IsOptional()
  @Name()
  name?: string | null;
  @Field(() => Gender, { description: 'As written on the sheet; NOT_STATED when the attendee did not say.' })
  gender!: Gender;
  @Field(() => ID, { nullable: true, description: 'The organisation in the hub the attendee came for.' })
  organisationId?: string | null;
  @Field(() => String, { nullable: true, description: 'Free-text institution when it is not in the hub, up to 120 characters.' })
  @IsOptional()
  @Name()
  affiliation?: string | null;
  @Field(() => OrganisationKind, { nullable: true, description: 'Kind of that institution; ignored when organisationId is given.' })
  affiliationKind?: OrganisationKind | null;
  @Field(() => String, { nullable: true, description: 'Position at home, up to 120 characters.' })
  @IsOptional()
  @Name()
  position?: string | null;
  @Field(() => ID, { nullable: true, description: "The attendee's home village (a Region ID)." })
  villageId?: string | null;
}

export const MAX_ATTENDEES = 500;

@InputType('RecordAttendanceInput', { description: 'Records attendance lines of a gathering in one batch.' })
export class RecordAttendanceInput {
  @Field(() => ID, { description: 'The gathering.' })
  gatheringId!: string;
  @Field(() => [AttendeeInput], { description: '1 to 500 attendees; a member already on the sheet is updated, not added twice.' })
  @ArrayMinSize(1, { message: '$property must list at least one attendee' })
  @ArrayMaxSize(MAX_ATTENDEES, { message: `$property must list at most ${MAX_ATTENDEES} attendees per batch` })
  @ValidateNested({ each: true })
  attendees!: AttendeeInput[];
  @Field(() => String, { nullable: true, description: 'Idempotency key chosen by the client: a retry with the same key changes nothing and returns the sheet lines of the first one.' })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('RecordAttendancePayload', { simpleResolvers: true, description: 'Result of recordAttendance.' })
export class RecordAttendancePayload {
  @Field(() => Gathering, { description: 'The gathering.' })
  gathering!: GatheringRow;
  @Field(() => [AttendanceRecord], { description: 'The sheet lines of this batch, in the order sent.' })
  records!: AttendanceRecordRow[];
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('RemoveAttendanceRecordInput', { description: 'Takes a line off an attendance sheet.' })
export class RemoveAttendanceRecordInput {
  @Field(() => ID, { description: 'The line.' })
  recordId!: string;
}

@ObjectType('RemoveAttendanceRecordPayload', { simpleResolvers: true, description: 'Result of removeAttendanceRecord.' })
export class RemoveAttendanceRecordPayload {
  @Field(() => Gathering, { description: 'The gathering.' })
  gathering!: GatheringRow;
}
