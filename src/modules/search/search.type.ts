import { ArgsType, createUnionType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { PageArgs, PageInfo } from '../../shared/graphql.js';
import { SearchQuery } from '../../shared/validation.js';
import { Circle } from '../circles/circle.type.js';
import { Gathering } from '../gatherings/gathering.type.js';
import { Post, Thread } from '../discussions/discussion.type.js';
import { Organisation } from '../organisations/organisation.type.js';
import { Resource } from '../resources/resource.type.js';

export enum SearchKind {
  THREAD = 'THREAD',
  POST = 'POST',
  RESOURCE = 'RESOURCE',
  CIRCLE = 'CIRCLE',
  ORGANISATION = 'ORGANISATION',
  GATHERING = 'GATHERING',
}
registerEnumType(SearchKind, {
  name: 'SearchKind',
  description: 'What a search may find.',
  valuesConfig: {
    THREAD: { description: 'Threads, by title (weighs more) and opening text.' },
    POST: { description: 'Posts and replies, by text.' },
    RESOURCE: { description: 'Resources, by title (weighs more) and description.' },
    CIRCLE: { description: 'Circles, by name (weighs more) and description.' },
    ORGANISATION: { description: 'Organisations, by name (weighs more) and description.' },
    GATHERING: { description: 'Gatherings, cancelled ones too, by title (weighs more), description and venue.' },
  },
});

export const SearchSubject = createUnionType({
  name: 'SearchSubject',
  description: 'Something a search found.',
  types: () => [Thread, Post, Resource, Circle, Organisation, Gathering] as const,
  // Subjects are rows tagged with their type by the search service.
  resolveType: (value) => (value as { __typename?: string }).__typename,
});

@ObjectType('SearchHit', { simpleResolvers: true, description: 'One search result.' })
export class SearchHit {
  @Field(() => SearchSubject, { description: 'What was found.' })
  subject!: object;
  @Field(() => String, {
    nullable: true,
    description: 'The best matching fragment, HTML-escaped, with each matched word wrapped in <mark></mark>; null when the match is only in the title.',
  })
  highlight!: string | null;
  @Field(() => Float, { description: 'How well it matches; results come best first.' })
  rank!: number;
}

@ObjectType('SearchHitEdge', { simpleResolvers: true, description: 'One search result in a page, with its cursor.' })
export class SearchHitEdge {
  @Field(() => String, { description: 'Opaque cursor of this result, for `after`.' })
  cursor!: string;
  @Field(() => SearchHit, { description: 'The result.' })
  node!: SearchHit;
}

@ObjectType('SearchHitConnection', { simpleResolvers: true, description: 'A page of search results, best first.' })
export class SearchHitConnection {
  @Field(() => [SearchHitEdge], { description: 'The results of this page with their cursors.' })
  edges!: SearchHitEdge[];
  @Field(() => [SearchHit], { description: 'The results of this page, without cursors.' })
  nodes!: SearchHit[];
  @Field(() => PageInfo, { description: 'Cursors and whether more results follow.' })
  pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Number of results the viewer may see, across all pages.' })
  totalCount!: number;
}

@ArgsType()
export class SearchArgs extends PageArgs {
  @Field(() => String, {
    description: 'Words to find: "quoted phrases", OR between alternatives, -word to exclude; the last word also matches as a prefix.',
  })
  @SearchQuery()
  query!: string;
  @Field(() => [SearchKind], { nullable: true, description: 'Only these kinds; all when omitted.' })
  @IsOptional()
  @ArrayMaxSize(10)
  kinds?: SearchKind[] | null;
  @Field(() => ID, { nullable: true, description: 'Only in this circle: its threads, posts, resources, gatherings, itself and its organisations.' })
  circleId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only what is tagged with this SDG goal (1-18); organisations carry no goals.' })
  sdgGoal?: number | null;
}
