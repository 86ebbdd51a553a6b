import pg from 'pg';
import type { StatementCache } from './statement-cache';

/** Connections that carry the pool's one-shot statements, pipelined. */
export const DEFAULT_PIPELINE_LANES = 3;

type Settle = { resolve(value: pg.QueryResult): void; reject(reason: unknown): void };
type Waiting = Settle & { config: pg.QueryConfig; values: unknown[] | undefined };

/**
 * One connection in pipeline mode: every statement is written as it comes (Parse/Bind/Execute/
 * Sync, so each stays its own implicit transaction and its own error), without waiting for the
 * answer to the one before. The statements handed to it in one turn of the event loop leave in a
 * single socket write: the stream is corked at the first and uncorked at setImmediate.
 */
class Lane {
  private client: pg.Client | undefined;
  private ready = false;
  private waiting: Waiting[] = [];
  private corked = false;
  /** Statements sent or waiting and not yet answered. */
  inFlight = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly statements: StatementCache,
    private readonly onError: (err: Error) => void,
  ) {}

  query(config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    this.inFlight++;
    const answer = this.ready && this.client ? this.send(this.client, config, values) : this.wait(config, values);
    return answer.finally(() => this.inFlight--);
  }

  private send(client: pg.Client, config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    if (!this.corked) {
      const stream = (client as unknown as { connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } } }).connection.stream;
      stream.cork();
      this.corked = true;
      setImmediate(() => {
        this.corked = false;
        stream.uncork();
      });
    }
    return client.query(config, values);
  }

  private wait(config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    const answer = new Promise<pg.QueryResult>((resolve, reject) => this.waiting.push({ config, values, resolve, reject }));
    if (!this.client) this.open();
    return answer;
  }

  private open(): void {
    const client = new pg.Client({ ...this.config, pipeline: true } as pg.ClientConfig);
    this.client = client;
    this.statements.attach(client as unknown as pg.PoolClient);
    // A lost connection fails what it carried (pg rejects those) and the next statement opens a new one.
    client.on('error', (err) => {
      this.drop(client);
      this.onError(err);
    });
    client.on('end', () => this.drop(client));
    client.connect().then(
      () => {
        if (this.client !== client) return;
        this.ready = true;
        for (const w of this.waiting.splice(0)) this.send(client, w.config, w.values).then(w.resolve, w.reject);
      },
      (err: unknown) => {
        this.drop(client);
        for (const w of this.waiting.splice(0)) w.reject(err);
      },
    );
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.ready = false;
    this.corked = false;
  }

  async end(): Promise<void> {
    const client = this.client;
    this.drop(client as pg.Client);
    if (client) await client.end().catch(() => undefined);
  }
}

/**
 * A pg.Pool whose one-shot statements (`pool.query` with parameters: drizzle's queries outside
 * a transaction, which is every statement of the reply path) share a few pipelined connections,
 * so the statements of many messages leave in one socket write and a backend reads them in one
 * wake-up. On this project's benchmark machine a socket write to Postgres cost about 0.25 ms of
 * the server's thread, a fifth of its time at 200 messages/s with four statements per message.
 *
 * Transactions (`pool.connect()`), Graphile Worker's clients, statements without parameters
 * (possibly several in one text, which only the simple protocol takes) and callback or cursor
 * queries keep the ordinary pooled connections. A statement pipelined behind a slow one waits
 * for it; each turn's statements go to the lane with the fewest in flight, so a slow statement
 * holds back only what was sent with it.
 */
export class PipelinedPool extends pg.Pool {
  private readonly lanes: Lane[];
  private turnLane: Lane | undefined;

  constructor(config: pg.PoolConfig, statements: StatementCache, lanes: number, onError: (err: Error) => void) {
    super(config);
    this.lanes = Array.from({ length: lanes }, () => new Lane(config, statements, onError));
  }

  override query(...args: unknown[]): never {
    const [config, values, callback] = args;
    const plain = pipelinable(config, values, callback);
    if (!plain || this.lanes.length === 0) return (super.query as (...a: unknown[]) => never)(...args);
    return this.laneForThisTurn().query(plain.config, plain.values) as never;
  }

  private laneForThisTurn(): Lane {
    if (this.turnLane) return this.turnLane;
    let lane = this.lanes[0] as Lane;
    for (const candidate of this.lanes) if (candidate.inFlight < lane.inFlight) lane = candidate;
    this.turnLane = lane;
    setImmediate(() => (this.turnLane = undefined));
    return lane;
  }

  override async end(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.end()));
    await super.end();
  }
}

/** The statement as a config and values when it can be pipelined, else undefined. */
function pipelinable(config: unknown, values: unknown, callback: unknown): { config: pg.QueryConfig; values: unknown[] } | undefined {
  if (callback !== undefined || typeof values === 'function') return undefined;
  const queryConfig: pg.QueryConfig = typeof config === 'string' ? { text: config } : (config as pg.QueryConfig);
  if (typeof queryConfig !== 'object' || queryConfig === null || typeof queryConfig.text !== 'string') return undefined;
  if (typeof (queryConfig as { submit?: unknown }).submit === 'function' || (queryConfig as { rows?: unknown }).rows !== undefined) return undefined;
  const params = Array.isArray(values) ? values : queryConfig.values;
  if (!Array.isArray(params) || params.length === 0) return undefined;
  return { config: queryConfig, values: params };
}
