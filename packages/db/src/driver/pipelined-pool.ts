import pg from 'pg';
import { checkPipelinedRoundTrip, DriverChangedError, streamOf } from './self-check';

/** Connections that carry the pool's one-shot statements, pipelined. */
export const DEFAULT_PIPELINE_LANES = 3;

/** Statements on a lane commit without waiting for the WAL flush; the turn's FLUSH_WAL waits for all. */
const LAZY_SESSION = 'set synchronous_commit = off';
/**
 * A commit that waits for the WAL flush. Postgres flushes at commit only for a transaction that
 * wrote WAL of its own: a transactional logical message is the smallest such write any role may
 * make, at any wal_level (logical decoding consumers, if any, see it under this prefix).
 */
const FLUSH_WAL: pg.QueryConfig = {
  // Named, so each connection parses and plans it once, not at every turn.
  name: 'sb_flush_wal',
  text: "select set_config('synchronous_commit', 'on', true), pg_logical_emit_message(true, 'switchboard.flush', '')",
};

type Waiting = {
  config: pg.QueryConfig;
  values: unknown[] | undefined;
  resolve(value: pg.QueryResult): void;
  reject(reason: unknown): void;
};

/**
 * One connection in pipeline mode: every statement is written as it comes (Parse/Bind/Execute/
 * Sync, so each stays its own implicit transaction and its own error), without waiting for the
 * answer to the one before. The statements handed to it in one turn of the event loop leave in a
 * single socket write (the stream is corked at the first and uncorked at setImmediate), followed
 * by one WAL flush for all of them (see startTurn).
 */
class Lane {
  private client: pg.Client | undefined;
  private ready = false;
  private waiting: Waiting[] = [];
  /** The current turn's flush, while statements are being gathered for one write. */
  private turn: Promise<void> | undefined;
  /** Statements sent or waiting and not yet answered. */
  inFlight = 0;

  constructor(
    private readonly config: pg.PoolConfig,
    private readonly onError: (err: Error) => void,
  ) {}

  query(config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    this.inFlight++;
    const answer = this.ready && this.client ? this.send(this.client, config, values) : this.wait(config, values);
    return answer.finally(() => this.inFlight--);
  }

  private send(client: pg.Client, config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    const durable = (this.turn ??= this.startTurn(client));
    // A failed statement rolled back: nothing of it to wait for. One that succeeded is answered
    // once the turn's flush has made it durable.
    return client.query(config, values).then((result) => durable.then(() => result));
  }

  /**
   * Corks the stream for this turn and, when the turn ends, writes one durable commit behind the
   * turn's statements and uncorks: one socket write, one WAL flush. The connection's statements
   * commit with synchronous_commit off (see open()), and WAL is one sequence, so that flush makes
   * every commit before it durable: group commit, done here because a pipelined backend runs its
   * statements one by one and could not share one flush among them on its own.
   */
  private startTurn(client: pg.Client): Promise<void> {
    const stream = streamOf(client);
    stream.cork();
    let flushed!: (done: Promise<unknown>) => void;
    const durable = new Promise<unknown>((resolve) => (flushed = resolve)).then(() => undefined);
    // Only statements that succeeded wait on it; it must not be an unhandled rejection when none did.
    durable.catch(() => undefined);
    setImmediate(() => {
      // The connection may have been lost and replaced meanwhile: its turn is not this one's to end.
      if (this.turn === durable) this.turn = undefined;
      flushed(client.query(FLUSH_WAL));
      stream.uncork();
    });
    return durable;
  }

  private wait(config: pg.QueryConfig, values: unknown[] | undefined): Promise<pg.QueryResult> {
    const answer = new Promise<pg.QueryResult>((resolve, reject) => this.waiting.push({ config, values, resolve, reject }));
    if (!this.client) this.open();
    return answer;
  }

  private open(): void {
    // The pool's own Client class (e.g. one that prepares repeated statements), as pg.Pool would use.
    const ClientClass = (this.config.Client ?? pg.Client) as typeof pg.Client;
    const client = new ClientClass({ ...this.config, pipeline: true });
    this.client = client;
    // A lost connection fails what it carried (pg rejects those) and the next statement opens a new one.
    client.on('error', (err: Error) => {
      this.drop(client);
      this.onError(err);
    });
    client.on('end', () => this.drop(client));
    client
      .connect()
      .then(() => checkPipelinedRoundTrip(client))
      .then(() => client.query(LAZY_SESSION))
      .then(
        () => {
          if (this.client !== client) return;
          this.ready = true;
          for (const w of this.waiting.splice(0)) this.send(client, w.config, w.values).then(w.resolve, w.reject);
        },
        (err: unknown) => {
          this.drop(client);
          client.end().catch(() => undefined);
          if (err instanceof DriverChangedError) this.onError(err);
          for (const w of this.waiting.splice(0)) w.reject(err);
        },
      );
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.ready = false;
    this.turn = undefined;
  }

  async end(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.drop(client);
    await client.end().catch(() => undefined);
  }
}

/**
 * A pg.Pool whose one-shot statements (`pool.query` with parameters: drizzle's queries outside
 * a transaction, which is every statement of the reply path) share a few pipelined connections,
 * so the statements of many messages leave in one socket write, a backend reads them in one
 * wake-up, and their commits share one WAL flush. Where the server and Postgres share a few cores,
 * a socket write per statement and a WAL flush per commit are a large part of a message's cost
 * (docs/decisions/002-pipelined-connections.md). DATABASE_PIPELINE_LANES=0 turns it off.
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

  constructor(config: pg.PoolConfig, lanes: number, onError: (err: Error) => void) {
    super(config);
    this.lanes = Array.from({ length: lanes }, () => new Lane(config, onError));
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
  if (typeof (queryConfig as { submit?: unknown }).submit === 'function' || (queryConfig as { rows?: unknown }).rows !== undefined)
    return undefined;
  const params = Array.isArray(values) ? values : queryConfig.values;
  if (!Array.isArray(params) || params.length === 0) return undefined;
  return { config: queryConfig, values: params };
}
