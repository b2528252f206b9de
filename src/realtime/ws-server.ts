import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { makeServer, CloseCode, handleProtocols, MessageType, parseMessage, type Context, type Message, type SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatError, withoutSuggestions } from '../error-masking.js';
import { assertQueryCost, DEFAULT_QUERY_LIMITS, type QueryLimits } from '../shared/limits.js';
import type { Db } from '../db/client.js';
import { createContext, type ClientInfo, type Viewer } from '../context.js';
import { HubError, isConnectionLost, ServiceUnavailableError, UnauthenticatedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { authenticate, SESSION_ENDED } from '../auth/sessions.js';
import type { SessionCache } from '../auth/session-cache.js';
import type { QueryBudget, Security } from '../auth/security.js';
import type { SessionSockets } from './session-sockets.js';
import type { SocketLeases } from './socket-leases.js';
import { operationNameOf, type Metrics } from '../metrics.js';
import { Subscriber, type ResultSink, type SubscriptionHub } from './hub.js';
import { DocumentCache, prepareSubscription, type Prepared } from './subscriptions.js';
import { flatUuid } from '../shared/ids.js';

export interface WebSocketLimits {
  /** Largest message a client may send. */
  maxPayloadBytes: number;
  /** Subscriptions one connection may hold at once. */
  maxSubscriptionsPerConnection: number;
  /** A socket whose unsent data passes this is closed with SLOW_CONSUMER_CLOSE_CODE. */
  maxBufferedBytes: number;
  /** Interval of keep-alive pings; a socket that misses a pong by the next ping is dropped. */
  keepAliveMs: number;
  /** Time a client has to send connection_init (4408 after). */
  connectionInitWaitMs: number;
}

export const DEFAULT_WS_LIMITS: WebSocketLimits = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptionsPerConnection: 100,
  maxBufferedBytes: 1024 * 1024,
  keepAliveMs: 12_000,
  connectionInitWaitMs: 3_000,
};

/** Close code for a socket that does not read fast enough; its client resumes from its last cursor. */
export const SLOW_CONSUMER_CLOSE_CODE = 4413;
/** Close code for a socket beyond its user's limit of open sockets. */
export const TOO_MANY_SOCKETS_CLOSE_CODE = 4429;

interface Extra {
  socket: WebSocket;
  /** The connection under `socket`, for `next` frames built here (see `nextFrame`). */
  tcp: Duplex;
  viewer: Viewer | null;
  /** The token of connection_init, checked again before every operation (its session may end meanwhile). */
  token: string | null;
  client: ClientInfo;
  authError: GraphQLError | null;
  /** This socket's place among its user's sockets on all instances (socket-leases.ts). */
  leaseId: string | undefined;
  /** Closes the socket if connection_init does not come in time; cleared once it came. */
  initWait: NodeJS.Timeout | undefined;
  /** For the access line written when the socket closes. */
  requestId: string;
  openedAt: number;
  subscriptions: number;
  operations: number;
  /** graphql-ws's state of this socket (`acknowledged`, its operations by id), from connection_init on. */
  protocol: Context<Record<string, unknown> | undefined, Extra> | undefined;
  /** Subscriptions served by `serveSubscription`, by message id; null while one is being set up. */
  live: Map<string, LiveEntry | null> | undefined;
  /** Queries and mutations in flight: start time, operation type and name, by message id. */
  running: Map<string, { at: number; type: string; name: string | null | undefined; budget: QueryBudget | undefined }> | undefined;
}

/** A subscription of `Extra.live` (ws-server's `LiveSubscription`), as the socket's close and `complete` see it. */
interface LiveEntry {
  subscriber: Subscriber | undefined;
}

const CLOSING_BRACE = 0x7d;

