import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);

/** The socket of a pg connection, which the lanes cork to send a turn's statements in one write. */
export type CorkableStream = NodeJS.WritableStream & {
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
  readonly writableLength: number;
};

/** The pipelined lanes cannot run on the node-postgres that is installed. */
export class DriverChangedError extends Error {
  constructor(what: string) {
    super(
      `Pipelined database connections do not work with node-postgres ${installedPgVersion()} (pinned: ${pinnedPgVersion()}): ${what}. ` +
        'Set DATABASE_PIPELINE_LANES=0 to run without them, or check packages/db/src/driver against this version.',
    );
    this.name = 'DriverChangedError';
  }
}

export function installedPgVersion(): string {
  return (require('pg/package.json') as { version: string }).version;
}

/** The exact version packages/db/package.json pins: the one the lanes were written and tested against. */
export function pinnedPgVersion(): string {
  return (require('../../package.json') as { dependencies: Record<string, string> }).dependencies.pg ?? 'none';
}

/**
 * The connection's socket: not part of pg's API (a Client's `connection.stream`), hence the checks
 * here and in checkPipelinedRoundTrip.
 */
export function streamOf(client: pg.Client): CorkableStream {
  const stream = (client as unknown as { connection?: { stream?: Partial<CorkableStream> } }).connection?.stream;
  if (typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function' || typeof stream.writableCorked !== 'number') {
    throw new DriverChangedError('a client has no corkable connection.stream');
  }
  return stream as CorkableStream;
}

/**
 * Run when a pool with lanes is opened, before any connection: the installed pg is the pinned one
 * and a pipelined client still has the members the lanes use. Throws DriverChangedError otherwise.
 */
export function checkDriver(installed = installedPgVersion(), pinned = pinnedPgVersion()): void {
  if (installed !== pinned) throw new DriverChangedError(`the installed version is not the pinned one`);
  const client = new pg.Client({ pipeline: true });
  if (client.pipeline !== true) throw new DriverChangedError('the pipeline option is not taken');
  streamOf(client);
}

/**
 * Run on each lane's connection before it carries a statement: two statements sent while the
 * socket is corked must both be held in it (written without waiting for an answer, into the socket
 * the lane corks) and, once uncorked, be answered in order. Throws DriverChangedError otherwise.
 */
export async function checkPipelinedRoundTrip(client: pg.Client): Promise<void> {
  const stream = streamOf(client);
  const held = [stream.writableLength];
  stream.cork();
  let answers: Promise<pg.QueryResult<{ n: number }>[]>;
  try {
    const first = client.query<{ n: number }>('select $1::int as n', [1]);
    held.push(stream.writableLength);
    const second = client.query<{ n: number }>('select $1::int as n', [2]);
    held.push(stream.writableLength);
    answers = Promise.all([first, second]);
  } finally {
    stream.uncork();
  }
  const rows = (await answers).map((result) => result.rows[0]?.n);
  if (!(held[0]! < held[1]! && held[1]! < held[2]!))
    throw new DriverChangedError('statements were not held in the corked socket one behind the other');
  if (rows[0] !== 1 || rows[1] !== 2) throw new DriverChangedError(`pipelined statements were answered ${JSON.stringify(rows)}, not [1,2]`);
}
