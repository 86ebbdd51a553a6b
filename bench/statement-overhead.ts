import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cpuSecondsOf } from './proc';
import { messageFloor } from './message-floor';
import { CONNECTIONS, messageRow, storeShaped, type Row, type Workload } from './statement-workloads';
import { round } from './stats';

const MESSAGES = 8_000;
const BATCHES = [1, 4, 16];
/** Customers of the store-shaped workloads, as many as the server benchmark's; each connection writes for its own quarter of them. */
const CUSTOMERS = 200;
/**
 * Other customers, never written to: with only 200 rows the planner scanned the contacts,
 * conversations and job queues whole for every message; with these it reads each by its index,
 * as in a real shop's tables.
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
 *   message-floor.ts): what Postgres must do per message whatever the server does.
 * Backend CPU is read from /proc, so Postgres must run on this machine.
 */
export async function measureStatementOverhead(databaseUrl: string): Promise<StatementOverhead[]> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const tables = Object.keys(SCRATCH_TABLES);
  try {
    for (const [scratch, source] of Object.entries(SCRATCH_TABLES)) {
      await admin.query(`drop table if exists ${scratch}`);
      await admin.query(`create table ${scratch} (like ${source} including all)`);
    }
    const { rows } = await admin.query<{ workspace: string; channel: string }>('select gen_random_uuid() as workspace, gen_random_uuid() as channel');
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
    for (const table of tables) await admin.query(`analyze ${table}`);
    const workloads = [messageRow(workspace, channel), storeShaped(workspace, channel, customers), messageFloor(workspace, channel, customers)];
    const results: StatementOverhead[] = [];
    for (const workload of workloads) for (const batch of BATCHES) results.push(await run(databaseUrl, workload, batch));
    return results;
  } finally {
    for (const table of tables) await admin.query(`drop table if exists ${table}`).catch(() => undefined);
    await admin.end();
  }
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
  const statements = workload.statements.map((statement, i) => ({ ...statement, name: `bench-${workload.name.replace(/\W/g, '-')}-${i}` }));
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
            const { rows } = await client.query({ name, text, values: values({ first, count, lane, run: String(batch) }, earlier) });
            // Every message must be written, or the figure per message would be for less work.
            if (rows.length !== count) throw new Error(`${workload.name} (${name}): ${rows.length} of ${count} messages written`);
            earlier.push(rows);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { workload: workload.name, batch, backendUsPerMessage: round(((cpu() - cpuBefore) / MESSAGES) * 1e6, 0), messagesPerS: round(MESSAGES / seconds, 0) };
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}