/**
 * A whole WebSocket text frame (unmasked, as a server sends it; one fragment) carrying
 * `prefix` + `payload` + `}`: one `next` message. A fan-out writes one per subscriber, and
 * building it here, then writing it to the connection in one write, costs 15-20 % less CPU
 * per socket than `ws.send` (its options, separate header buffer, cork and writev). Frames
 * written past ws stay whole and in order because ws writes every frame of its own at once
 * too: it queues frames only while compressing, and compression is off.
 */
function nextFrame(prefix: string, prefixBytes: number, payload: Buffer): Buffer {
  const length = prefixBytes + payload.length + 1;
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81; // FIN, text
  if (head === 2) {
    frame[1] = length;
  } else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(prefix, head, prefixBytes);
  payload.copy(frame, head + prefixBytes);
  frame[frame.length - 1] = CLOSING_BRACE;
  return frame;
}

/** A request id a client or proxy may pass in `x-request-id`; anything else gets a fresh one. */
export const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

function coded(err: unknown): GraphQLError {
  if (err instanceof HubError) return err;
  if (isConnectionLost(err)) return new ServiceUnavailableError();
  if (err instanceof GraphQLError) {
    return err.extensions.code ? err : new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  throw err;
}

/** Parse and validation errors, coded as Apollo codes them over HTTP, without suggestions for anonymous sockets. */
function documentError(err: GraphQLError, document: DocumentNode, anonymous: boolean): GraphQLError {
  const message = anonymous ? withoutSuggestions(err.message) : err.message;
  if (err.extensions.code && message === err.message) return err;
  const code = err.extensions.code ?? (document.definitions.length === 0 ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED');
  return new GraphQLError(message, { nodes: err.nodes, source: err.source, positions: err.positions, extensions: { ...err.extensions, code } });
}

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path. The protocol is
 * graphql-ws's own `makeServer`; this glue adds what its `useServer` lacks for many idle
 * sockets: one keep-alive sweep for all sockets instead of a timer each, a cap on unsent data,
 * and sends without a promise per message.
 */
export function attachWebSocketServer(opts: {
  httpServer: http.Server;
  path: string;
  schema: GraphQLSchema;
  db: Db;
  hub: SubscriptionHub;
  logger: Logger;
  metrics?: Metrics;
  limits?: Partial<WebSocketLimits>;
  security: Security;
  /**
   * This instance's session cache, for mutations over the socket to invalidate. Sockets never
   * read from it: a socket is long-lived and checks its session in the database at every
   * operation, the one guard that holds even for a revocation nobody announced.
   */
  sessionCache?: SessionCache;
  /** Told when a mutation over the socket has run, before its result is sent (the response cache empties). */
  onMutation?: () => void;
  sessionSockets: SessionSockets;
  socketLeases: SocketLeases;
  /** The client's address as HTTP requests see it (through trusted proxies only). */
  clientAddress: (request: http.IncomingMessage) => string;
  /** The same query limits as over HTTP. */
  queryLimits?: QueryLimits;
}) {
  const limits = { ...DEFAULT_WS_LIMITS, ...opts.limits };
  const { schema, db, hub, logger, metrics, security, sessionCache, sessionSockets, socketLeases } = opts;
  const sessionPolicy = security.policy.session;
  const socketsPerUser = security.policy.limits.socketsPerUser;
  /** Counts an operation refused or failed at subscribe time, by its first error's code. */
  const refused = (type: string, payload: { query: unknown; operationName?: unknown }, errors: readonly GraphQLError[]) => {
    metrics?.operation({ transport: 'ws', type, operation: operationNameOf(payload.query, payload.operationName), outcome: String(errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
    return errors;
  };
  const queryLimits = opts.queryLimits ?? DEFAULT_QUERY_LIMITS;
  const documents = new DocumentCache(schema, queryLimits);
  // No compression: `nextFrame` relies on it.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, handleProtocols, perMessageDeflate: false });

  // Query texts as the document cache holds them: what keeps a text (a subscription's
  // operation, a query in flight) keeps the one copy, not the copy its message came in.
  const reviver = (key: string, value: unknown) => (key === 'query' && typeof value === 'string' ? documents.intern(value) : value);

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    // Timed here instead (see `initWait`): graphql-ws keeps its timer for the socket's life.
    connectionInitWaitTimeout: 0,
    jsonMessageReviver: reviver,
    async onConnect(ctx) {
      clearTimeout(ctx.extra.initWait);
      ctx.extra.initWait = undefined;
      ctx.extra.protocol = ctx;
      const token = ctx.connectionParams?.authToken;
      const extra = ctx.extra;
      try {
        extra.token = typeof token === 'string' && token ? token : null;
        extra.viewer = await authenticate(db, extra.token, sessionPolicy);
      } catch (err) {
        if (isConnectionLost(err)) {
          // Not the client's fault and not forbidden: 1013 (try again later) makes it reconnect.
          extra.socket.close(1013, 'Database unavailable; retry shortly');
          return false;
        }
        extra.authError = coded(err);
      }
      if (extra.viewer) {
        const userId = extra.viewer.user.id;
        let lease: string | null;
        try {
          lease = await socketLeases.acquire(userId);
        } catch (err) {
          if (!isConnectionLost(err)) throw err;
          extra.socket.close(1013, 'Database unavailable; retry shortly');
          return false;
        }
        if (!lease) {
          metrics?.rateLimitRefused('socketsPerUser');
          extra.socket.close(TOO_MANY_SOCKETS_CLOSE_CODE, `Too many open sockets for this user (at most ${socketsPerUser} on all instances); close one first`);
          return false;
        }
        extra.leaseId = lease;
        // Closed while its place was being taken: the close handler found no lease to give back.
        if (extra.socket.readyState !== extra.socket.OPEN) {
          socketLeases.release(lease);
          return false;
        }
        sessionSockets.add(extra.socket, userId, extra.viewer.sessionId);
      }
      return true;
    },
    async onSubscribe(ctx, id, payload) {
      const extra = ctx.extra;
      extra.operations++;
      // An id the socket's subscriptions hold is taken too, as graphql-ws treats its own.
      if (extra.live?.has(id)) {
        extra.socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
        return [];
      }
      if (Object.keys(ctx.subscriptions).length + (extra.live?.size ?? 0) > limits.maxSubscriptionsPerConnection) {
        return refused('subscription', payload, [subscriptionLimitError()]);
      }
      // The document is checked against the limits (in linear time) before anything that reads
      // the database, and before the token's verdict is told: the same cheap refusal for everyone.
      const anonymous = !extra.viewer;
      const prepared = documents.get(payload.query);
      if (prepared.errors.length) return refused('unknown', payload, prepared.errors.map((err) => documentError(err, prepared.document, anonymous)));
      const operation = getOperationAST(prepared.document, payload.operationName);
      if (!operation) return refused('unknown', payload, [new GraphQLError('Unable to identify the operation.', { extensions: { code: 'BAD_USER_INPUT' } })]);
      const admitted = await admit(extra, payload, prepared, operation);
      if (!('budget' in admitted)) return admitted;
      // A valid subscription never comes here: serveSubscription takes every one once the socket
      // is acknowledged, and graphql-ws closes the socket (4401) for one sent before.
      if (operation.operation === 'subscription') throw new Error('a subscription reached graphql-ws');
      (extra.running ??= new Map()).set(id, { at: performance.now(), type: operation.operation, name: operation.name?.value ?? payload.operationName, budget: admitted.budget });
      // Queries and mutations over the socket run as they would over HTTP.
      return {
        schema,
        document: prepared.document,
        operationName: payload.operationName,
        variableValues: payload.variables ?? {},
        contextValue: createContext(db, extra.viewer, flatUuid(), { security, client: extra.client, sessions: sessionCache, log: logger }),
      } satisfies ExecutionArgs;
    },
    onNext(ctx, id, payload, args, result) {
      const started = ctx.extra.running?.get(id);
      if (started) {
        ctx.extra.running!.delete(id);
        if (started.type === 'mutation') opts.onMutation?.();
        const outcome = result.errors?.length ? String(result.errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
        metrics?.operation({ transport: 'ws', type: started.type, operation: started.name, outcome, seconds: (performance.now() - started.at) / 1000 });
      }
      // What is left of the budget, where HTTP answers carry GitHub's x-ratelimit-* headers.
      const budget = started?.budget;
      const extensions = budget
        ? { ...result.extensions, rateLimit: { limit: budget.limit, remaining: budget.remaining, used: budget.used, resetAt: budget.resetAt.toISOString() } }
        : result.extensions;
      // Subscription events come masked from the hub. Queries and mutations over the socket are
      // masked and logged here as Apollo does over HTTP: raw errors would show SQL and parameters.
      if (!result.errors?.length || getOperationAST(args.document, args.operationName)?.operation === 'subscription') {
        return extensions === result.extensions ? undefined : { ...result, extensions };
      }
      const requestId = ctx.extra.requestId;
      const errors = result.errors.map((err) => {
        const formatted = formatError(err.toJSON(), err);
        if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
        logger.error('unexpected error', { requestId, operation: payload.operationName, path: err.path?.join('.'), err: err.originalError ?? err });
        return { ...formatted, extensions: { ...formatted.extensions, requestId } };
      });
      return { ...result, errors, extensions };
    },
  });

  const subscriptionLimitError = () => {
    metrics?.rateLimitRefused('subscriptionsPerConnection');
    return new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection.`, {
      extensions: { code: 'RATE_LIMITED' },
    });
  };

  /**
   * What every operation over a socket passes once its document is valid: its cost, the token's
   * verdict, the session (it may have ended since connection_init, its notice not yet come), the
   * hour's budget. The errors to send, or the budget charged.
   */
  async function admit(
    extra: Extra,
    payload: SubscribePayload,
    prepared: Prepared,
    operation: OperationDefinitionNode,
  ): Promise<readonly GraphQLError[] | { budget: QueryBudget | undefined }> {
    const variables = payload.variables ?? {};
    let cost: number;
    try {
      cost = assertQueryCost(schema, prepared.document, payload.operationName, variables, queryLimits);
    } catch (err) {
      return refused('unknown', payload, [coded(err)]);
    }
    if (extra.authError) return refused('unknown', payload, [extra.authError]);
    if (extra.token) {
      try {
        extra.viewer = await authenticate(db, extra.token, sessionPolicy);
      } catch (err) {
        if (!(err instanceof UnauthenticatedError)) throw err;
        sessionSockets.closeEnded(extra.socket, err.message === SESSION_ENDED.expired ? 'expired' : 'revoked');
        return refused('unknown', payload, [err]);
      }
    }
    // The same hourly budget as over HTTP; a subscription is charged once, when it starts
    // (its events are the hub's work, shared by every subscriber of the same document).
    let budget: QueryBudget | undefined;
    if (extra.viewer && cost > 0) {
      try {
        budget = await security.chargeQueryCost(extra.viewer.user.id, cost);
      } catch (err) {
        return refused(operation.operation, payload, [coded(err)]);
      }
    }
    return { budget };
  }

  /** The hub's subscriber for an admitted subscription, writing its events to the socket as `next` frames under `id`. */
  async function openSubscriber(
    extra: Extra,
    payload: SubscribePayload,
    prepared: Prepared,
    operation: OperationDefinitionNode,
    live: LiveSubscription,
  ): Promise<readonly GraphQLError[] | Subscriber> {
    let subscriber: Subscriber;
    try {
      const spec = await prepareSubscription(db, schema, extra.viewer, prepared, payload.query, payload.operationName, payload.variables ?? {});
      subscriber = hub.open(spec, live);
    } catch (err) {
      return refused('subscription', payload, [coded(err)]);
    }
    extra.subscriptions++;
    metrics?.operation({ transport: 'ws', type: 'subscription', operation: operation.name?.value ?? payload.operationName, outcome: 'ok' });
    return subscriber;
  }

  /**
   * One subscription of a socket: where the hub writes its events, and how its end is told.
   * An object of its own rather than closures: tens of thousands are held at once.
   */
  class LiveSubscription implements ResultSink {
    /** The `next` message's start; a string, not a Buffer: a small Buffer is a slice of an 8 KiB pool and, kept for the subscription's life, would keep that whole pool. */
    private readonly prefix: string;
    private readonly prefixBytes: number;
    subscriber: Subscriber | undefined;
    constructor(
      private readonly extra: Extra,
      readonly id: string,
    ) {
      this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
      this.prefixBytes = Buffer.byteLength(this.prefix);
    }
    send(payload: Buffer): void {
      if (writable(this.extra.socket)) this.extra.tcp.write(nextFrame(this.prefix, this.prefixBytes, payload));
    }
    /** The hub ended it (the viewer left the circle, say): the client is told `complete`, as graphql-ws tells it. */
    ended(): void {
      const live = this.extra.live;
      if (live?.get(this.id) !== this) return; // the client completed it, or the socket closed
      live.delete(this.id);
      if (writable(this.extra.socket)) this.extra.socket.send(JSON.stringify({ id: this.id, type: MessageType.Complete }));
    }
  }

  /**
   * Subscriptions are served here, not by graphql-ws: its message handler stays suspended for a
   * subscription's whole life, holding the subscribe frame as received, its parse, the
   * execution arguments and a closure per outcome (about 1.5 KB a subscriber in a heap snapshot
   * of 11,000 idle ones). Here a subscription holds its `LiveSubscription` and the hub's
   * `Subscriber`. The frames and close codes are graphql-ws's: a duplicate id closes with 4409,
   * a refusal is an `error` message, a `complete` from the client ends it without an answer, an
   * end from the hub is told with `complete`. Returns false for any other message, which goes to
   * graphql-ws as it came.
   */
  function serveSubscription(extra: Extra, text: string): boolean {
    const ctx = extra.protocol;
    if (!ctx?.acknowledged) return false;
    let message: Message;
    try {
      message = parseMessage(text, reviver);
    } catch {
      return false;
    }
    if (message.type === MessageType.Complete) {
      const live = extra.live;
      if (!live?.has(message.id)) return false;
      const subscription = live.get(message.id);
      live.delete(message.id);
      // Still being set up (null): the setup finds its id gone and ends it.
      subscription?.subscriber?.return();
      return true;
    }
    if (message.type !== MessageType.Subscribe) return false;
    const { id, payload } = message;
    const prepared = documents.get(payload.query);
    if (prepared.errors.length) return false;
    const operation = getOperationAST(prepared.document, payload.operationName);
    if (operation?.operation !== 'subscription') return false;
    if (id in ctx.subscriptions || extra.live?.has(id)) {
      extra.socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
      return true;
    }
    const live = (extra.live ??= new Map());
    live.set(id, null);
    extra.operations++;
    const setUp = async () => {
      let outcome: readonly GraphQLError[] | Subscriber;
      if (Object.keys(ctx.subscriptions).length + live.size > limits.maxSubscriptionsPerConnection) {
        outcome = refused('subscription', payload, [subscriptionLimitError()]);
      } else {
        const admitted = await admit(extra, payload, prepared, operation);
        const subscription = new LiveSubscription(extra, id);
        outcome = 'budget' in admitted ? await openSubscriber(extra, payload, prepared, operation, subscription) : admitted;
        if (outcome instanceof Subscriber) {
          subscription.subscriber = outcome;
          if (live.get(id) === null && extra.live === live) {
            live.set(id, subscription);
            return;
          }
          // Completed by the client, or the socket closed, while it was being set up.
          outcome.return();
          return;
        }
      }
      if (live.get(id) !== null) return;
      live.delete(id);
      if (writable(extra.socket)) extra.socket.send(JSON.stringify({ id, type: MessageType.Error, payload: outcome.map((err) => err.toJSON()) }));
    };
    setUp().catch((err) => {
      logger.error('websocket message handling failed', { err });
      extra.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    return true;
  }

  /** Every message out asks first: a socket that stops reading is closed, not buffered without end. */
  function writable(socket: WebSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount <= limits.maxBufferedBytes) return true;
    socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Too slow: resubscribe with after = your last cursor');
    return false;
  }

  const alive = new WeakSet<WebSocket>();
  const sweep = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, limits.keepAliveMs);
  sweep.unref();

  // Shared by every socket (`this` is the socket): tens of thousands of idle sockets should
  // not carry a closure each for what is the same for all.
  function onPong(this: WebSocket) {
    alive.add(this);
  }
  function onError(this: WebSocket, err: Error) {
    logger.warn('websocket error', { err: err.message });
    this.close(CloseCode.InternalServerError, 'Internal server error');
  }
  function onInitWait(socket: WebSocket) {
    socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
  }

  /** graphql-ws's view of one socket, kept as long as the socket: methods, not closures. */
  class ProtocolSocket {
    readonly protocol: string;
    constructor(private readonly extra: Extra) {
      this.protocol = extra.socket.protocol;
    }
    send(data: string) {
      if (writable(this.extra.socket)) this.extra.socket.send(data);
    }
    close(code: number, reason: string) {
      this.extra.socket.close(code, reason);
    }
    onMessage(cb: (data: string) => Promise<void>) {
      const extra = this.extra;
      const socket = extra.socket;
      socket.on('message', (data) => {
        alive.add(socket);
        const text = String(data);
        if (serveSubscription(extra, text)) return;
        cb(text).catch((err) => {
          logger.error('websocket message handling failed', { err });
          socket.close(CloseCode.InternalServerError, 'Internal server error');
        });
      });
    }
  }

  wss.on('connection', (socket, request: http.IncomingMessage) => {
    alive.add(socket);
    metrics?.socketsOpened.inc();
    const header = request.headers['x-request-id'];
    socket.on('pong', onPong);
    // `on`, not `once`, for error and close: a `once` costs a wrapper per socket, and ws emits
    // each of them once at most.
    socket.on('error', onError);
    const extra: Extra = {
      socket,
      tcp: request.socket,
      viewer: null,
      token: null,
      client: { address: opts.clientAddress(request), userAgent: request.headers['user-agent'] },
      authError: null,
      leaseId: undefined,
      initWait: setTimeout(onInitWait, limits.connectionInitWaitMs, socket),
      requestId: typeof header === 'string' && REQUEST_ID.test(header) ? header : flatUuid(),
      openedAt: performance.now(),
      subscriptions: 0,
      operations: 0,
      protocol: undefined,
      live: undefined,
      running: undefined,
    };
    const closed = server.opened(new ProtocolSocket(extra), extra);
    socket.on('close', (code, reason) => {
      clearTimeout(extra.initWait);
      const live = extra.live;
      extra.live = undefined;
      for (const subscription of live?.values() ?? []) subscription?.subscriber?.return();
      sessionSockets.remove(socket);
      if (extra.leaseId) socketLeases.release(extra.leaseId);
      metrics?.socketsClosed.inc({ code: String(code) });
      // The access line of a WebSocket connection, written when it ends.
      logger.info('websocket closed', {
        requestId: extra.requestId,
        ip: extra.client.address,
        userId: extra.viewer?.user.id ?? null,
        code,
        reason: String(reason) || undefined,
        durationMs: Math.round(performance.now() - extra.openedAt),
        operations: extra.operations,
        subscriptions: extra.subscriptions,
      });
      void closed(code, String(reason));
    });
  });

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== opts.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  opts.httpServer.on('upgrade', onUpgrade);

  metrics?.observe({ sockets: () => wss.clients.size });

  return {
    wss,
    async close() {
      clearInterval(sweep);
      opts.httpServer.off('upgrade', onUpgrade);
      hub.closeAll();
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
