import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { makeServer, CloseCode, handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatError } from '../error-masking.js';
import type { Db } from '../db/client.js';
import { createContext, type Viewer } from '../context.js';
import { HubError } from '../errors.js';
import type { Logger } from '../logger.js';
import { authenticate } from '../modules/users/user.service.js';
import type { ResultSink, SubscriptionHub, SubscriptionSpec } from './hub.js';
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

/** Parse and validation errors, coded as Apollo codes them over HTTP. */
function documentError(err: GraphQLError, document: DocumentNode): GraphQLError {
  if (err.extensions.code) return err;
  const code = document.definitions.length === 0 ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
  return new GraphQLError(err.message, { nodes: err.nodes, source: err.source, positions: err.positions, extensions: { ...err.extensions, code } });
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
    async onSubscribe(ctx, id, payload) {
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
      if (prepared.errors.length) return prepared.errors.map((err) => documentError(err, prepared.document));
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
        const frameStart = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
        const sink = (json: string) => write(extra.socket, frameStart + json + '}');
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: variables, contextValue: { spec, sink } };
      } catch (err) {
        return [coded(err)];
      }
    },
    subscribe(args) {
      const { spec, sink } = args.contextValue as { spec: SubscriptionSpec; sink: ResultSink };
      return hub.open(spec, sink);
    },
    onNext(_ctx, _id, payload, args, result) {
      // Subscription events come masked from the hub. Queries and mutations over the socket are
      // masked and logged here as Apollo does over HTTP: raw errors would show SQL and parameters.
      if (!result.errors?.length || getOperationAST(args.document, args.operationName)?.operation === 'subscription') return;
      const requestId = randomUUID();
      const errors = result.errors.map((err) => {
        const formatted = formatError(err.toJSON(), err);
        if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
        logger.error('unexpected error', { requestId, operation: payload.operationName, path: err.path?.join('.'), err: err.originalError ?? err });
        return { ...formatted, extensions: { ...formatted.extensions, requestId } };
      });
      return { ...result, errors };
    },
  });

  /** Every message out goes through here: a socket that stops reading is closed, not buffered without end. */
  function write(socket: WebSocket, data: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Too slow: resubscribe with after = your last cursor');
      return;
    }
    socket.send(data);
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
        send: (data) => write(socket, data),
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
