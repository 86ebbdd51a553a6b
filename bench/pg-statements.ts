import { appendFileSync } from 'node:fs';
import pg from 'pg';

/**
 * BENCH_PG_STATEMENTS=<file>: the embedded Postgres loads pg_stat_statements with planning
 * tracked, and after each phase the statements that took the most of Postgres's time (planning
 * and execution apart, per call, and how often each was planned) are appended to the file.
 * `plans` below `calls` means a prepared statement ran on its cached plan. Full pages are the page
 * images Postgres logs at a page's first change after a checkpoint (full_page_writes).
 */
export const STATEMENT_STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track_planning': 'on',
  'pg_stat_statements.max': '1000',
};

export class StatementStats {
  private readonly client: pg.Client;
  /** Each table's write counters when the phase began. */
  private tablesBefore = new Map<string, TableWrites>();

  constructor(
    databaseUrl: string,
    private readonly file: string,
  ) {
    this.client = new pg.Client({ connectionString: databaseUrl });
  }

  async open(): Promise<void> {
    await this.client.connect();
    await this.client.query('create extension if not exists pg_stat_statements');
  }

  async reset(): Promise<void> {
    await this.client.query('select pg_stat_statements_reset()');
    this.tablesBefore = await this.tableWrites();
  }

  /** Rows written per table (cumulative, as last reported by the backends); `hot` updates left the indexes alone. */
  private async tableWrites(): Promise<Map<string, TableWrites>> {
    const { rows } = await this.client.query<TableWrites & { table: string }>(
      `select schemaname || '.' || relname as table, n_tup_ins::int as ins, n_tup_upd::int as upd, n_tup_hot_upd::int as hot, n_tup_del::int as del,
              (select count(*)::int from pg_index i where i.indrelid = relid) as indexes
         from pg_stat_all_tables where schemaname in ('public', 'graphile_worker')`,
    );
    return new Map(rows.map(({ table, ...writes }) => [table, writes]));
  }

  /** Appends the phase's top statements by total time (planning + execution). */
  async write(phase: string, top = 15): Promise<void> {
    const { rows } = await this.client.query<Row>(
      `select calls::int, plans::int, rows::bigint::text as rows,
              round((total_plan_time / greatest(plans, 1))::numeric, 3)::float as plan_ms,
              round((total_exec_time / greatest(calls, 1))::numeric, 3)::float as exec_ms,
              round((total_plan_time + total_exec_time)::numeric, 0)::float as total_ms,
              shared_blks_hit::text as hit, shared_blks_read::text as read, wal_records::text as wal,
              wal_fpi::text as fpi, round(wal_bytes / greatest(calls, 1))::int as wal_bytes_per_call,
              regexp_replace(query, '\\s+', ' ', 'g') as query
         from pg_stat_statements s join pg_database d on d.oid = s.dbid
        where d.datname = current_database() and query not like '%pg_stat_statements%'
        order by total_plan_time + total_exec_time desc limit $1`,
      [top],
    );
    const sum = rows.reduce((acc, r) => acc + r.total_ms, 0);
    const lines = rows.map(
      (r) =>
        `${String(r.total_ms).padStart(7)} ms ${String(r.calls).padStart(7)} calls ${String(r.plans).padStart(7)} plans  plan ${r.plan_ms} ms  exec ${r.exec_ms} ms  rows ${r.rows}  wal ${r.wal} (${r.fpi} full pages, ${r.wal_bytes_per_call} B/call)  | ${r.query.slice(0, 400)}`,
    );
    const tables = [...(await this.tableWrites())]
      .map(([table, now]) => {
        const was = this.tablesBefore.get(table) ?? { ins: 0, upd: 0, hot: 0, del: 0, indexes: now.indexes };
        return {
          table,
          ins: now.ins - was.ins,
          upd: now.upd - was.upd,
          hot: now.hot - was.hot,
          del: now.del - was.del,
          indexes: now.indexes,
        };
      })
      .filter((t) => t.ins + t.upd + t.del > 0)
      .sort((a, b) => b.ins + b.upd + b.del - (a.ins + a.upd + a.del))
      .map((t) => `${t.table.padEnd(40)} ${t.indexes} indexes  ins ${t.ins}  upd ${t.upd} (hot ${t.hot})  del ${t.del}`);
    appendFileSync(
      this.file,
      `\n## ${phase} (top ${rows.length}: ${Math.round(sum)} ms)\n${lines.join('\n')}\n\nrows written:\n${tables.join('\n')}\n`,
    );
  }

  close(): Promise<void> {
    return this.client.end().catch(() => undefined);
  }
}

type TableWrites = { ins: number; upd: number; hot: number; del: number; indexes: number };
type Row = {
  calls: number;
  plans: number;
  rows: string;
  plan_ms: number;
  exec_ms: number;
  total_ms: number;
  hit: string;
  read: string;
  wal: string;
  fpi: string;
  wal_bytes_per_call: number;
  query: string;
};
