import { relations, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Millisecond precision keeps timestamps identical after a round trip through a JS Date,
// which keyset cursors built from them rely on.
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();

export const regionLevel = pgEnum('region_level', ['PROVINCE', 'DISTRICT', 'SUBDISTRICT', 'VILLAGE']);
export const organisationKind = pgEnum('organisation_kind', [
  'CIVIL_SOCIETY',
  'DISTRICT_GOVERNMENT',
  'VILLAGE_GOVERNMENT',
  'PROGRAM_OPERATOR',
  'DONOR',
  'COMMUNITY_GROUP',
  'OTHER',
]);
export const organisationRole = pgEnum('organisation_role', ['ADMIN', 'MEMBER']);
export const circleVisibility = pgEnum('circle_visibility', ['PUBLIC', 'MEMBERS_ONLY']);
export const circleStatus = pgEnum('circle_status', ['ACTIVE', 'ARCHIVED']);
export const circleRole = pgEnum('circle_role', ['COORDINATOR', 'FACILITATOR', 'PARTICIPANT']);
export const reactionContent = pgEnum('reaction_content', ['THUMBS_UP', 'HEART', 'CELEBRATE', 'THINKING', 'EYES']);
export const resourceKind = pgEnum('resource_kind', [
  'DOCUMENT',
  'LINK',
  'TEMPLATE',
  'DATASET',
  'VIDEO',
  'TRAINING_MATERIAL',
  'REGULATION',
]);
export const activityKind = pgEnum('activity_kind', [
  'THREAD_CREATED',
  'THREAD_UPDATED',
  'POST_CREATED',
  'POST_UPDATED',
  'POST_DELETED',
  'REACTION_ADDED',
  'REACTION_REMOVED',
  'RESOURCE_SHARED',
  'MEMBER_JOINED',
  'MEMBER_LEFT',
  'MEMBER_ROLE_CHANGED',
  'CIRCLE_UPDATED',
  'GATHERING_SCHEDULED',
  'GATHERING_UPDATED',
  'ATTENDANCE_RECORDED',
  'FOLLOW_UP_CREATED',
  'FOLLOW_UP_UPDATED',
  'CONTENT_REPORTED',
  'CONTENT_HIDDEN',
  'CONTENT_RESTORED',
  'CONTENT_REPORT_DISMISSED',
]);
export const gatheringKind = pgEnum('gathering_kind', [
  'TRAINING_OF_TRAINERS',
  'TRAINING',
  'CIRCLE_MEETING',
  'VILLAGE_PLANNING_FORUM',
  'DISTRICT_PLANNING_FORUM',
  'WORKSHOP',
  'OTHER',
]);
export const gatheringStatus = pgEnum('gathering_status', ['PLANNED', 'HELD', 'CANCELLED']);
export const rsvpResponse = pgEnum('rsvp_response', ['GOING', 'MAYBE', 'NOT_GOING']);
export const gender = pgEnum('gender', ['FEMALE', 'MALE', 'NOT_STATED']);
export const followUpStatus = pgEnum('follow_up_status', ['OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED']);
export const contentReportReason = pgEnum('content_report_reason', [
  'SPAM',
  'HARASSMENT',
  'MISINFORMATION',
  'PERSONAL_DATA',
  'OFF_TOPIC',
  'OTHER',
]);
export const contentReportStatus = pgEnum('content_report_status', ['OPEN', 'HIDDEN', 'DISMISSED']);
export const notificationKind = pgEnum('notification_kind', [
  'MENTION',
  'REPLY',
  'NEW_THREAD',
  'GATHERING_SCHEDULED',
  'FOLLOW_UP_ASSIGNED',
  'REPORT_RESOLVED',
  'MEMBERSHIP_CHANGED',
]);
export const notificationLevel = pgEnum('notification_level', ['ALL', 'MENTIONS_AND_REPLIES', 'NONE']);

const sdgGoalCheck = (name: string, column: { name: string }) =>
  check(name, sql`${sql.identifier(column.name)} between 1 and 18`);

export const regions = pgTable(
  'regions',
  {
    id: id(),
    parentId: uuid('parent_id').references((): any => regions.id, { onDelete: 'cascade' }),
    level: regionLevel('level').notNull(),
    name: text('name').notNull(),
    code: text('code').unique(),
  },
  (t) => [index('regions_parent_id_idx').on(t.parentId, t.name), index('regions_level_idx').on(t.level, t.name)],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    // For @mentions; the format (see shared/handles.ts) is checked where it is written.
    handle: text('handle').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`), uniqueIndex('users_handle_idx').on(t.handle)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** What the user sees in their session list: given at sign-in, else derived from the User-Agent. */
    label: text('label'),
    createdAt: createdAt(),
    /** Moved forward at most once a minute (see auth/sessions.ts), not on every request. */
    lastUsedAt: ts('last_used_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/**
 * rate-limiter-flexible's drizzle store (RateLimiterDrizzle): one row per limited key, shared by
 * every instance on the same database. `expire` null means the key never expires.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: ts('expire'),
});

/**
 * The open WebSockets of signed-in users on every instance, for the per-user limit across
 * instances (realtime/socket-leases.ts). A row counts while its lease runs: the instance holding
 * the socket renews it and deletes it at close; a crashed instance's rows simply run out.
 */
export const liveSockets = pgTable(
  'live_sockets',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    instanceId: uuid('instance_id').notNull(),
    leaseUntil: ts('lease_until').notNull(),
  },
  (t) => [index('live_sockets_user_id_idx').on(t.userId), index('live_sockets_lease_until_idx').on(t.leaseUntil)],
);

export const organisations = pgTable(
  'organisations',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    kind: organisationKind('kind').notNull(),
    description: text('description'),
    regionId: uuid('region_id').references(() => regions.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('organisations_name_idx').on(t.name, t.id),
    index('organisations_kind_idx').on(t.kind, t.name, t.id),
    index('organisations_region_id_idx').on(t.regionId),
  ],
);

export const organisationMembers = pgTable(
  'organisation_members',
  {
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: organisationRole('role').notNull(),
    joinedAt: ts('joined_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.userId] }),
    index('organisation_members_user_id_idx').on(t.userId),
    index('organisation_members_page_idx').on(t.organisationId, t.joinedAt, t.userId),
  ],
);

export const circles = pgTable(
  'circles',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description'),
    visibility: circleVisibility('visibility').notNull(),
    status: circleStatus('status').notNull().default('ACTIVE'),
    regionId: uuid('region_id').references(() => regions.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('circles_name_idx').on(t.name, t.id),
    index('circles_region_id_idx').on(t.regionId),
    index('circles_visibility_idx').on(t.visibility),
  ],
);

export const circleOrganisations = pgTable(
  'circle_organisations',
  {
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.circleId, t.organisationId] }),
    index('circle_organisations_organisation_id_idx').on(t.organisationId, t.circleId),
  ],
);

export const circleMembers = pgTable(
  'circle_members',
  {
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: circleRole('role').notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    notificationLevel: notificationLevel('notification_level').notNull().default('MENTIONS_AND_REPLIES'),
    joinedAt: ts('joined_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.circleId, t.userId] }),
    index('circle_members_user_id_idx').on(t.userId, t.joinedAt, t.circleId),
    index('circle_members_page_idx').on(t.circleId, t.joinedAt, t.userId),
    index('circle_members_organisation_id_idx').on(t.organisationId),
  ],
);

export const circleSdgGoals = pgTable(
  'circle_sdg_goals',
  {
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    goal: smallint('goal').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.circleId, t.goal] }),
    index('circle_sdg_goals_goal_idx').on(t.goal, t.circleId),
    sdgGoalCheck('circle_sdg_goals_goal_check', t.goal),
  ],
);

export const threads = pgTable(
  'threads',
  {
    id: id(),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    isPinned: boolean('is_pinned').notNull().default(false),
    isLocked: boolean('is_locked').notNull().default(false),
    // Kept in the same transaction as every post write so a feed needs no count query.
    postCount: bigint('post_count', { mode: 'number' }).notNull().default(0),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // Set by a moderator (or three reports): the thread keeps its place, its words are withheld.
    hiddenAt: ts('hidden_at'),
  },
  (t) => [
    index('threads_circle_last_activity_idx').on(t.circleId, t.lastActivityAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('threads_circle_created_idx').on(t.circleId, t.createdAt, t.id),
    index('threads_author_id_idx').on(t.authorId),
  ],
);

export const threadSdgGoals = pgTable(
  'thread_sdg_goals',
  {
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    goal: smallint('goal').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.threadId, t.goal] }),
    index('thread_sdg_goals_goal_idx').on(t.goal, t.threadId),
    sdgGoalCheck('thread_sdg_goals_goal_check', t.goal),
  ],
);

export const posts = pgTable(
  'posts',
  {
    id: id(),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    replyToId: uuid('reply_to_id').references((): any => posts.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
    hiddenAt: ts('hidden_at'),
  },
  (t) => [
    index('posts_thread_created_idx').on(t.threadId, t.createdAt, t.id),
    index('posts_reply_to_created_idx').on(t.replyToId, t.createdAt, t.id),
    index('posts_author_id_idx').on(t.authorId),
    // The report counts a period's posts from posts_thread_created_idx alone and subtracts these.
    index('posts_deleted_thread_created_idx').on(t.threadId, t.createdAt).where(sql`${t.deletedAt} is not null`),
  ],
);

export const reactions = pgTable(
  'reactions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // Exactly one of thread_id and post_id is set: a reaction is on a thread or on a post.
    threadId: uuid('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
    postId: uuid('post_id').references(() => posts.id, { onDelete: 'cascade' }),
    content: reactionContent('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('reactions_subject_user_content_key').on(t.threadId, t.postId, t.userId, t.content).nullsNotDistinct(),
    index('reactions_post_id_idx').on(t.postId),
    index('reactions_user_id_idx').on(t.userId),
    check('reactions_one_subject_check', sql`num_nonnulls(${t.threadId}, ${t.postId}) = 1`),
  ],
);

export const resources = pgTable(
  'resources',
  {
    id: id(),
    title: text('title').notNull(),
    description: text('description'),
    kind: resourceKind('kind').notNull(),
    url: text('url').notNull(),
    language: text('language').notNull().default('id'),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    sharedById: uuid('shared_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    hiddenAt: ts('hidden_at'),
  },
  (t) => [
    index('resources_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('resources_organisation_id_idx').on(t.organisationId),
    index('resources_shared_by_id_idx').on(t.sharedById),
  ],
);

export const resourceCircles = pgTable(
  'resource_circles',
  {
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    sharedAt: ts('shared_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.resourceId, t.circleId] }),
    index('resource_circles_circle_idx').on(t.circleId, t.sharedAt, t.resourceId),
  ],
);

export const resourceSdgGoals = pgTable(
  'resource_sdg_goals',
  {
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    goal: smallint('goal').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.resourceId, t.goal] }),
    index('resource_sdg_goals_goal_idx').on(t.goal, t.resourceId),
    sdgGoalCheck('resource_sdg_goals_goal_check', t.goal),
  ],
);

/** A training, meeting or planning forum hosted by a circle. Times in UTC; `time_zone` is the venue's. */
export const gatherings = pgTable(
  'gatherings',
  {
    id: id(),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    kind: gatheringKind('kind').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    status: gatheringStatus('status').notNull().default('PLANNED'),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    timeZone: text('time_zone').notNull(),
    venue: text('venue'),
    regionId: uuid('region_id').references(() => regions.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('gatherings_circle_starts_idx').on(t.circleId, t.startsAt, t.id),
    index('gatherings_starts_idx').on(t.startsAt, t.id),
    index('gatherings_region_id_idx').on(t.regionId),
    index('gatherings_created_by_id_idx').on(t.createdById),
    check('gatherings_ends_after_start_check', sql`${t.endsAt} >= ${t.startsAt}`),
  ],
);

export const gatheringSdgGoals = pgTable(
  'gathering_sdg_goals',
  {
    gatheringId: uuid('gathering_id')
      .notNull()
      .references(() => gatherings.id, { onDelete: 'cascade' }),
    goal: smallint('goal').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.gatheringId, t.goal] }),
    index('gathering_sdg_goals_goal_idx').on(t.goal, t.gatheringId),
    sdgGoalCheck('gathering_sdg_goals_goal_check', t.goal),
  ],
);

export const gatheringResources = pgTable(
  'gathering_resources',
  {
    gatheringId: uuid('gathering_id')
      .notNull()
      .references(() => gatherings.id, { onDelete: 'cascade' }),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.gatheringId, t.resourceId] }),
    index('gathering_resources_page_idx').on(t.gatheringId, t.addedAt, t.resourceId),
    index('gathering_resources_resource_id_idx').on(t.resourceId),
  ],
);

export const gatheringRsvps = pgTable(
  'gathering_rsvps',
  {
    gatheringId: uuid('gathering_id')
      .notNull()
      .references(() => gatherings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    response: rsvpResponse('response').notNull(),
    respondedAt: ts('responded_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.gatheringId, t.userId] }), index('gathering_rsvps_user_id_idx').on(t.userId)],
);

/**
 * One line of a gathering's attendance sheet. A member is one line by account; someone without
 * an account is one line by `name_key` (lower-cased, spaces collapsed) and home village; the
 * unique `line_key` holds that identity so a batch is one upsert.
 */
export const attendanceRecords = pgTable(
  'attendance_records',
  {
    id: id(),
    gatheringId: uuid('gathering_id')
      .notNull()
      .references(() => gatherings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    // `u:<user id>` for a member, `n:<name key>|<village id or empty>` for anyone else: one line each.
    lineKey: text('line_key').notNull(),
    gender: gender('gender').notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    affiliation: text('affiliation'),
    affiliationKind: organisationKind('affiliation_kind'),
    position: text('position'),
    villageId: uuid('village_id').references(() => regions.id, { onDelete: 'set null' }),
    recordedById: uuid('recorded_by_id').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    unique('attendance_records_line_key').on(t.gatheringId, t.lineKey),
    index('attendance_records_page_idx').on(t.gatheringId, t.nameKey, t.id),
    index('attendance_records_user_id_idx').on(t.userId),
    index('attendance_records_organisation_id_idx').on(t.organisationId),
    index('attendance_records_village_id_idx').on(t.villageId),
    index('attendance_records_recorded_by_id_idx').on(t.recordedById),
  ],
);

/** An agreed next step (rencana tindak lanjut) of a circle, maybe agreed at a gathering. */
export const followUps = pgTable(
  'follow_ups',
  {
    id: id(),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    gatheringId: uuid('gathering_id').references(() => gatherings.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    description: text('description'),
    status: followUpStatus('status').notNull().default('OPEN'),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    dueOn: date('due_on', { mode: 'string' }),
    completedAt: ts('completed_at'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('follow_ups_circle_created_idx').on(t.circleId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('follow_ups_gathering_created_idx').on(t.gatheringId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('follow_ups_owner_id_idx').on(t.ownerId),
    index('follow_ups_organisation_id_idx').on(t.organisationId),
    index('follow_ups_created_by_id_idx').on(t.createdById),
  ],
);

export const followUpSdgGoals = pgTable(
  'follow_up_sdg_goals',
  {
    followUpId: uuid('follow_up_id')
      .notNull()
      .references(() => followUps.id, { onDelete: 'cascade' }),
    goal: smallint('goal').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.followUpId, t.goal] }),
    index('follow_up_sdg_goals_goal_idx').on(t.goal, t.followUpId),
    sdgGoalCheck('follow_up_sdg_goals_goal_check', t.goal),
  ],
);

/**
 * A member's report of a thread, post or resource. Exactly one subject column is set; a member
 * reports a subject once (the unique key), whatever became of their earlier report.
 */
export const contentReports = pgTable(
  'content_reports',
  {
    id: id(),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    threadId: uuid('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
    postId: uuid('post_id').references(() => posts.id, { onDelete: 'cascade' }),
    resourceId: uuid('resource_id').references(() => resources.id, { onDelete: 'cascade' }),
    // A reporter's reports go with their account: the unique key counts on a reporter.
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: contentReportReason('reason').notNull(),
    note: text('note'),
    status: contentReportStatus('status').notNull().default('OPEN'),
    resolvedById: uuid('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    resolutionNote: text('resolution_note'),
    createdAt: createdAt(),
    resolvedAt: ts('resolved_at'),
  },
  (t) => [
    unique('content_reports_subject_reporter_key').on(t.threadId, t.postId, t.resourceId, t.reporterId).nullsNotDistinct(),
    check('content_reports_one_subject_check', sql`num_nonnulls(${t.threadId}, ${t.postId}, ${t.resourceId}) = 1`),
    index('content_reports_queue_idx').on(t.circleId, t.createdAt, t.id),
    index('content_reports_post_id_idx').on(t.postId),
    index('content_reports_resource_id_idx').on(t.resourceId),
    index('content_reports_reporter_created_idx').on(t.reporterId, t.createdAt),
    index('content_reports_resolved_by_id_idx').on(t.resolvedById),
  ],
);

/**
 * The durable activity log. `id` is the cursor: appends are serialised by a transaction-level
 * advisory lock taken just before the insert, so ids are handed out in commit order.
 */
export const activity = pgTable(
  'activity',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    kind: activityKind('kind').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    threadId: uuid('thread_id').references(() => threads.id, { onDelete: 'set null' }),
    postId: uuid('post_id').references(() => posts.id, { onDelete: 'set null' }),
    resourceId: uuid('resource_id').references(() => resources.id, { onDelete: 'set null' }),
    // Membership activities keep a snapshot: the membership row is gone after MEMBER_LEFT.
    memberUserId: uuid('member_user_id').references(() => users.id, { onDelete: 'set null' }),
    memberRole: circleRole('member_role'),
    memberOrganisationId: uuid('member_organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    gatheringId: uuid('gathering_id').references(() => gatherings.id, { onDelete: 'set null' }),
    followUpId: uuid('follow_up_id').references(() => followUps.id, { onDelete: 'set null' }),
    // Moderation activities name the report they come from (shown to moderators only).
    reportId: uuid('report_id').references(() => contentReports.id, { onDelete: 'set null' }),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
  },
  (t) => [
    index('activity_report_id_idx').on(t.reportId),
    index('activity_circle_id_idx').on(t.circleId, t.id),
    index('activity_thread_id_idx').on(t.threadId, t.id),
    index('activity_actor_id_idx').on(t.actorId),
    index('activity_post_id_idx').on(t.postId),
    index('activity_resource_id_idx').on(t.resourceId),
    index('activity_member_user_id_idx').on(t.memberUserId),
    index('activity_member_organisation_id_idx').on(t.memberOrganisationId),
    index('activity_gathering_id_idx').on(t.gatheringId),
    index('activity_follow_up_id_idx').on(t.followUpId),
  ],
);

/**
 * One row per recipient of an activity that concerns them, written in the activity's own
 * transaction. An activity gives a person at most one notification, so (recipient, activity) is
 * the key and the activity id, already in commit order, is the cursor of a recipient's feed.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    activityId: bigint('activity_id', { mode: 'bigint' })
      .notNull()
      .references(() => activity.id, { onDelete: 'cascade' }),
    kind: notificationKind('kind').notNull(),
    circleId: uuid('circle_id').references(() => circles.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_recipient_activity_idx').on(t.recipientId, t.activityId),
    index('notifications_unread_idx')
      .on(t.recipientId, t.activityId)
      .where(sql`${t.readAt} is null`),
    index('notifications_activity_id_idx').on(t.activityId),
    index('notifications_circle_id_idx').on(t.circleId),
    index('notifications_actor_id_idx').on(t.actorId),
  ],
);

export const circleReads = pgTable(
  'circle_reads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    circleId: uuid('circle_id')
      .notNull()
      .references(() => circles.id, { onDelete: 'cascade' }),
    lastReadCursor: bigint('last_read_cursor', { mode: 'bigint' }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.circleId] }), index('circle_reads_circle_id_idx').on(t.circleId)],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientMutationId: text('client_mutation_id').notNull(),
    mutation: text('mutation').notNull(),
    resultId: uuid('result_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clientMutationId] })],
);

/**
 * Automatic persisted queries, shared by every instance and kept across restarts: a client that
 * sent a document once sends only its SHA-256 afterwards, from any instance. Apollo checks the
 * hash against the document before storing it, so a row can never map a hash to another query.
 */
export const persistedQueries = pgTable('persisted_queries', {
  hash: text('hash').primaryKey(),
  query: text('query').notNull(),
  createdAt: createdAt(),
});

export const threadsRelations = relations(threads, ({ one, many }) => ({
  circle: one(circles, { fields: [threads.circleId], references: [circles.id] }),
  posts: many(posts),
}));
export const postsRelations = relations(posts, ({ one }) => ({
  thread: one(threads, { fields: [posts.threadId], references: [threads.id] }),
}));
export const circlesRelations = relations(circles, ({ many }) => ({
  threads: many(threads),
  members: many(circleMembers),
}));
export const circleMembersRelations = relations(circleMembers, ({ one }) => ({
  circle: one(circles, { fields: [circleMembers.circleId], references: [circles.id] }),
}));

/** A user as the hub passes it around: the password hash never leaves the sign-in query. */
export type UserRow = Omit<typeof users.$inferSelect, 'passwordHash'>;
export type SessionRow = typeof sessions.$inferSelect;
export const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  handle: users.handle,
  createdAt: users.createdAt,
};
export type OrganisationRow = typeof organisations.$inferSelect;
export type OrganisationMemberRow = typeof organisationMembers.$inferSelect;
export type CircleRow = typeof circles.$inferSelect;
export type CircleMemberRow = typeof circleMembers.$inferSelect;
export type ThreadRow = typeof threads.$inferSelect;
export type PostRow = typeof posts.$inferSelect;
export type ResourceRow = typeof resources.$inferSelect;
export type RegionRow = typeof regions.$inferSelect;
export type ActivityRow = typeof activity.$inferSelect;
export type GatheringRow = typeof gatherings.$inferSelect;
export type AttendanceRecordRow = typeof attendanceRecords.$inferSelect;
export type FollowUpRow = typeof followUps.$inferSelect;
export type ContentReportRow = typeof contentReports.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
