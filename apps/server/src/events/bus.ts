import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from '../logger';

/** An event every process hears: inbox updates for SSE, cache invalidations. */
export interface BusEvent {
  workspaceId: string;
  type: string;
  data?: Record<string, unknown>;
}

const CHANNEL = 'switchboard_events';
/**
 * Emitted locally (workspaceId `*`) when the LISTEN connection is back after a loss: notifications
 * sent meanwhile were missed, so caches that rely on them should drop everything.
 */
export const BUS_RECONNECTED = 'bus.reconnected';
// NOTIFY payloads are capped at 8000 bytes by Postgres; larger events carry ids only.
const MAX_PAYLOAD = 7_900;

function encode(event: BusEvent): string {
  const payload = JSON.stringify(event);
  return payload.length > MAX_PAYLOAD
    ? JSON.stringify({ workspaceId: event.workspaceId, type: event.type, data: { truncated: true } })
    : payload;
}

/**
 * Cross-process pub/sub over Postgres LISTEN/NOTIFY, so any number of api and worker
 * processes see the same events without another moving part.
 */
export class EventBus {
  private readonly local = new EventEmitter();
  private client: pg.PoolClient | null = null;
  private closed = false;
  private lost = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    this.local.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      this.lost = true;
      this.logger.warn({ err: (err as Error).message }, 'event bus could not connect; retrying');
      setTimeout(() => void this.connect(), 1_000).unref();
      return;
    }
    // One way out per connection, whether LISTEN fails or the connection drops later: two
    // reconnects would mean two listeners and every event delivered twice.
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      this.lost = true;
      this.logger.warn({ err: err.message }, 'event bus connection lost; reconnecting');
      if (this.client === client) this.client = null;
      try {
        client.release(true);
      } catch {
        // already released
      }
      setTimeout(() => void this.connect(), 1_000).unref();
    };
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        this.local.emit('event', JSON.parse(msg.payload) as BusEvent);
      } catch (err) {
        this.logger.warn({ err }, 'dropped an unreadable bus event');
      }
    });
    client.on('error', fail);
    try {
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      fail(err as Error);
      return;
    }
    if (this.closed) {
      client.release();
      return;
    }
    this.client = client;
    if (this.lost) {
      this.lost = false;
      this.logger.info('event bus listening again');
      this.local.emit('event', { workspaceId: '*', type: BUS_RECONNECTED } satisfies BusEvent);
    }
  }

  private release(destroy: boolean) {
    const client = this.client;
    this.client = null;
    try {
      client?.release(destroy);
    } catch {
      // already released
    }
  }

  /** Publishes to every process (including this one, through Postgres). */
  async publish(event: BusEvent, executor: { query: pg.Pool['query'] } = this.pool): Promise<void> {
    await executor.query('select pg_notify($1, $2)', [CHANNEL, encode(event)]);
  }

  /** Publishes several events, in order, with one statement (one transaction, one round trip). */
  async publishMany(events: BusEvent[]): Promise<void> {
    if (!events.length) return;
    await this.pool.query('select pg_notify($1, p) from unnest($2::text[]) with ordinality as e(p, n) order by n', [
      CHANNEL,
      events.map(encode),
    ]);
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.local.on('event', listener);
    return () => this.local.off('event', listener);
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.release(false);
  }
}
