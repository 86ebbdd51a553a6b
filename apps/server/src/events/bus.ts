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
// NOTIFY payloads are capped at 8000 bytes by Postgres; larger events carry ids only.
const MAX_PAYLOAD = 7_900;

/**
 * Cross-process pub/sub over Postgres LISTEN/NOTIFY, so any number of api and worker
 * processes see the same events without another moving part.
 */
export class EventBus {
  private readonly local = new EventEmitter();
  private client: pg.PoolClient | null = null;
  private closed = false;

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
    try {
      const client = await this.pool.connect();
      client.on('notification', (msg) => {
        if (msg.channel !== CHANNEL || !msg.payload) return;
        try {
          this.local.emit('event', JSON.parse(msg.payload) as BusEvent);
        } catch (err) {
          this.logger.warn({ err }, 'dropped an unreadable bus event');
        }
      });
      client.on('error', (err) => {
        this.logger.warn({ err }, 'event bus connection lost; reconnecting');
        this.release(true);
        setTimeout(() => void this.connect(), 1_000).unref();
      });
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.logger.warn({ err }, 'event bus could not listen; retrying');
      setTimeout(() => void this.connect(), 1_000).unref();
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
    let payload = JSON.stringify(event);
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ workspaceId: event.workspaceId, type: event.type, data: { truncated: true } });
    await executor.query('select pg_notify($1, $2)', [CHANNEL, payload]);
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
