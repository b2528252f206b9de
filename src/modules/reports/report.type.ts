import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../../shared/graphql.js';
import { AttendanceSummary, CountByOrganisationKind } from '../gatherings/gathering.type.js';
import type { ProgramReportRowData } from './report.service.js';

@ObjectType('ProgramReportRow', { simpleResolvers: true, description: 'What the circles of a period did, in one district or in total.' })
export class ProgramReportRow {
  @Field(() => Int, { description: 'Circles with at least one activity in the period (a thread, post, resource, gathering held or follow-up).' })
  activeCircles!: number;
  @Field(() => Int, { description: 'Distinct organisations taking part in the counted circles.' })
  organisations!: number;
  @Field(() => [CountByOrganisationKind], { description: 'Those organisations by kind, every kind listed.' })
  organisationsByKind!: CountByOrganisationKind[];
  @Field(() => Int, { description: 'Distinct circle members at the end of the period.' })
  members!: number;
  @Field(() => Int, { description: 'Distinct members with the FACILITATOR role at the end of the period.' })
  facilitators!: number;
  @Field(() => Int, { description: "Distinct villages of the gatherings held and of the attendees' home villages." })
  villagesReached!: number;
  @Field(() => Int, { description: 'Threads started in the period.' })
  threadsStarted!: number;
  @Field(() => Int, { description: 'Posts written in the period (deleted ones left out).' })
  posts!: number;
  @Field(() => Int, { description: 'Distinct resources shared with the circles in the period.' })
  resourcesShared!: number;
  @Field(() => Int, { description: 'Gatherings with status HELD starting in the period.' })
  gatheringsHeld!: number;
  @Field(() => AttendanceSummary, { description: 'Attendance summed over the gatherings held (a person at two gatherings counts twice).' })
  attendance!: ProgramReportRowData['attendance'];
  @Field(() => Int, { description: 'Distinct people attending (members by account, others by name and village).' })
  uniqueAttendees!: number;
  @Field(() => Int, { description: 'Follow-ups created in the period that are now OPEN or IN_PROGRESS.' })
  followUpsOpen!: number;
  @Field(() => Int, { description: 'Follow-ups created in the period that are now DONE.' })
  followUpsDone!: number;
}

@ObjectType('ProgramReport', { simpleResolvers: true, description: 'What the circles of a period did, per district: the figures a program reports to its donor.' })
export class ProgramReport {
  @Field(() => DateTime, { description: 'Start of the period (included).' })
  from!: Date;
  @Field(() => DateTime, { description: 'End of the period (excluded).' })
  to!: Date;
  @Field(() => [ProgramReportRow], { description: 'One row per district with activity or members in the period, by district name.' })
  rows!: ProgramReportRowData[];
  @Field(() => ProgramReportRow, { description: 'All rows together; people and villages counted once even when in several districts.' })
  total!: ProgramReportRowData;
}

@ArgsType()
export class ProgramReportArgs {
  @Field(() => DateTime, { description: 'Start of the period (included).' })
  from!: Date;
  @Field(() => DateTime, { description: 'End of the period (excluded); at most 3 years after from.' })
  to!: Date;
  @Field(() => ID, { nullable: true, description: 'Only circles in this region or below it.' })
  regionId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only circles working on this SDG goal (1-18).' })
  sdgGoal?: number | null;
}
