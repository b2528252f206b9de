import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import {
  execute,
  GraphQLError,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Db } from '../db/client.js';
import { activity, notifications, resourceCircles, type ActivityRow, type NotificationRow } from '../db/schema.js';
import { isModerator } from '../auth/permissions.js';
import { circleVisibleTo } from '../auth/guard.js';
import { createContext, type Viewer } from '../context.js';
import { ForbiddenError, isConnectionLost, ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ActivityFeed } from './feed.js';

export type Scope =
  | { kind: 'circle'; circleId: string }
  | { kind: 'thread'; threadId: string; circleId: string }
  | { kind: 'my' }
  /** The viewer's own notifications (myNotifications); their cursor is their activity's. */
  | { kind: 'notifications'; userId: string };

/** What a subscription delivers: activity rows, or notification rows for myNotifications. */
type Event = ActivityRow | NotificationRow;
const cursorOf = (e: Event): bigint => ('activityId' in e ? e.activityId : e.id);

/** What the subscriptions of one group share: one execution per event serves them all. */
export interface SharedOperation {
  scope: Scope;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Record<string, unknown>;
  /** Executions are shared by subscriptions with the same key (document, variables, scope). */
  key: string;
}

/** A subscription operation, parsed, validated and authorised (see subscriptions.ts). */
export interface SubscriptionSpec extends SharedOperation {
  viewer: Viewer;
  /** Resume after this cursor; null: live events only, from now. */
  after: bigint | null;
}

// Fields whose value depends on who asks: a document selecting any of them is executed per viewer.
const VIEWER_DEPENDENT = new Set([
  'User.email',
  'User.circles',
  'Organisation.circles',
  'Organisation.viewerRole',
  'Resource.circles',
  'Circle.viewerRole',
  'Circle.viewerCanPost',
  'Circle.viewerUnreadCount',
  'ReactionGroup.viewerHasReacted',
  'User.notifications',
  'User.unreadNotificationCount',
  'Circle.viewerNotificationLevel',
]);

export function selectsViewerDependentFields(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && VIEWER_DEPENDENT.has(`${parent.name}.${node.name.value}`)) found = true;
      },
    }),
  );
  return found;
}

/** Variables that only carry the root field's `after`: they do not change what an event renders. */
/** The one root field of a subscription, also when selected through fragments. */
export function rootField(document: DocumentNode, operation: OperationDefinitionNode): FieldNode | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const find = (set: SelectionSetNode, seen: Set<string>): FieldNode | undefined => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value !== '__typename') return sel;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const found = find(sel.selectionSet, seen);
        if (found) return found;
      } else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        const found = find(fragments.get(sel.name.value)!.selectionSet, new Set(seen).add(sel.name.value));
        if (found) return found;
      }
    }
    return undefined;
  };
  return find(operation.selectionSet, new Set());
}

export function resumeVariables(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const names = new Set<string>();
  const root = rootField(document, operation);
  if (!root) return names;
  for (const arg of root.arguments ?? []) {
    if (arg.name.value === 'after' && arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
  }
  return names;
}

const REPLAY_PAGE = 200;

/** Activity kinds delivered only to the circle's facilitators and coordinators. */
const MODERATOR_ONLY: ReadonlySet<ActivityRow['kind']> = new Set(['CONTENT_REPORTED']);

/**
 * Writes a result, already serialised to UTF-8, straight to the subscriber's socket as a `next`
 * message. Results are shared by a whole group: encoding once per event, not once per subscriber,
 * and skipping graphql-ws's per-message promise chain is what keeps fan-out near a bare broadcast.
 */
export interface ResultSink {
  send(payload: Buffer): void;
  /** The subscription ended, whichever side ended it (told once). */
  ended?(): void;
}

function encode(result: ExecutionResult): Buffer {
  return Buffer.from(JSON.stringify(result));
}

/**
 * One subscription. Results go straight to its socket through the sink, which is also told when
 * the subscription ends (ws-server then sends `complete`). As an async iterator it yields nothing
 * and only ends, for a caller that drives it as graphql-ws drives one. A socket that stops
 * reading is closed by the WebSocket layer, so nothing queues here.
 * Thousands of these sit idle per instance: what a group shares lives on the group, not here.
 */
export class Subscriber implements AsyncIterableIterator<ExecutionResult> {
  lastSent: bigint;
  /** The feed's cursor when the subscription opened: later rows are news, not history. */
  readonly liveFrom: bigint;
  /** Rows that arrived while the subscriber replays history; null once live. */
  pending: Event[] | null;
  closed = false;
  private ended: ((r: IteratorResult<ExecutionResult>) => void) | undefined;

  constructor(
    readonly viewer: Viewer,
    readonly group: Group,
    private readonly onClose: (s: Subscriber) => void,
    after: bigint | null,
    liveFrom: bigint,
    private readonly sink: ResultSink,
  ) {
    this.lastSent = after ?? liveFrom;
    this.pending = after !== null ? [] : null;
    this.liveFrom = liveFrom;
  }

  get userId(): string {
    return this.viewer.user.id;
  }

  get scope(): Scope {
    return this.group.operation.scope;
  }

  send(payload: Buffer): void {
    if (!this.closed) this.sink.send(payload);
  }

  /** Ends the subscription with an error result, e.g. FORBIDDEN when the viewer was removed. */
  fail(error: GraphQLError): void {
    if (this.closed) return;
    this.send(encode({ errors: [error] }));
    this.finish();
  }

  /** Ends the subscription from the server's side. */
  finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.sink.ended?.();
    this.ended?.({ value: undefined, done: true });
    this.ended = undefined;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.ended = resolve));
  }

  /** The client completed or disconnected. */
  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** The row removes the subscriber from the circle its circle or thread subscription watches. */
