import { Kind, parse } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Operation names come from clients: past this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export type Transport = 'http' | 'ws';

/**
 * The operation name of a request refused before it was parsed (401, CSRF, a refused
 * subscription): the one given, else the name of the document's only operation.
 */
export function operationNameOf(query: unknown, operationName: unknown): string | null {
  if (typeof operationName === 'string' && operationName) return operationName;
  if (typeof query !== 'string') return null;
  try {
    const operations = parse(query, { maxTokens: 5_000, noLocation: true }).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    return operations.length === 1 ? (operations[0].name?.value ?? null) : null;
  } catch {
    return null;
  }
}

/** Where the live numbers come from; read at scrape time, so nothing has to push them. */
export interface MetricSources {
  /** Open WebSocket connections. */
  sockets?: () => number;
  /** Active subscriptions on this instance. */
  subscriptions?: () => number;
  /** node-postgres pool counts; absent on PGlite (one connection in this process). */
  pool?: () => { total: number; idle: number; waiting: number; max: number };
  /** Whether the activity listener (LISTEN) is connected. */
  listenerConnected?: () => boolean;
}

/**
 * The hub's Prometheus metrics, on a registry of this app instance's own (never prom-client's
 * global one), so several instances in one process (the tests) do not share or clash.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private sources: MetricSources = {};

  readonly requests = new Counter({
    name: 'hub_graphql_requests_total',
    help: 'GraphQL operations by transport, operation type and name, and outcome (ok or the first error code).',
    labelNames: ['transport', 'type', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'hub_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL query or mutation, by transport, operation type and name.',
    labelNames: ['transport', 'type', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'hub_http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly socketsOpened = new Counter({
    name: 'hub_websocket_connections_opened_total',
    help: 'WebSocket connections accepted.',
    registers: [this.registry],
  });

  readonly socketsClosed = new Counter({
    name: 'hub_websocket_connections_closed_total',
    help: 'WebSocket connections closed, by close code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly fanoutLatency = new Histogram({
    name: 'hub_fanout_delivery_seconds',
    help: 'From the activity feed reading an event to its result written to every recipient socket of one subscription group.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly fanoutRecipients = new Counter({
    name: 'hub_fanout_deliveries_total',
    help: 'Subscription results written to sockets.',
    registers: [this.registry],
  });

  readonly notifierLag = new Histogram({
    name: 'hub_notifier_lag_seconds',
    help: 'From an activity row being written (its occurred_at, database clock) to this instance reading it from the log.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly notifierReconnects = new Counter({
    name: 'hub_notifier_reconnects_total',
    help: 'Times the activity listener (LISTEN connection) was lost and re-established.',
    registers: [this.registry],
  });

  readonly responseCache = new Counter({
    name: 'hub_response_cache_lookups_total',
    help: 'Queries over HTTP looked up in the response cache, by outcome (hit or miss).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new Counter({
    name: 'hub_rate_limit_refusals_total',
    help: 'Requests or operations refused by a limit (RATE_LIMITED), by the limit that refused them.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const { registry } = this;
    // prom-client calls `collect` with the gauge as `this`; the sources live on this instance.
    const self = this;
    new Gauge({
      name: 'hub_websocket_connections',
      help: 'Open WebSocket connections.',
      registers: [registry],
      collect: function () {
        self.setGauge(this, self.sources.sockets);
      },
    });
    new Gauge({
      name: 'hub_subscriptions',
      help: 'Active subscriptions.',
      registers: [registry],
      collect: function () {
        self.setGauge(this, self.sources.subscriptions);
      },
    });
    new Gauge({
      name: 'hub_notifier_connected',
      help: '1 while the activity listener is connected (always 1 on PGlite, which notifies in-process).',
      registers: [registry],
      collect: function () {
        const connected = self.sources.listenerConnected;
        if (connected) this.set(connected() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_db_pool_connections',
      help: 'PostgreSQL pool connections by state: total (open), idle, waiting (requests queued for one), max (the pool size).',
      labelNames: ['state'] as const,
      registers: [registry],
      collect: function () {
        const pool = self.sources.pool?.();
        if (!pool) return;
        for (const [state, value] of Object.entries(pool)) this.set({ state }, value);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hub_' });
  }

  private setGauge(gauge: Gauge, source: (() => number) | undefined) {
    if (source) gauge.set(source());
  }

  /** Connects the gauges read at scrape time to the parts of the app that know the numbers. */
  observe(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /**
   * The label for a client-chosen operation name: bounded, so a client sending a fresh name per
   * request cannot grow the registry without end.
   */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }

  /** One GraphQL operation answered (HTTP request or WebSocket operation). */
  operation(o: { transport: Transport; type: string; operation: string | null | undefined; outcome: string; seconds?: number }): void {
    const operation = this.operationLabel(o.operation);
    this.requests.inc({ transport: o.transport, type: o.type, operation, outcome: o.outcome });
    if (o.seconds !== undefined) this.duration.observe({ transport: o.transport, type: o.type, operation }, o.seconds);
  }

  /**
   * The hook for limits (rate limits, per-connection caps): call it once per refusal with a
   * short stable name of the limit, e.g. `signIn`, `mutations`, `subscriptionsPerConnection`.
   */
  rateLimitRefused(limit: string): void {
    this.rateLimitRefusals.inc({ limit });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
