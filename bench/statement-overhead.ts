import pg from 'pg';
import { cpuSecondsOf } from './proc';
import { round } from './stats';

const MESSAGES = 8_000;
const CONNECTIONS = 4;
const BATCHES = [1, 4, 16];
/** Customers of the store-shaped workload; each connection writes for its own quarter of them. */
const CUSTOMERS = 200;

export interface StatementOverhead {
  workload: string;
  /** Messages per statement. */
  batch: number;
  /** CPU of the Postgres backends that ran the statements, per message, in µs. */
  backendUsPerMessage: number;
  messagesPerS: number;
}

/**
 * A statement shape, run with `batch` messages at a time. The SQL takes arrays, so one message and
 * sixteen are the same statement and only the rows differ. It returns a row per message written.
 */
interface Workload {
  name: string;
  text: string;
  /** The parameters for messages `first` .. `first + count - 1`, written from connection `lane`; `run` tags their provider ids. */
  values(first: number, count: number, lane: number, run: string): unknown[];
}

const TEXT = 'what is the price of a cake';

/**
 * What a statement costs Postgres apart from its rows, in scratch copies of the hot path's tables
 * (their columns, defaults and indexes, no foreign keys), from 4 connections committing lazily
 * with prepared statements, as the hot path runs:
 * - `message row`: the inbound message's row alone;
 * - `store-shaped`: what the store statement writes for a known customer (contact stamped,
 *   conversation stamped, message inserted) as one statement of CTEs.
 * Backend CPU is read from /proc, so Postgres must run on this machine.
 */
export async function measureStatementOverhead(databaseUrl: string): Promise<StatementOverhead[]> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const tables = ['messages', 'contacts', 'conversations'];
  try {
    for (const table of tables) {
      await admin.query(`drop table if exists bench_${table}`);
      await admin.query(`create table bench_${table} (like ${table} including all)`);
    }
    const { rows } = await admin.query<{ workspace: string; channel: string }>('select gen_random_uuid() as workspace, gen_random_uuid() as channel');
    const { workspace, channel } = rows[0]!;
    // One open conversation per customer, ids 0..CUSTOMERS-1 in contact order.
    const customers = (
      await admin.query<{ id: string }>(
        `with c as (insert into bench_contacts (workspace_id) select $1 from generate_series(1, $3::int) returning id)
         insert into bench_conversations (workspace_id, contact_id, channel_id) select $1, c.id, $2 from c returning contact_id as id`,
        [workspace, channel, CUSTOMERS],
      )
    ).rows.map((r) => r.id);
    const workloads = [messageRow(workspace, channel), storeShaped(workspace, channel, customers)];
    const results: StatementOverhead[] = [];
    for (const workload of workloads) for (const batch of BATCHES) results.push(await run(databaseUrl, workload, batch));
    return results;
  } finally {
    for (const table of tables) await admin.query(`drop table if exists bench_${table}`).catch(() => undefined);
    await admin.end();
  }
}

const providerIds = (tag: string, first: number, count: number) => Array.from({ length: count }, (_, i) => `${tag}-${first + i}`);

function messageRow(workspace: string, channel: string): Workload {
  const conversation = '00000000-0000-4000-8000-000000000001';
  return {
    name: 'message row',
    text: `insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, provider_message_id, status)
           select $1, $2, $3, 'in', 'contact', $4, p, 'received' from unnest($5::text[]) as p returning id`,
    values: (first, count, _lane, run) => [workspace, conversation, channel, TEXT, providerIds(`row-${run}`, first, count)],
  };
}

function storeShaped(workspace: string, channel: string, customers: string[]): Workload {
  const perLane = CUSTOMERS / CONNECTIONS;
  return {
    name: 'store-shaped',
    text: `with input as (select * from unnest($1::uuid[], $2::text[]) as t(contact_id, provider_id)),
           contact as (update bench_contacts c set deleted_at = null, updated_at = now() from input where c.id = input.contact_id returning c.id),
           conversation as (
             update bench_conversations cv set last_message_at = greatest(cv.last_message_at, now()), last_inbound_at = now(),
               waiting_since = coalesce(cv.waiting_since, now()), updated_at = now()
             from input where cv.contact_id = input.contact_id and cv.channel_id = $3 and cv.status = 'open'
             returning cv.id, cv.contact_id
           ), message as (
             insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, provider_message_id, status)
             select $4, conversation.id, $3, 'in', 'contact', $5, input.provider_id, 'received'
             from input join conversation on conversation.contact_id = input.contact_id
             returning id
           )
           select id from message`,
    // A batch never names a customer twice, and connections never share one: no row waits on another.
    values: (first, count, lane, run) => [
      Array.from({ length: count }, (_, i) => customers[lane * perLane + ((first + i) % perLane)]),
      providerIds(`store-${run}`, first, count),
      channel,
      workspace,
      TEXT,
    ],
  };
}

async function run(databaseUrl: string, workload: Workload, batch: number): Promise<StatementOverhead> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('set synchronous_commit = off');
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      return { client, pid: rows[0]!.pid };
    }),
  );
  const cpu = () => clients.reduce((sum, { pid }) => sum + cpuSecondsOf(pid), 0);
  const statement = { name: `bench-${workload.name.replace(/\W/g, '-')}`, text: workload.text };
  try {
    const cpuBefore = cpu();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      clients.map(async ({ client }, lane) => {
        while (next < MESSAGES) {
          const first = next;
          const count = Math.min(batch, MESSAGES - first);
          next += count;
          const { rowCount } = await client.query({ ...statement, values: workload.values(first, count, lane, String(batch)) });
          // Every message must be written, or the figure per message would be for less work.
          if (rowCount !== count) throw new Error(`${workload.name}: ${rowCount} of ${count} messages written`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { workload: workload.name, batch, backendUsPerMessage: round(((cpu() - cpuBefore) / MESSAGES) * 1e6, 0), messagesPerS: round(MESSAGES / seconds, 0) };
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}
