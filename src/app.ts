import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import compression from 'compression';
import { constants as zlib } from 'node:zlib';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { sql } from 'drizzle-orm';
import type { Database } from './db/client.js';
import { createContext, type AccessRecord, type Context } from './context.js';
import { HubError, isConnectionLost, ServiceUnavailableError } from './errors.js';
import { formatError, isExpected, maskErrors, withoutSuggestions } from './error-masking.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics, operationNameOf } from './metrics.js';
import { migrationsApplied } from './db/migrate.js';
import { buildSchema } from './schema.js';
import proxyaddr from 'proxy-addr';
import { bearerToken } from './auth/tokens.js';
import { authenticate, SESSIONS_CHANNEL } from './auth/sessions.js';
import { SessionCache } from './auth/session-cache.js';
import { DATA_CHANNEL, ResponseCache, responseCachePlugin } from './shared/response-cache.js';
import { policyWith, type PolicyOverrides } from './auth/policy.js';
import { Security, type QueryBudget } from './auth/security.js';
import { assertQueryCost, DEFAULT_QUERY_LIMITS, parseOptions, queryLimitRules, type QueryLimits } from './shared/limits.js';
import { downloadRoutes } from './modules/reports/download.routes.js';
import { explorerRoutes } from './explorer.js';
import { corsMiddleware } from './cors.js';
import { persistedQueryCache } from './shared/persisted-queries.js';
import { ActivityFeed } from './realtime/feed.js';
import { SubscriptionHub } from './realtime/hub.js';
import { createNotifier } from './realtime/notifier.js';
import { attachWebSocketServer, REQUEST_ID, type WebSocketLimits } from './realtime/ws-server.js';
import { SessionSockets } from './realtime/session-sockets.js';
import { SocketLeases } from './realtime/socket-leases.js';

export interface AppOptions {
  database: Database;
  logger?: Logger;
  port?: number;
  host?: string;
  webSocket?: Partial<WebSocketLimits>;
  /** Session lifetimes, abuse limits and proxies to trust; production defaults in auth/policy.ts. */
  security?: PolicyOverrides;
  /** This instance's metrics; a fresh registry by default. */
  metrics?: Metrics;
  /** Depth, aliases, directives, tokens and cost a document may have; defaults in shared/limits.ts. */
  queryLimits?: Partial<QueryLimits>;
  /** Origins whose pages may call the API (CORS); none by default. See cors.ts. */
  corsOrigins?: readonly string[];
  /** Serve the explorer to browsers at GET /graphql (default true); its bundle's folder. */
  explorer?: boolean | { dir: string };
  /** Room for cached query answers in MiB (shared/response-cache.ts); 0 turns the cache off. Default 64. */
  responseCacheMb?: number;
}

export interface App {
  url: string;
  /** The same endpoint for graphql-ws clients: ws://host:port/graphql. */
  wsUrl: string;
  port: number;
  httpServer: http.Server;
  feed: ActivityFeed;
  hub: SubscriptionHub;
  security: Security;
  /** Sessions this instance knows to be live (see SessionCache). */
  sessionCache: SessionCache;
  /** Answers to queries this instance serves again until a write (see ResponseCache). */
  responseCache: ResponseCache;
  sessionSockets: SessionSockets;
  socketLeases: SocketLeases;
  metrics: Metrics;
  /** Marks the instance not ready (GET /readyz answers 503) ahead of `stop`; it still serves. */
  drain(): void;
  stop(): Promise<void>;
}

/** The outcome of a request that Apollo refused before running it, from its status. */
function outcomeOfStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  if (status >= 400) return 'BAD_REQUEST';
  return 'ok';
}


