import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ACTIVITY_CHANNEL } from './activity-log.js';

/**
 * Tells the feed that activity may have been committed. Signals carry no data the feed relies
 * on: it always reads the log itself from its last cursor, so a lost or doubled signal is harmless.
 * PostgreSQL's NOTIFY serves several instances; Redis or NATS could replace it behind this interface.
 */
export interface Notifier {
  start(signal: () => void): Promise<void>;
  stop(): Promise<void>;
  /** Whether signals can arrive now (false while a lost listener reconnects). */
  readonly connected: boolean;
  /**
   * Another channel beside the activity log's, registered before `start`. The handler gets each
   * payload, and null after a reconnect: notices sent meanwhile are lost, so recheck everything.
   */
  listen(channel: string, handler: ChannelHandler): void;
}

export type ChannelHandler = (payload: string | null) => void;

/** One dedicated LISTEN connection per instance, re-established when it drops. */
export class PgNotifier implements Notifier {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, ChannelHandler>();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lost = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  async start(signal: () => void): Promise<void> {
    await this.connect(signal);
  }

  private async connect(signal: () => void): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'hub-listener' });
    const lost = (why: string) => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.lost = true;
      client.removeAllListeners();
      client.end().catch(() => {});
      this.logger.warn('activity listener connection lost; reconnecting', { why });
      this.schedule(signal);
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (msg) => {
      if (msg.channel === ACTIVITY_CHANNEL) signal();
      else this.channels.get(msg.channel)?.(msg.payload ?? null);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ACTIVITY_CHANNEL}`);
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      client.removeAllListeners();
      client.end().catch(() => {});
      if (this.attempt === 0 && !this.client) throw err;
      this.logger.warn('activity listener could not reconnect yet', { err: (err as Error).message });
      this.schedule(signal);
      return;
    }
    this.client = client;
    this.attempt = 0;
    if (this.lost) {
      this.lost = false;
      this.metrics?.notifierReconnects.inc();
      this.logger.info('activity listener reconnected');
    }
    // NOTIFY is not queued for a listener that is away: catch up on whatever committed meanwhile.
    signal();
    for (const handler of this.channels.values()) handler(null);
  }

  listen(channel: string, handler: ChannelHandler): void {
    this.channels.set(channel, handler);
  }

  private schedule(signal: () => void) {
    if (this.stopped) return;
    const delay = Math.min(5_000, 100 * 2 ** this.attempt++);
    this.retry = setTimeout(() => void this.connect(signal), delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}

/** PGlite lives in this process: its own LISTEN/NOTIFY delivers in-process. */
export class PgliteNotifier implements Notifier {
  private readonly unlisten: (() => Promise<void>)[] = [];
  private readonly channels = new Map<string, ChannelHandler>();
  constructor(private readonly client: PGlite) {}

  get connected(): boolean {
    return this.unlisten !== undefined;
  }

  async start(signal: () => void): Promise<void> {
    this.unlisten.push(await this.client.listen(ACTIVITY_CHANNEL, () => signal()));
    for (const [channel, handler] of this.channels) this.unlisten.push(await this.client.listen(channel, (payload) => handler(payload)));
  }

  listen(channel: string, handler: ChannelHandler): void {
    this.channels.set(channel, handler);
  }

  async stop(): Promise<void> {
    for (const unlisten of this.unlisten.splice(0)) await unlisten().catch(() => {});
  }
}

export function createNotifier(database: Database, logger: Logger, metrics?: Metrics): Notifier {
  return database.raw.kind === 'pg' ? new PgNotifier(database.raw.url, logger, metrics) : new PgliteNotifier(database.raw.client);
}
