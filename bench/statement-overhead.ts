import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cpuSecondsOf } from './proc';
import { FLOOR_FOREIGN_KEYS, messageFloor } from './message-floor';
import { CONNECTIONS, messageRow, storeShaped, TEXT, type Row, type Workload } from './statement-workloads';
import { round } from './stats';

const MESSAGES = 8_000;
const BATCHES = [1, 4, 16];
/** Customers of the store-shaped workloads, as many as the server benchmark's; each connection writes for its own quarter of them. */
const CUSTOMERS = 200;
/**
 * Other customers, never written to, each with a message, a run and a job: with only the workloads'
 * rows the planner scanned the contacts, conversations, job queues, messages and jobs whole for
 * every message; with these it reads each by its index, as in a real shop's tables.
 */
const OTHER_CUSTOMERS = 20_000;

export interface StatementOverhead {
  workload: string;
  /** Messages per statement. */
  batch: number;
  /** CPU of the Postgres backends that ran the statements, per message, in µs. */
  backendUsPerMessage: number;
  messagesPerS: number;
}

/** The scratch tables, each a copy of a hot-path table (columns, defaults, indexes; no foreign keys or triggers). */
const SCRATCH_TABLES = {
  bench_messages: 'messages',
  bench_contacts: 'contacts',
  bench_conversations: 'conversations',
  bench_runs: 'workflow_runs',
  bench_run_steps: 'run_steps',
  bench_jobs: 'graphile_worker._private_jobs',
  bench_job_queues: 'graphile_worker._private_job_queues',
};

/**
 * What a statement costs Postgres apart from its rows, in scratch copies of the hot path's tables
 * (their columns, defaults and indexes, no foreign keys), from 4 connections committing lazily
 * with prepared statements planned once, as the hot path runs:
 * - `message row`: the inbound message's row alone;
 * - `store-shaped`: what the store statement writes for a known customer (contact stamped,
 *   conversation stamped, message inserted) as one statement of CTEs;
 * - `message floor`: every row DESIGN §4 has a replied message write, in 3 statements (see
 *   message-floor.ts): what Postgres must do per message whatever the server does; then again
 *   with the schema's foreign keys on those rows.
 * Backend CPU is read from /proc, so Postgres must run on this machine.
 */
export async function measureStatementOverhead(databaseUrl: string): Promise<StatementOverhead[]> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const tables = [...Object.keys(SCRATCH_TABLES), 'bench_parents'];
  try {
    for (const [scratch, source] of Object.entries(SCRATCH_TABLES)) {
      await admin.query(`drop table if exists ${scratch} cascade`);
      await admin.query(`create table ${scratch} (like ${source} including all)`);
    }
    const { workspace, channel, customers } = await seed(admin);
    const floor = messageFloor(workspace, channel, customers);
    const results: StatementOverhead[] = [];
    const measure = async (workload: Workload) => {
      for (const batch of BATCHES) results.push(await run(databaseUrl, workload, batch));
    };
    for (const workload of [messageRow(workspace, channel), storeShaped(workspace, channel, customers), floor]) await measure(workload);
    await admin.query(FLOOR_FOREIGN_KEYS);
    await measure({ ...floor, name: `${floor.name} with foreign keys` });
    return results;
  } finally {
    for (const table of tables) await admin.query(`drop table if exists ${table} cascade`).catch(() => undefined);
    await admin.end();
  }
}

/**
 * The scratch tables' rows before the workloads run: CUSTOMERS customers to write for and
 * OTHER_CUSTOMERS others, each with an open conversation and its job queue.
 */
async function seed(admin: pg.Client): Promise<{ workspace: string; channel: string; customers: string[] }> {
  const { rows } = await admin.query<{ workspace: string; channel: string }>(
    'select gen_random_uuid() as workspace, gen_random_uuid() as channel',
  );
  const { workspace, channel } = rows[0]!;
  // One open conversation per customer, with its job queue, ids 0..count-1 in contact order.
  const addCustomers = async (workspaceId: string, count: number) =>
    (
      await admin.query<{ id: string }>(
        `with c as (insert into bench_contacts (workspace_id) select $1 from generate_series(1, $3::int) returning id),
         cv as (insert into bench_conversations (workspace_id, contact_id, channel_id) select $1, c.id, $2 from c returning id, contact_id),
         q as (insert into bench_job_queues (queue_name) select 'conversation:' || cv.id from cv)
         select contact_id as id from cv`,
        [workspaceId, channel, count],
      )
    ).rows.map((r) => r.id);
  await addCustomers(randomUUID(), OTHER_CUSTOMERS);
  const customers = await addCustomers(workspace, CUSTOMERS);
  // Rows to look up among: in a table the planner believes empty or small (analyzed empty, or
  // never), the generic plans scanned it whole at every call as it grew (3 ms a message).
  await admin.query(
    `insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, status)
     select workspace_id, id, channel_id, 'in', 'contact', $1, 'received' from bench_conversations where workspace_id <> $2`,
    [TEXT, workspace],
  );
  await admin.query(
    `insert into bench_runs (workspace_id, workflow_id, version_id, conversation_id, contact_id, status)
     select workspace_id, workspace_id, workspace_id, id, contact_id, 'completed' from bench_conversations where workspace_id <> $1`,
    [workspace],
  );
  await admin.query(
    `insert into bench_jobs (task_id, payload, locked_at, locked_by) select 1, '{}', now(), 'other' from generate_series(1, $1::int)`,
    [OTHER_CUSTOMERS],
  );
  for (const table of Object.keys(SCRATCH_TABLES)) await admin.query(`analyze ${table}`);
  // The parents the floor's foreign keys point to (FLOOR_FOREIGN_KEYS), added after the floor's first measure.
  await admin.query(`drop table if exists bench_parents cascade`);
  await admin.query(`create table bench_parents (id uuid primary key)`);
  await admin.query(`insert into bench_parents select distinct workspace_id from bench_contacts union select $1`, [channel]);
  return { workspace, channel, customers };
}

async function run(databaseUrl: string, workload: Workload, batch: number): Promise<StatementOverhead> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('set synchronous_commit = off');
      // Planned once, as the hot path's statements are: with tables this size Postgres would
      // otherwise plan some of them again at every call, a cost that is not the rows'.
      await client.query('set plan_cache_mode = force_generic_plan');
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      return { client, pid: rows[0]!.pid };
    }),
  );
  const cpu = () => clients.reduce((sum, { pid }) => sum + cpuSecondsOf(pid), 0);
  const tag = workload.name.replace(/\W/g, '-');
  const statements = workload.statements.map((statement, i) => ({ ...statement, name: `bench-${tag}-${i}` }));
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
          const earlier: Row[][] = [];
          for (const { name, text, values } of statements) {
            const { rows } = await client.query({ name, text, values: values({ first, count, lane, run: `${tag}-${batch}` }, earlier) });
            // Every message must be written, or the figure per message would be for less work.
            if (rows.length !== count) throw new Error(`${workload.name} (${name}): ${rows.length} of ${count} messages written`);
            earlier.push(rows);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      workload: workload.name,
      batch,
      backendUsPerMessage: round(((cpu() - cpuBefore) / MESSAGES) * 1e6, 0),
      messagesPerS: round(MESSAGES / seconds, 0),
    };
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}
