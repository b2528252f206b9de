import { Field, ObjectType } from 'type-graphql';
import { Node, RegionLevel } from '../../shared/graphql.js';

@ObjectType('Region', { simpleResolvers: true, implements: Node, description: 'A province, district, subdistrict or village of Indonesia.' })
export class Region extends Node {
  @Field(() => String, { description: 'Name, e.g. Majalengka.' })
  name!: string;
  @Field(() => RegionLevel, { description: 'Level in the administrative hierarchy.' })
  level!: RegionLevel;
  @Field(() => String, { nullable: true, description: 'Official administrative code where known (BPS / Kemendagri).' })
  code!: string | null;
}
