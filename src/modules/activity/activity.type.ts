import { Field, ObjectType } from 'type-graphql';
import { ActivityKind, connectionTypes, DateTime, Node } from '../../shared/graphql.js';
import type { ActivityRow } from '../../db/schema.js';

@ObjectType('Activity', {
  simpleResolvers: true,
  implements: Node,
  description: "One entry of a circle's durable activity log. `cursor` orders entries and resumes a feed.",
})
export class Activity extends Node {
  @Field(() => ActivityKind, { description: 'What happened.' })
  kind!: ActivityKind;
  @Field(() => DateTime, { description: 'When it happened.' })
  occurredAt!: Date;
}

export const ActivityConnection = connectionTypes<ActivityRow>('Activity', () => Activity, 'activity', false);