/** Logs unexpected errors with the request id, which masked errors carry for support. */
function requestLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName, operation }) {
          if (contextValue.access) {
            contextValue.access.operation = operationName;
            if (operation) contextValue.access.type = operation.operation;
          }
        },
        async didEncounterErrors({ errors, contextValue, request }) {
          for (const error of errors) {
            if (isExpected(error)) continue;
            if (isConnectionLost(unwrapResolverError(error))) {
              logger.warn('database connection lost during a request; answered SERVICE_UNAVAILABLE', {
                requestId: contextValue?.requestId,
                operation: request.operationName,
                err: (unwrapResolverError(error) as Error).message,
              });
              continue;
            }
            logger.error('unexpected error', {
              requestId: contextValue?.requestId,
              operation: request.operationName,
              path: error.path?.join('.'),
              err: unwrapResolverError(error),
            });
          }
        },
        async willSendResponse({ response, contextValue, request }) {
          if (contextValue?.access) {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
            contextValue.access.operation ??= request.operationName;
            contextValue.access.outcome = errors?.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
          }
          if (response.body.kind !== 'single' || !contextValue?.requestId) return;
          response.http.headers.set('x-request-id', contextValue.requestId);
          for (const e of response.body.singleResult.errors ?? []) {
            if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (e as { extensions: Record<string, unknown> }).extensions.requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}

/**
 * RATE_LIMITED answers carry Retry-After (the longest wait asked for), and when nothing else
 * came back, status 429, so HTTP clients and proxies that know nothing of GraphQL back off too.
 */
function retryAfterHeader(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          const limited = (errors ?? []).filter((e) => e.extensions?.code === 'RATE_LIMITED');
          if (limited.length === 0) return;
          const wait = Math.max(1, ...limited.map((e) => Number(e.extensions?.retryAfter) || 1));
          response.http.headers.set('retry-after', String(wait));
          if (data == null && limited.length === errors!.length) response.http.status = 429;
        },
      };
    },
  };
}

/**
 * One access line and the request metrics per HTTP request, written when the response is
 * finished (or the client went away). Only chosen fields: never headers, query strings or
 * bodies, which carry tokens, passwords and variables.
 */
function accessLog(logger: Logger, metrics: Metrics): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // Taken now: routers mounted on a path rewrite req.url (and so req.path) while they run.
    const path = req.path;
    const header = req.headers['x-request-id'];
    const access: AccessRecord = { requestId: typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID() };
    res.locals.access = access;
    res.setHeader('x-request-id', access.requestId);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - started) / 1000;
      const status = res.headersSent ? res.statusCode : 499;
      const route = path.startsWith('/explorer/') ? '/explorer' : KNOWN_ROUTES.has(path) ? path : 'other';
      metrics.httpRequests.inc({ route, status: String(status) });
      const graphql = route === '/graphql' && req.method !== 'OPTIONS' && !res.locals.explorer;
      if (graphql) {
        access.outcome ??= outcomeOfStatus(status);
        access.operation ??= requestedOperation(req);
        metrics.operation({ transport: 'http', type: access.type ?? 'unknown', operation: access.operation, outcome: access.outcome, seconds });
      }
      const line = {
        requestId: access.requestId,
        method: req.method,
        path,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ip: req.ip,
        userId: access.userId ?? null,
        ...(graphql ? { operation: access.operation ?? null, operationType: access.type, outcome: access.outcome } : {}),
      };
      // Probes and scrapes come every few seconds: debug, so they do not drown the rest.
      if (PROBES.has(path) && status < 400) logger.debug('http request', line);
      else logger.info('http request', line);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/**
 * A request that lost the database is answered 503 with Retry-After, as load balancers and
 * clients expect of a dependency that is briefly away; its errors say SERVICE_UNAVAILABLE.
 */
function serviceUnavailable(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (!response.body.singleResult.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', RETRY_AFTER_SECONDS);
        },
      };
    },
  };
}

const RETRY_AFTER_SECONDS = '1';

/** Introspection stays public (the contract is), but anonymous clients get no "Did you mean" hints. */
function noSuggestionsForAnonymous(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue?.viewer) return;
          for (const e of response.body.singleResult.errors ?? []) (e as { message: string }).message = withoutSuggestions(e.message);
        },
      };
    },
  };
}

/**
 * The cost limit needs the variables (page sizes travel in them), so it is checked once the
 * operation is known and before it runs; depth, aliases and directives are validation rules.
 * A signed-in viewer's operation is then charged to their hourly budget, and the answer tells
 * what is left in GitHub's headers (x-ratelimit-limit, -remaining, -used, -reset in epoch seconds).
 */
function queryCostLimit(schema: GraphQLSchema, limits: QueryLimits, security: Security): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let budget: QueryBudget | undefined;
      return {
        async didResolveOperation({ document, request, operationName, contextValue }) {
          try {
            const cost = assertQueryCost(schema, document, operationName, request.variables, limits);
            // Introspection costs nothing; anonymous clients see only public data and have no budget.
            if (contextValue.viewer && cost > 0) budget = await security.chargeQueryCost(contextValue.viewer.user.id, cost);
          } catch (err) {
            if (err instanceof GraphQLError) {
              const status = err.extensions.code === 'RATE_LIMITED' ? 429 : 400;
              throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status } } });
            }
            throw err;
          }
        },
        async willSendResponse({ response }) {
          if (!budget) return;
          response.http.headers.set('x-ratelimit-limit', String(budget.limit));
          response.http.headers.set('x-ratelimit-remaining', String(budget.remaining));
          response.http.headers.set('x-ratelimit-used', String(budget.used));
          response.http.headers.set('x-ratelimit-reset', String(Math.ceil(budget.resetAt.getTime() / 1000)));
        },
      };
    },
  };
}

