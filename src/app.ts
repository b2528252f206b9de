import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import compression from 'compression';
import { constants as zlib } from 'node:zlib';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import { sql } from 'drizzle-orm';
import type { Database } from './db/client.js';
import { createContext, type Context } from './context.js';
import { HubError } from './errors.js';
import { formatError, isExpected, maskErrors } from './error-masking.js';
import { createLogger, type Logger } from './logger.js';
import { buildSchema } from './schema.js';
import { bearerToken } from './auth/tokens.js';
import { authenticate } from './modules/users/user.service.js';
import { queryLimitsRule } from './shared/limits.js';
import { downloadRoutes } from './modules/reports/download.routes.js';
import { persistedQueryCache } from './shared/persisted-queries.js';
import { ActivityFeed } from './realtime/feed.js';
import { SubscriptionHub } from './realtime/hub.js';
import { createNotifier } from './realtime/notifier.js';
import { attachWebSocketServer, type WebSocketLimits } from './realtime/ws-server.js';

export interface AppOptions {
  database: Database;
  logger?: Logger;
  port?: number;
  host?: string;
  webSocket?: Partial<WebSocketLimits>;
}

export interface App {
  url: string;
  /** The same endpoint for graphql-ws clients: ws://host:port/graphql. */
  wsUrl: string;
  port: number;
  httpServer: http.Server;
  feed: ActivityFeed;
  hub: SubscriptionHub;
  stop(): Promise<void>;
}


/** Logs unexpected errors with the request id, which masked errors carry for support. */
function requestLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, request }) {
          for (const error of errors) {
            if (isExpected(error)) continue;
            logger.error('unexpected error', {
              requestId: contextValue?.requestId,
              operation: request.operationName,
              path: error.path?.join('.'),
              err: unwrapResolverError(error),
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
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

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** HTTP on one port: POST/GET /graphql and GET /healthz. Tests start it on port 0. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { database } = options;
  const logger = options.logger ?? createLogger('info');
  const schema = await buildSchema();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    formatError,
    persistedQueries: { cache: persistedQueryCache(database.db) },
    validationRules: [queryLimitsRule({ maxDepth: 12, maxAliases: 30 })],
    // Inline tracing is for Apollo's federation gateway, which this hub does not sit behind; the
    // schema sets no cache hints. Both plugins would otherwise wrap every field resolver.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      requestLogging(logger),
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

  app.use(downloadRoutes(database.db, logger));

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
        try {
          const viewer = await authenticate(database.db, bearerToken(req.headers.authorization));
          return createContext(database.db, viewer, requestId);
        } catch (err) {
          if (err instanceof HubError && err.code === 'UNAUTHENTICATED') {
            throw new GraphQLError(err.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
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
  const feed: ActivityFeed = new ActivityFeed(db, createNotifier(database, logger), logger, (rows) => hub.onRows(rows));
  const hub = new SubscriptionHub({ db, schema, feed, logger, maskErrors });
  await feed.start();
  const ws = attachWebSocketServer({ httpServer, path: '/graphql', schema, db, hub, logger, limits: options.webSocket });

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
    async stop() {
      // Sockets first (clients resume by cursor elsewhere), then in-flight HTTP requests drain.
      await ws.close();
      logger.debug('websockets closed');
      await feed.stop();
      logger.debug('activity feed stopped');
      await apollo.stop();
      logger.debug('http drained');
    },
  };
}
