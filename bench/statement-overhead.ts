import pg from 'pg';
import { sampleServer } from './proc';
import { round } from './stats';

const ROWS = 8_000;
const CONNECTIONS = 4;
const BATCHES = [1, 4, 16];

export interface StatementOverhead {
  /** Rows per statement. */
  batch: number;
  /** CPU of the Postgres backends that ran the statements, per row written, in µs. */
  backendUsPerRow: number;
  rowsPerS: number;
}

/**
 * What a statement costs Postgres apart from its rows: the same inbound-message rows written one
 * per statement and several per statement, into a scratch copy of `messages` (its columns, defaults
 * and indexes, no foreign keys), from 4 connections committing lazily as the hot path does, with
 * prepared statements. Backend CPU is read from /proc, so Postgres must run on this machine.
 */
export async function measureStatementOverhead(databaseUrl: string): Promise<StatementOverhead[]> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query('drop table if exists bench_statement_rows');
    await admin.query('create table bench_statement_rows (like messages including all)');
    const results: StatementOverhead[] = [];
    for (const batch of BATCHES) results.push(await writeRows(databaseUrl, batch));
    return results;
  } finally {
    await admin.query('drop table if exists bench_statement_rows').catch(() => undefined);
    await admin.end();
  }
}

async function writeRows(databaseUrl: string, batch: number): Promise<StatementOverhead> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('set synchronous_commit = off');
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      return { client, pid: rows[0]!.pid };
    }),
  );
  const cpu = () => clients.reduce((sum, { pid }) => sum + sampleServer(pid).cpuS, 0);
  // One workspace, channel and conversation for every row, as a busy conversation's messages.
  const ids = (
    await clients[0]!.client.query<{ workspace: string; channel: string; conversation: string }>(
      'select gen_random_uuid() as workspace, gen_random_uuid() as channel, gen_random_uuid() as conversation',
    )
  ).rows[0]!;
  const statement = {
    name: `bench-rows-${batch}`,
    text: `insert into bench_statement_rows (workspace_id, conversation_id, channel_id, direction, author, text, provider_message_id, status)
           select $1, $2, $3, 'in', 'contact', 'what is the price of a cake', p, 'received' from unnest($4::text[]) as p returning id`,
  };
  try {
    const cpuBefore = cpu();
    const started = performance.now();
    let written = 0;
    await Promise.all(
      clients.map(async ({ client }) => {
        while (written < ROWS) {
          const providerIds = Array.from({ length: Math.min(batch, ROWS - written) }, (_, i) => `bench-${batch}-${written + i}`);
          written += providerIds.length;
          await client.query({ ...statement, values: [ids.workspace, ids.conversation, ids.channel, providerIds] });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { batch, backendUsPerRow: round(((cpu() - cpuBefore) / ROWS) * 1e6, 0), rowsPerS: round(ROWS / seconds, 0) };
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}