/**
 * Requests node's HTTP parser refuses before express sees them (headers over node's
 * --max-http-header-size, 16 KB by default; malformed request lines) get a JSON body in
 * GraphQL's error shape like every other refusal, instead of node's bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // As node's own handler: answer only where no response is under way on this connection, so
  // the bytes cannot land inside another response; then drop the connection.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent && err.code !== 'ECONNRESET') {
    const [status, reason, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'Request headers too large (limit 16 KB).']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'Request not received in time.']
          : [400, 'Bad Request', 'Malformed HTTP request.'];
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const KNOWN_ROUTES = new Set([...PROBES, '/graphql']);

/** The operation name a request asked for, for requests refused before Apollo parsed them. */
function requestedOperation(req: express.Request): string | null {
  const body = req.body as { query?: unknown; operationName?: unknown } | undefined;
  return body?.query !== undefined ? operationNameOf(body.query, body.operationName) : operationNameOf(req.query.query, req.query.operationName);
}

/** HTTP on one port: POST/GET /graphql, GET /healthz, /readyz and /metrics. Tests start it on port 0. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { database } = options;
  const logger = options.logger ?? createLogger('info');
  const metrics = options.metrics ?? new Metrics();
  const schema = await buildSchema();
  const policy = policyWith(options.security);
  const security = new Security(database.db, policy, (limit) => metrics.rateLimitRefused(limit), database.driver === 'pg' ? 'database' : 'memory');
  const notifier = createNotifier(database, logger, metrics);
  const sessionCache = new SessionCache(() => notifier.connected);
  const responseCache = new ResponseCache(() => notifier.connected, (options.responseCacheMb ?? 64) * 2 ** 20);
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...options.queryLimits };
  const app = express();
  app.disable('x-powered-by');
  // Only proxies named here may set X-Forwarded-For: anyone else could pick their own address and dodge the limits.
  app.set('trust proxy', policy.trustProxy);
  const trustProxy = app.get('trust proxy fn') as (addr: string, i: number) => boolean;
  const httpServer = http.createServer(app);
  httpServer.on('clientError', answerClientError);
  let draining = false;
  let migrated = false;
  app.use(accessLog(logger, metrics));
  // Preflights are answered here, before anything else runs; without origins, no CORS headers at all.
  if (options.corsOrigins?.length) app.use(corsMiddleware(options.corsOrigins));

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    formatError,
    // Answers served from the response cache are written as the text kept with them.
    stringifyResult: (result) => responseCache.stringify(result),
    persistedQueries: { cache: persistedQueryCache(database.db) },
    parseOptions: parseOptions(limits),
    validationRules: queryLimitRules(limits),
    // Inline tracing is for Apollo's federation gateway, which this hub does not sit behind; the
    // schema sets no cache hints. Both plugins would otherwise wrap every field resolver.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads Sandbox from a CDN; browsers get the hub's own explorer instead.
      ApolloServerPluginLandingPageDisabled(),
      requestLogging(logger),
      retryAfterHeader(),
      queryCostLimit(schema, limits, security),
      responseCachePlugin(responseCache, metrics),
      noSuggestionsForAnonymous(),
      serviceUnavailable(),
    ],
  });
  await apollo.start();

  // Village mobile data is slow and metered: JSON shrinks to about a third. Low levels, because
  // CPU per request matters more here than the last few per cent (brotli 4 beats gzip 9 on size
  // for these bodies at a fraction of its cost); bodies under 1 KB gain less than the headers cost.
  app.use(
    compression({
      threshold: 1024,
      level: 4,
      brotli: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } },
    }),
  );

  app.get('/healthz', async (_req, res) => {
    try {
      await database.db.execute(sql`select 1`);
      res.json({ status: 'ok', database: database.driver });
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.driver });
    }
  });

  // Liveness (/healthz) says "restart me if this fails"; readiness says "send me traffic": only
  // once this build's migrations are applied, and no longer once draining for shutdown.
  app.get('/readyz', async (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      migrated ||= await migrationsApplied(database);
      if (!migrated) {
        res.status(503).json({ status: 'migrations pending' });
        return;
      }
      await database.db.execute(sql`select 1`);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.contentType);
    res.send(await metrics.text());
  });
  app.use(downloadRoutes(database.db, logger, policy.session, sessionCache));
  if (options.explorer !== false) app.use(explorerRoutes(typeof options.explorer === 'object' ? options.explorer.dir : undefined));

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const access = res.locals.access as AccessRecord;
        const cacheGeneration = responseCache.generation;
        try {
          const viewer = await authenticate(database.db, bearerToken(req.headers.authorization), policy.session, sessionCache);
          access.userId = viewer?.user.id ?? null;
          const client = { address: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.headers['user-agent'] };
          return { ...createContext(database.db, viewer, access.requestId, { security, client, sessions: sessionCache, log: logger }), access, cacheGeneration };
        } catch (err) {
          if (err instanceof HubError && err.code === 'UNAUTHENTICATED') {
            throw new GraphQLError(err.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
          }
          if (isConnectionLost(err)) {
            const unavailable = new ServiceUnavailableError();
            throw new GraphQLError(unavailable.message, {
              extensions: { ...unavailable.extensions, http: { status: 503, headers: new Map([['retry-after', RETRY_AFTER_SECONDS]]) } },
            });
          }
          throw err;
        }
      },
    }),
  );

  // Bodies that are too large or not JSON: answered in GraphQL's error shape, not as an HTML page.
  app.use((err: any, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error('http error', { err });
    res.status(status).json({
      errors: [
        {
          message: status === 413 ? 'Request body too large (limit 1 MB).' : status === 500 ? 'Internal server error.' : 'Malformed request body.',
          extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' },
        },
      ],
    });
  });

  const db = database.db;
  const sessionSockets = new SessionSockets(db, policy.session, logger);
  notifier.listen(SESSIONS_CHANNEL, (userId) => {
    if (userId === null) sessionCache.dropAll();
    else sessionCache.dropUser(userId);
    // Answers hold the viewer as the session cache had it: one begun after the data notice but
    // before this one may have read the old profile, and its generation must not match.
    responseCache.invalidate();
    sessionSockets.recheck(userId).catch((err) => logger.warn('session recheck failed; the sweep retries', { err: (err as Error).message }));
  });
  notifier.listen(DATA_CHANNEL, () => responseCache.invalidate());
  const feed: ActivityFeed = new ActivityFeed(db, notifier, logger, (rows) => hub.onRows(rows), metrics);
  const hub = new SubscriptionHub({ db, schema, feed, logger, maskErrors, metrics });
  await feed.start();
  sessionSockets.start();
  const socketLeases = new SocketLeases(db, policy.limits.socketsPerUser, policy.limits.socketLeaseSeconds, logger);
  await socketLeases.start({ alone: database.driver === 'pglite' });
  const limiterSweep = setInterval(() => {
    security.sweep().catch((err) => logger.warn('rate limit sweep failed', { err: (err as Error).message }));
  }, 5 * 60_000);
  limiterSweep.unref();
  const ws = attachWebSocketServer({
    httpServer,
    path: '/graphql',
    schema,
    db,
    hub,
    logger,
    metrics,
    limits: options.webSocket,
    queryLimits: limits,
    security,
    sessionCache,
    onMutation: () => responseCache.invalidate(),
    sessionSockets,
    socketLeases,
    clientAddress: (request) => proxyaddr(request, trustProxy),
  });
  const raw = database.raw;
  metrics.observe({
    subscriptions: () => hub.subscriberCount,
    listenerConnected: () => feed.listening,
    pool: raw.kind === 'pg' ? () => ({ total: raw.pool.totalCount, idle: raw.pool.idleCount, waiting: raw.pool.waitingCount, max: raw.pool.options.max ?? 10 }) : undefined,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    httpServer,
    feed,
    hub,
    security,
    sessionCache,
    responseCache,
    sessionSockets,
    socketLeases,
    metrics,
    drain() {
      draining = true;
    },
    async stop() {
      draining = true;
      clearInterval(limiterSweep);
      sessionSockets.stop();
      // Sockets first (clients resume by cursor elsewhere), then in-flight HTTP requests drain.
      await ws.close();
      await socketLeases.stop();
      logger.debug('websockets closed');
      await feed.stop();
      logger.debug('activity feed stopped');
      await apollo.stop();
      logger.debug('http drained');
      // Query budget charges counted in memory go to the store before the pool closes.
      await security.close().catch((err) => logger.warn('query budget flush failed', { err: (err as Error).message }));
    },
  };
}
