import { DateTimeResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, Int, InterfaceType, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import type { Connection } from './connection.js';

/** ISO 8601 timestamps with time zone, e.g. 2021-09-16T02:00:00.000Z. */
export const DateTime = DateTimeResolver;

@InterfaceType('Node', {
  description: 'An object with a globally unique, opaque ID that `node(id:)` can fetch again.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  // Rows carry database ids; schema.ts gives every node type's `id` a resolver making them global.
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;
}

@ObjectType('PageInfo', { simpleResolvers: true, description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow this page.' })
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Items come before this page (a cursor was given).' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; 20 when omitted.' })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
  after?: string | null;
}

/**
 * `<Name>Connection` and `<Name>Edge` types for a node type. `withTotal: false` leaves out
 * `totalCount`, for append-only logs where counting is both costly and meaningless.
 */
export function connectionTypes<T>(name: string, node: () => Function, describe: string, withTotal = true) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${describe} in a page, with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item, for `after`.' })
    cursor!: string;
    @Field(node, { description: `The ${describe}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${describe} items.` })
  class ConnectionWithoutTotal {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];
    @Field(() => [node()], { description: 'The items of this page, without cursors.' })
    nodes!: T[];
    @Field(() => PageInfo, { description: 'Cursors and whether more items follow.' })
    pageInfo!: PageInfo;
  }
  if (!withTotal) return ConnectionWithoutTotal as unknown as ClassType<Connection<T>>;

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${describe} items.` })
  class ConnectionWithTotal {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];
    @Field(() => [node()], { description: 'The items of this page, without cursors.' })
    nodes!: T[];
    @Field(() => PageInfo, { description: 'Cursors and whether more items follow.' })
    pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Number of items in the whole list, across all pages.' })
    totalCount!: number;
  }
  return ConnectionWithTotal as unknown as ClassType<Connection<T>>;
}

@ObjectType('SdgGoal', {
  simpleResolvers: true,
  description: "The 17 UN Sustainable Development Goals plus goal 18 of Indonesia's village SDGs (SDGs Desa).",
})
export class SdgGoal {
  @Field(() => Int, { description: 'Goal number, 1 to 18.' })
  number!: number;
  @Field(() => String, { description: 'Short English title.' })
  title!: string;
  @Field(() => String, { description: 'Indonesian title as used by SDGs Desa.' })
  titleId!: string;
}

export enum RegionLevel {
  PROVINCE = 'PROVINCE',
  DISTRICT = 'DISTRICT',
  SUBDISTRICT = 'SUBDISTRICT',
  VILLAGE = 'VILLAGE',
}
registerEnumType(RegionLevel, {
  name: 'RegionLevel',
  description: "Level of Indonesia's administrative hierarchy.",
  valuesConfig: {
    PROVINCE: { description: 'Provinsi.' },
    DISTRICT: { description: 'Kabupaten or kota.' },
    SUBDISTRICT: { description: 'Kecamatan.' },
    VILLAGE: { description: 'Desa or kelurahan.' },
  },
});

export enum OrganisationKind {
  CIVIL_SOCIETY = 'CIVIL_SOCIETY',
  DISTRICT_GOVERNMENT = 'DISTRICT_GOVERNMENT',
  VILLAGE_GOVERNMENT = 'VILLAGE_GOVERNMENT',
  PROGRAM_OPERATOR = 'PROGRAM_OPERATOR',
  DONOR = 'DONOR',
  COMMUNITY_GROUP = 'COMMUNITY_GROUP',
  OTHER = 'OTHER',
}
registerEnumType(OrganisationKind, {
  name: 'OrganisationKind',
  description: 'What kind of body an organisation is.',
  valuesConfig: {
    CIVIL_SOCIETY: { description: 'A civil-society organisation (CSO, NGO).' },
    DISTRICT_GOVERNMENT: { description: 'A district (kabupaten) government or one of its agencies.' },
    VILLAGE_GOVERNMENT: { description: 'A village (desa) government.' },
    PROGRAM_OPERATOR: { description: 'An organisation running the program.' },
    DONOR: { description: 'A funder of the program.' },
    COMMUNITY_GROUP: { description: 'A community group, e.g. a women\u2019s or farmers\u2019 group.' },
    OTHER: { description: 'Anything else.' },
  },
});

export enum OrganisationRole {
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(OrganisationRole, {
  name: 'OrganisationRole',
  description: 'Role of a person in an organisation.',
  valuesConfig: {
    ADMIN: { description: 'Manages the organisation\u2019s members and its part in circles.' },
    MEMBER: { description: 'Belongs to the organisation.' },
  },
});

export enum CircleVisibility {
  PUBLIC = 'PUBLIC',
  MEMBERS_ONLY = 'MEMBERS_ONLY',
}
registerEnumType(CircleVisibility, {
  name: 'CircleVisibility',
  description: 'Who may see a circle.',
  valuesConfig: {
    PUBLIC: { description: 'Anyone signed in may read and join.' },
    MEMBERS_ONLY: { description: 'Only members may read; coordinators add members.' },
  },
});

export enum CircleStatus {
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(CircleStatus, {
  name: 'CircleStatus',
  description: 'Whether a circle is still running.',
  valuesConfig: {
    ACTIVE: { description: 'Open for posts and members.' },
    ARCHIVED: { description: 'Read-only.' },
  },
});

export enum CircleRole {
  COORDINATOR = 'COORDINATOR',
  FACILITATOR = 'FACILITATOR',
  PARTICIPANT = 'PARTICIPANT',
}
registerEnumType(CircleRole, {
  name: 'CircleRole',
  description: 'Role of a member in a circle.',
  valuesConfig: {
    COORDINATOR: { description: 'Runs the circle: manages members, roles and organisations.' },
    FACILITATOR: { description: 'Guides discussion: pins and locks threads, removes others\u2019 posts.' },
    PARTICIPANT: { description: 'Takes part: posts threads, replies and resources.' },
  },
});

export enum ThreadOrder {
  LAST_ACTIVITY = 'LAST_ACTIVITY',
  NEWEST = 'NEWEST',
  OLDEST = 'OLDEST',
}
registerEnumType(ThreadOrder, {
  name: 'ThreadOrder',
  description: 'Order of a circle\u2019s threads.',
  valuesConfig: {
    LAST_ACTIVITY: { description: 'Most recent activity first (default).' },
    NEWEST: { description: 'Newest thread first.' },
    OLDEST: { description: 'Oldest thread first.' },
  },
});

export enum ReactionContent {
  THUMBS_UP = 'THUMBS_UP',
  HEART = 'HEART',
  CELEBRATE = 'CELEBRATE',
  THINKING = 'THINKING',
  EYES = 'EYES',
}
registerEnumType(ReactionContent, {
  name: 'ReactionContent',
  description: 'An emoji reaction.',
  valuesConfig: {
    THUMBS_UP: { description: '\u{1F44D}' },
    HEART: { description: '\u2764\uFE0F' },
    CELEBRATE: { description: '\u{1F389}' },
    THINKING: { description: '\u{1F914}' },
    EYES: { description: '\u{1F440}' },
  },
});

export enum ResourceKind {
  DOCUMENT = 'DOCUMENT',
  LINK = 'LINK',
  TEMPLATE = 'TEMPLATE',
  DATASET = 'DATASET',
  VIDEO = 'VIDEO',
  TRAINING_MATERIAL = 'TRAINING_MATERIAL',
  REGULATION = 'REGULATION',
}
registerEnumType(ResourceKind, {
  name: 'ResourceKind',
  description: 'What a resource is.',
  valuesConfig: {
    DOCUMENT: { description: 'A guide, report or other document.' },
    LINK: { description: 'A web page.' },
    TEMPLATE: { description: 'A template to fill in, e.g. for a village budget (APBDes).' },
    DATASET: { description: 'Data, e.g. SDGs Desa village data.' },
    VIDEO: { description: 'A recording or video.' },
    TRAINING_MATERIAL: { description: 'Material of a training, e.g. a training of trainers.' },
    REGULATION: { description: 'A law or regulation.' },
  },
});

export enum ActivityKind {
  THREAD_CREATED = 'THREAD_CREATED',
  THREAD_UPDATED = 'THREAD_UPDATED',
  POST_CREATED = 'POST_CREATED',
  POST_UPDATED = 'POST_UPDATED',
  POST_DELETED = 'POST_DELETED',
  REACTION_ADDED = 'REACTION_ADDED',
  REACTION_REMOVED = 'REACTION_REMOVED',
  RESOURCE_SHARED = 'RESOURCE_SHARED',
  MEMBER_JOINED = 'MEMBER_JOINED',
  MEMBER_LEFT = 'MEMBER_LEFT',
  MEMBER_ROLE_CHANGED = 'MEMBER_ROLE_CHANGED',
  CIRCLE_UPDATED = 'CIRCLE_UPDATED',
  CONTENT_REPORTED = 'CONTENT_REPORTED',
  CONTENT_HIDDEN = 'CONTENT_HIDDEN',
  CONTENT_RESTORED = 'CONTENT_RESTORED',
  CONTENT_REPORT_DISMISSED = 'CONTENT_REPORT_DISMISSED',
}
registerEnumType(ActivityKind, {
  name: 'ActivityKind',
  description: 'What happened in a circle.',
  valuesConfig: {
    THREAD_CREATED: { description: 'A thread was started; `thread` is set.' },
    THREAD_UPDATED: { description: 'A thread was edited, pinned, unpinned, locked or unlocked; `thread` is set.' },
    POST_CREATED: { description: 'A post or reply was written; `thread` and `post` are set.' },
    POST_UPDATED: { description: 'A post was edited; `thread` and `post` are set.' },
    POST_DELETED: { description: 'A post was deleted; `thread` and `post` are set.' },
    REACTION_ADDED: { description: 'A reaction was added to a thread or post; `thread` and maybe `post` are set.' },
    REACTION_REMOVED: { description: 'A reaction was taken back; `thread` and maybe `post` are set.' },
    RESOURCE_SHARED: { description: 'A resource was shared with the circle; `resource` is set.' },
    MEMBER_JOINED: { description: 'Someone joined or was added; `membership` is set.' },
    MEMBER_LEFT: { description: 'Someone left or was removed; `membership` shows the membership as it was.' },
    MEMBER_ROLE_CHANGED: { description: 'A member\u2019s role changed; `membership` shows the new role.' },
    CIRCLE_UPDATED: { description: 'The circle itself changed, e.g. an organisation joined it.' },
    CONTENT_REPORTED: {
      description: "A member reported a thread, post or resource; `report` is set. Delivered only to the circle's facilitators and coordinators.",
    },
    CONTENT_HIDDEN: {
      description: 'A thread, post or resource was hidden, by a moderator (`actor`) or by three members’ reports (no actor).',
    },
    CONTENT_RESTORED: { description: 'Hidden content was shown again by a moderator.' },
    CONTENT_REPORT_DISMISSED: { description: 'A moderator dismissed the reports on content that was not hidden.' },
  },
});
