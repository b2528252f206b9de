import {
  getOperationAST,
  GraphQLError,
  GraphQLID,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLOutputType,
  type ValidationRule,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import type { Db } from '../db/client.js';
import type { Viewer } from '../context.js';
import { BadInputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { canRead } from '../auth/permissions.js';
import { loadStanding } from '../auth/guard.js';
import { threads } from '../db/schema.js';
import { eq } from 'drizzle-orm';
import { decodeCursor } from '../shared/connection.js';
import { fromGlobalId } from '../shared/ids.js';
import { DEFAULT_QUERY_LIMITS, parseOptions, queryLimitRules, tokenLimitError, type QueryLimits } from '../shared/limits.js';
import { ACTIVITY_KEYS } from '../modules/circles/circle.service.js';
import { resumeVariables, rootField, selectsViewerDependentFields, type Scope, type SubscriptionSpec } from './hub.js';

const servedOverWebSocket = () => {
  throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql.', {
    extensions: { code: 'BAD_REQUEST' },
  });
};

/**
 * The contract's Subscription type, added to the schema type-graphql builds. Each field's value
 * is the activity row the hub executes the document with; the hub, not graphql-js, subscribes.
 */
export function withSubscriptions(schema: GraphQLSchema): GraphQLSchema {
  const activity = schema.getType('Activity') as GraphQLOutputType;
  const after = {
    type: GraphQLString,
    description: 'Resume after this activity cursor: first every activity after it, then live ones, with no gap and no duplicate.',
  };
  const field = (description: string, args: Record<string, any>) => ({
    type: new GraphQLNonNull(activity),
    description,
    args,
    // Over HTTP there is no event: the operation is executed once with no root value.
    resolve: (row: unknown) => row ?? servedOverWebSocket(),
    subscribe: servedOverWebSocket,
  });
  const subscription = new GraphQLObjectType({
    name: 'Subscription',
    description: 'Live activity over graphql-ws (graphql-transport-ws) at /graphql; send { authToken } in connection_init.',
    fields: {
      circleActivity: field(
        'Live activity of one circle. With `after`, first replays every activity after that cursor, then continues live, with no gap and no duplicate. Ends with FORBIDDEN if the viewer leaves or is removed.',
        { circleId: { type: new GraphQLNonNull(GraphQLID), description: 'The circle.' }, after },
      ),
      threadActivity: field('Live activity of one thread (posts, edits, reactions), resumable the same way.', {
        threadId: { type: new GraphQLNonNull(GraphQLID), description: 'The thread.' },
        after,
      }),
      myActivity: field(
        "Live activity of every circle the viewer belongs to, including circles joined after subscribing: the coordinator's feed.",
        { after },
      ),
      myNotifications: {
        type: new GraphQLNonNull(schema.getType('Notification') as GraphQLOutputType),
        description:
          "The viewer's new notifications, resumable with `after` (a notification cursor) like the activity feeds: first every notification after it, then live ones, with no gap and no duplicate. A circle the viewer can no longer read stops being carried.",
        args: {
          after: {
            type: GraphQLString,
            description: 'Resume after this notification cursor (`Notification.cursor` or an edge cursor of `viewer.notifications`).',
          },
        },
        resolve: (row: unknown) => row ?? servedOverWebSocket(),
        subscribe: servedOverWebSocket,
      },
    },
  });
  return new GraphQLSchema({ ...schema.toConfig(), subscription });
}

export interface Prepared {
  query: string;
  document: DocumentNode;
  errors: readonly GraphQLError[];
  viewerDependent: boolean;
}

/** Parsed and validated documents, by query text: clients send the same few documents. */
export class DocumentCache {
  private readonly entries = new Map<string, Prepared>();
  private readonly rules: ValidationRule[];
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
    private readonly max = 500,
  ) {
    this.rules = [...specifiedRules, ...queryLimitRules(limits)];
  }

  get(query: string): Prepared {
    const hit = this.entries.get(query);
    if (hit) {
      // Refresh its place: the map's order is the eviction order.
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    let prepared: Prepared;
    try {
      const document = parse(query, parseOptions(this.limits));
      const errors = validate(this.schema, document, this.rules);
      prepared = { query, document, errors, viewerDependent: errors.length ? false : selectsViewerDependentFields(this.schema, document) };
    } catch (err) {
      const error = err instanceof GraphQLError ? (tokenLimitError(err.message) ?? err) : err;
      prepared = { query, document: { kind: 'Document' as any, definitions: [] }, errors: [error as GraphQLError], viewerDependent: false };
    }
    this.entries.set(query, prepared);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return prepared;
  }

  /** The cached copy of a query text, if there is one: one copy per text, however many hold it. */
  intern(query: string): string {
    return this.entries.get(query)?.query ?? query;
  }
}

/**
 * Checks a subscription operation and who asks for it, and describes it for the hub. Throws
 * coded errors: UNAUTHENTICATED without a valid token, NOT_FOUND for a circle or thread the
 * viewer may not see, BAD_USER_INPUT for a bad cursor or ID.
 */
export async function prepareSubscription(
  db: Db,
  schema: GraphQLSchema,
  viewer: Viewer | null,
  prepared: Prepared,
  query: string,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): Promise<SubscriptionSpec> {
  const operation = getOperationAST(prepared.document, operationName)!;
  const root = rootField(prepared.document, operation)!;
  const fieldDef = schema.getSubscriptionType()!.getFields()[root.name.value];
  // Coerced as execution would: defaults of variables apply, bad values are refused.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw new BadInputError('variables', coerced.errors[0].message);
  const args = getArgumentValues(fieldDef, root, coerced.coerced) as { circleId?: string; threadId?: string; after?: string | null };
  if (!viewer) throw new UnauthenticatedError('Sign in first: send connection_init with payload { authToken }.');
  const after = args.after != null ? (decodeCursor(args.after, ACTIVITY_KEYS, 'after')[0] as bigint) : null;

  let scope: Scope;
  if (root.name.value === 'circleActivity') {
    const circleId = fromGlobalId(args.circleId!, 'Circle', 'circleId');
    const found = await loadStanding(db, circleId, viewer.user.id);
    if (!found || !canRead(found.circle, found.standing)) throw new NotFoundError('Circle', 'circleId');
    scope = { kind: 'circle', circleId };
  } else if (root.name.value === 'threadActivity') {
    const threadId = fromGlobalId(args.threadId!, 'Thread', 'threadId');
    const [thread] = await db.select({ circleId: threads.circleId }).from(threads).where(eq(threads.id, threadId));
    const found = thread ? await loadStanding(db, thread.circleId, viewer.user.id) : null;
    if (!found || !canRead(found.circle, found.standing)) throw new NotFoundError('Thread', 'threadId');
    scope = { kind: 'thread', threadId, circleId: thread.circleId };
  } else if (root.name.value === 'myNotifications') {
    scope = { kind: 'notifications', userId: viewer.user.id };
  } else {
    scope = { kind: 'my' };
  }

  const resume = resumeVariables(prepared.document, operation);
  const shared = Object.fromEntries(Object.entries(variables).filter(([name]) => !resume.has(name)));
  const scopeKey =
    prepared.viewerDependent || scope.kind === 'notifications'
    ? `viewer:${viewer.user.id}`
    : scope.kind === 'circle'
      ? `circle:${scope.circleId}`
      : scope.kind === 'thread'
        ? `thread:${scope.threadId}`
        : 'my';
  return {
    viewer,
    scope,
    after,
    document: prepared.document,
    operationName,
    variables,
    key: JSON.stringify([query, operationName ?? null, shared, scopeKey]),
  };
}