function leftCircle(s: Subscriber, row: ActivityRow): boolean {
  return (s.scope.kind === 'circle' || s.scope.kind === 'thread') && row.kind === 'MEMBER_LEFT' && row.memberUserId === s.userId;
}

/** Subscribers sharing one execution per event. */
export class Group {
  readonly subscribers = new Set<Subscriber>();
  chain: Promise<void> = Promise.resolve();
  constructor(readonly operation: SharedOperation) {}

  get scope(): Scope {
    return this.operation.scope;
  }
}

export interface HubOptions {
  db: Db;
  schema: GraphQLSchema;
  feed: ActivityFeed;
  logger: Logger;
  /** Turns an execution's errors into what clients may see (masking unexpected ones). */
  maskErrors: (errors: readonly GraphQLError[]) => GraphQLError[];
  metrics?: Metrics;
}

/**
 * Fan-out of the activity feed to subscriptions. Each event is executed once per group of
 * subscriptions with the same document, variables and permission scope, and the one result is
 * written to every member of the group that may see the event.
 */
export class SubscriptionHub {
  /** Executions of subscription documents so far; tests and benchmarks read it. */
  executions = 0;
  private readonly groups = new Map<string, Group>();
  private readonly byCircle = new Map<string, Set<Group>>();
  private readonly byThread = new Map<string, Set<Group>>();
  private readonly threadsByCircle = new Map<string, Set<Group>>();
  private readonly mine = new Set<Group>();
  /** myNotifications groups by recipient. */
  private readonly inboxes = new Map<string, Set<Group>>();
  /** Notification reads, one after another, so each recipient's arrive in cursor order. */
  private inboxChain: Promise<void> = Promise.resolve();
  /** One callback for every subscriber, not a closure each. */
  private readonly closeSubscriber = (s: Subscriber) => this.close(s);

  constructor(private readonly options: HubOptions) {}

