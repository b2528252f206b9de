import type http from 'node:http';
import { GraphQLError, getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { makeServer, CloseCode, handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Db } from '../db/client.js';
import { createContext, type Viewer } from '../context.js';
import { HubError } from '../errors.js';
import type { Logger } from '../logger.js';
import { authenticate } from '../modules/users/user.service.js';
import type { SubscriptionHub, SubscriptionSpec } from './hub.js';
import { DocumentCache, prepareSubscription } from './subscriptions.js';

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

interface Extra {
  socket: WebSocket;
  viewer: Viewer | null;
  authError: GraphQLError | null;
}

function coded(err: unknown): GraphQLError {
  if (err instanceof HubError) return err;
  if (err instanceof GraphQLError) return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
  throw err;
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
  limits?: Partial<WebSocketLimits>;
}) {
  const limits = { ...DEFAULT_WS_LIMITS, ...opts.limits };
  const { schema, db, hub, logger } = opts;
  const documents = new DocumentCache(schema);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, handleProtocols });

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    connectionInitWaitTimeout: limits.connectionInitWaitMs,
    async onConnect(ctx) {
      const token = ctx.connectionParams?.authToken;
      try {
        ctx.extra.viewer = typeof token === 'string' && token ? await authenticate(db, token) : null;
      } catch (err) {
        ctx.extra.authError = coded(err);
      }
      return true;
    },
    async onSubscribe(ctx, _id, payload) {
      const extra = ctx.extra;
      if (extra.authError) return [extra.authError];
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
        return [
          new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection.`, {
            extensions: { code: 'RATE_LIMITED' },
          }),
        ];
      }
      const prepared = documents.get(payload.query);
      if (prepared.errors.length) return [...prepared.errors];
      const operation = getOperationAST(prepared.document, payload.operationName);
      if (!operation) return [new GraphQLError('Unable to identify the operation.', { extensions: { code: 'BAD_USER_INPUT' } })];
      const variables = payload.variables ?? {};
      if (operation.operation !== 'subscription') {
        // Queries and mutations over the socket run as they would over HTTP.
        return {
          schema,
          document: prepared.document,
          operationName: payload.operationName,
          variableValues: variables,
          contextValue: createContext(db, extra.viewer),
        } satisfies ExecutionArgs;
      }
      try {
        const spec = await prepareSubscription(db, schema, extra.viewer, prepared, payload.query, payload.operationName, variables);
        // The hub executes with contexts of its own; this only carries the spec to `subscribe`.
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: variables, contextValue: { spec } };
      } catch (err) {
        return [coded(err)];
      }
    },
    subscribe(args) {
      return hub.open((args.contextValue as { spec: SubscriptionSpec }).spec);
    },
  });

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

  wss.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.once('error', (err) => {
      logger.warn('websocket error', { err: err.message });
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const extra: Extra = { socket, viewer: null, authError: null };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send(data) {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > limits.maxBufferedBytes) {
            socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Too slow: resubscribe with after = your last cursor');
            return;
          }
          socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage(cb) {
          socket.on('message', (data) => {
            alive.add(socket);
            cb(String(data)).catch((err) => {
              logger.error('websocket message handling failed', { err });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          });
        },
      },
      extra,
    );
    socket.once('close', (code, reason) => void closed(code, String(reason)));
  });

  const onUpgrade = (request: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== opts.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  opts.httpServer.on('upgrade', onUpgrade);

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