  get subscriberCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.subscribers.size;
    return n;
  }

  /** Starts a subscription: replays history after `spec.after` if given, then goes live. */
  open(spec: SubscriptionSpec, sink: ResultSink): Subscriber {
    const { viewer, after, ...operation } = spec;
    let group = this.groups.get(operation.key);
    if (!group) {
      // The shared parts are kept once, here; a subscriber keeps only its viewer of the spec
      // (the key alone repeats the query text).
      group = new Group(operation);
      this.groups.set(operation.key, group);
      this.index(group, true);
    }
    const subscriber = new Subscriber(viewer, group, this.closeSubscriber, after, this.options.feed.cursor, sink);
    group.subscribers.add(subscriber);
    if (subscriber.pending) void this.replay(subscriber);
    return subscriber;
  }

  private index(group: Group, add: boolean) {
    const { scope } = group;
    if (scope.kind === 'my') {
      if (add) this.mine.add(group);
      else this.mine.delete(group);
    } else if (scope.kind === 'notifications') {
      this.file(this.inboxes, scope.userId, group, add);
    } else if (scope.kind === 'circle') {
      this.file(this.byCircle, scope.circleId, group, add);
    } else {
      this.file(this.byThread, scope.threadId, group, add);
      // Membership changes come as circle events without a thread; thread groups hear of them here.
      this.file(this.threadsByCircle, scope.circleId, group, add);
    }
  }

  private file(map: Map<string, Set<Group>>, id: string, group: Group, add: boolean) {
    let set = map.get(id);
    if (add) {
      if (!set) map.set(id, (set = new Set()));
      set.add(group);
    } else if (set) {
      set.delete(group);
      if (set.size === 0) map.delete(id);
    }
  }

  private close(s: Subscriber) {
    const group = s.group;
    if (!group.subscribers.delete(s)) return;
    if (group.subscribers.size === 0 && this.groups.get(group.operation.key) === group) {
      this.groups.delete(group.operation.key);
      this.index(group, false);
    }
  }

  /** Rows from the feed, in cursor order. */
  onRows(rows: ActivityRow[]): void {
    const received = performance.now();
    for (const row of rows) {
      this.options.feed.memberships.apply(row);
      this.dispatch(row, received);
    }
    // The notifications these activities wrote, read once per batch for every recipient
    // listening on this instance (written in the same transactions, so already committed).
    if (this.inboxes.size > 0 && rows.length > 0) {
      const from = rows[0].id;
      const to = rows[rows.length - 1].id;
      this.inboxChain = this.inboxChain
        .then(() => this.dispatchNotifications(from, to))
        .catch((err) => this.options.logger.error('notification delivery failed', { err }));
    }
  }

  /** A recipient's notifications they may still read (not those of a circle they have left). */
  private notificationsWhere(recipient: SQL | string) {
    return and(sql`${notifications.recipientId} = ${recipient}`, circleVisibleTo(notifications.recipientId, notifications.circleId));
  }

  private async dispatchNotifications(from: bigint, to: bigint) {
    const rows = await this.options.db
      .select()
      .from(notifications)
      .where(and(sql`${notifications.activityId} between ${from} and ${to}`, circleVisibleTo(notifications.recipientId, notifications.circleId)))
      .orderBy(asc(notifications.activityId));
    for (const row of rows) {
      for (const group of this.inboxes.get(row.recipientId) ?? []) {
        const recipients: Subscriber[] = [];
        for (const s of group.subscribers) {
          if (s.closed) continue;
          if (s.pending) s.pending.push(row);
          else recipients.push(s);
        }
        if (recipients.length === 0) continue;
        group.chain = group.chain
          .then(async () => {
            await this.deliver(group.operation, row, recipients);
          })
          .catch((err) => this.options.logger.error('subscription delivery failed', { err }));
      }
    }
  }

  private dispatch(row: ActivityRow, received: number) {
    const left = row.kind === 'MEMBER_LEFT' ? row.memberUserId : null;
    const groups = new Set<Group>([...(this.byCircle.get(row.circleId) ?? []), ...this.mine]);
    if (row.threadId) for (const g of this.byThread.get(row.threadId) ?? []) groups.add(g);
    if (left) for (const g of this.threadsByCircle.get(row.circleId) ?? []) groups.add(g);

    for (const group of groups) {
      const { scope } = group;
      // A thread group hears of its circle's membership changes without receiving them.
      const receives = scope.kind !== 'thread' || row.threadId === scope.threadId;
      const recipients: Subscriber[] = [];
      const removed: Subscriber[] = [];
      for (const s of group.subscribers) {
        if (s.closed) continue;
        if (scope.kind === 'my') {
          if (!this.options.feed.memberships.isMember(s.userId, row.circleId)) continue;
        } else if (left !== null && left === s.userId) {
          // (`left` first: most rows remove no one, and `userId` reads each subscriber's viewer.)
          if (s.pending) s.pending.push(row);
          else removed.push(s);
          continue;
        }
        if (!receives) continue;
        if (s.pending) s.pending.push(row);
        else recipients.push(s);
      }
      if (recipients.length === 0 && removed.length === 0) continue;
      // Per group, events are handled one after another, so each subscriber gets them in order.
      group.chain = group.chain
        .then(async () => {
          if (recipients.length) {
            const sent = await this.deliver(group.operation, row, recipients);
            if (sent > 0 && this.options.metrics) {
              this.options.metrics.fanoutLatency.observe((performance.now() - received) / 1000);
              this.options.metrics.fanoutRecipients.inc(sent);
            }
          }
          for (const s of removed) s.fail(new ForbiddenError('You are no longer a member of this circle.'));
        })
        .catch((err) => this.options.logger.error('subscription delivery failed', { err }));
    }
  }

  /** Returns how many subscribers the result was written to. */
  private async deliver(operation: SharedOperation, row: Event, recipients: Subscriber[]): Promise<number> {
    const cursor = cursorOf(row);
    let targets = recipients.filter((s) => !s.closed && cursor > s.lastSent);
    // Moderation concerns activity rows; a notification row is its one recipient's already.
    const entry = 'activityId' in row ? null : row;
    if (entry && MODERATOR_ONLY.has(entry.kind)) targets = targets.filter((s) => this.moderates(s.userId, [entry.circleId]));
    if (targets.length === 0) return 0;
    let first: { result: ExecutionResult; audienceSensitive: boolean };
    try {
      first = await this.render(operation, row, targets[0].viewer);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableError)) throw err;
      // Sent as an event with an error, this one would be lost to them: they end instead, and
      // their clients resubscribe after their last cursor, which replays it.
      for (const s of targets) s.fail(err);
      return 0;
    }
    if (!first.audienceSensitive || !entry) return this.send(cursor, targets, encode(first.result));
    // The answer depended on whether the viewer moderates (hidden content, a report): one
    // execution for the moderators among the recipients, one for everyone else.
    const circleIds = await this.moderatedCircles(entry);
    const moderators = targets.filter((s) => this.moderates(s.userId, circleIds));
    const others = targets.filter((s) => !this.moderates(s.userId, circleIds));
    let sent = 0;
    for (const audience of [moderators, others]) {
      if (audience.length === 0) continue;
      const own = audience.includes(targets[0]) ? first : await this.render(operation, row, audience[0].viewer);
      sent += this.send(cursor, audience, encode(own.result));
    }
    return sent;
  }

  private send(cursor: bigint, targets: Subscriber[], payload: Buffer): number {
    let sent = 0;
    for (const s of targets) {
      if (s.closed || cursor <= s.lastSent) continue;
      s.lastSent = cursor;
      s.send(payload);
      sent++;
    }
    return sent;
  }

  /** Whether the user is a facilitator or coordinator of one of the circles, per the membership view. */
  private moderates(userId: string, circleIds: string[]): boolean {
    const memberships = this.options.feed.memberships;
    return circleIds.some((circleId) => isModerator({ role: memberships.roleIn(userId, circleId) }));
  }

  /** Circles whose moderators see the event's hidden content: a resource's are all it was shared with. */
  private async moderatedCircles(row: ActivityRow): Promise<string[]> {
    if (!row.resourceId) return [row.circleId];
    const shared = await this.options.db
      .select({ circleId: resourceCircles.circleId })
      .from(resourceCircles)
      .where(eq(resourceCircles.resourceId, row.resourceId));
    return [row.circleId, ...shared.map((r) => r.circleId)];
  }

  /** Executes the subscription document for one event, as `viewer`, with fresh loaders. */
  private async render(
    operation: SharedOperation,
    row: Event,
    viewer: Viewer,
  ): Promise<{ result: ExecutionResult; audienceSensitive: boolean }> {
    this.executions++;
    const contextValue = createContext(this.options.db, viewer);
    const result = await execute({
      schema: this.options.schema,
      document: operation.document,
      operationName: operation.operationName,
      variableValues: operation.variables,
      rootValue: row,
      contextValue,
    });
    if (result.errors?.some((e) => isConnectionLost(e))) throw new ServiceUnavailableError();
    return {
      result: result.errors ? { ...result, errors: this.options.maskErrors(result.errors) } : result,
      audienceSensitive: contextValue.audienceSensitive,
    };
  }

  /** A row this subscriber may not receive at all (reports, for non-moderators). */
  private withheld(s: Subscriber, row: ActivityRow): boolean {
    return MODERATOR_ONLY.has(row.kind) && !this.moderates(s.userId, [row.circleId]);
  }

  /** What a subscription's scope covers, as SQL over the activity log. */
  private scopeFilter(s: Subscriber): SQL | undefined {
    const { scope } = s;
    if (scope.kind === 'circle') return eq(activity.circleId, scope.circleId);
    if (scope.kind === 'thread') return eq(activity.threadId, scope.threadId);
    const circles = this.options.feed.memberships.circlesOf(s.userId);
    return circles.length ? sql`${activity.circleId} = any(${sql.param(circles)}::uuid[])` : sql`false`;
  }

  /**
   * History after the subscriber's cursor, straight from the log, then whatever the feed brought
   * meanwhile. `lastSent` drops what both paths saw, so nothing arrives twice and nothing is skipped.
   */
  private async replay(s: Subscriber) {
    if (s.scope.kind === 'notifications') return this.replayNotifications(s);
    try {
      for (;;) {
        const rows = await this.options.db
          .select()
          .from(activity)
          .where(and(this.scopeFilter(s), gt(activity.id, s.lastSent)))
          .orderBy(asc(activity.id))
          .limit(REPLAY_PAGE);
        for (const row of rows) {
          if (s.closed) return;
          // Removed after subscribing: the replay must stop there too, not deliver what follows.
          if (row.id > s.liveFrom && leftCircle(s, row)) return s.fail(new ForbiddenError('You are no longer a member of this circle.'));
          // Passed over, not sent: the cursor moves on so the next page starts after it.
          if (this.withheld(s, row)) {
            s.lastSent = row.id;
            continue;
          }
          const payload = encode((await this.render(s.group.operation, row, s.viewer)).result);
          if (s.closed) return;
          s.lastSent = row.id;
          s.send(payload);
        }
        if (rows.length < REPLAY_PAGE) break;
        // PGlite runs in this thread: let other requests in between pages of a long replay.
        await new Promise((resolve) => setImmediate(resolve));
      }
      while (s.pending && s.pending.length) {
        const row = s.pending.shift() as ActivityRow;
        if (s.closed) return;
        // Before the duplicate check: a thread replay never reads membership rows, so its
        // cursor may already be past this one.
        if (leftCircle(s, row)) return s.fail(new ForbiddenError('You are no longer a member of this circle.'));
        if (row.id <= s.lastSent) continue;
        if (s.scope.kind === 'thread' && row.threadId !== s.scope.threadId) continue;
        if (this.withheld(s, row)) {
          s.lastSent = row.id;
          continue;
        }
        const payload = encode((await this.render(s.group.operation, row, s.viewer)).result);
        s.lastSent = row.id;
        s.send(payload);
      }
      s.pending = null;
    } catch (err) {
      this.replayFailed(s, err);
    }
  }

  /**
   * A replay that lost the database ends retryable, so the client resumes from its cursor; any
   * other failure ends masked.
   */
  private replayFailed(s: Subscriber, err: unknown): void {
    if (isConnectionLost(err)) {
      this.options.logger.warn('subscription replay lost the database; the client resumes', { err: (err as Error).message });
      return s.fail(new ServiceUnavailableError());
    }
    this.options.logger.error('subscription replay failed', { err });
    s.fail(new GraphQLError('Internal server error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
  }

  /** myNotifications' history after the subscriber's cursor, then what arrived meanwhile; as replay(). */
  private async replayNotifications(s: Subscriber) {
    try {
      for (;;) {
        const rows = await this.options.db
          .select()
          .from(notifications)
          .where(and(this.notificationsWhere(s.userId), gt(notifications.activityId, s.lastSent)))
          .orderBy(asc(notifications.activityId))
          .limit(REPLAY_PAGE);
        for (const row of rows) {
          if (s.closed) return;
          const payload = encode((await this.render(s.group.operation, row, s.viewer)).result);
          if (s.closed) return;
          s.lastSent = row.activityId;
          s.send(payload);
        }
        if (rows.length < REPLAY_PAGE) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      while (s.pending && s.pending.length) {
        const row = s.pending.shift() as NotificationRow;
        if (s.closed) return;
        if (row.activityId <= s.lastSent) continue;
        const payload = encode((await this.render(s.group.operation, row, s.viewer)).result);
        s.lastSent = row.activityId;
        s.send(payload);
      }
      s.pending = null;
    } catch (err) {
      this.replayFailed(s, err);
    }
  }

  /** Ends every subscription (server shutdown). */
  closeAll(): void {
    for (const g of [...this.groups.values()]) for (const s of [...g.subscribers]) s.finish();
  }
}
