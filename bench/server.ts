import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, freePort, startEmbeddedPostgres, type RunningPostgres } from '@switchboard/db';
import pg from 'pg';
import { buildServer } from '../apps/server/scripts/build';
import { STATEMENT_STATS_SETTINGS } from './pg-statements';
import { sleep } from './stats';

export interface BenchServer {
  baseUrl: string;
  port: number;
  pid: number;
  postmasterPid: number | null;
  databaseUrl: string;
  /** pg_stat_database.xact_commit of the app database (every commit, reads included). */
  commits(): Promise<number>;
  /** What the app's Postgres backends are doing right now: `state/wait_event_type:wait_event` -> count. */
  activity(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  root: string;
  /** Writes a V8 CPU profile of the server into this directory on exit. */
  cpuProfileDir?: string;
  env?: Record<string, string>;
}

/**
 * A real Postgres (embedded, in a temp dir, unless BENCH_DATABASE_URL) and the real server as a
 * child process against it, exactly as `npm start` runs it: compiled, built first from the sources
 * as they are now.
 */
export async function startBenchServer(options: ServerOptions): Promise<BenchServer> {
  await buildServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  let postgres: RunningPostgres | undefined;
  let postmasterPid: number | null = null;
  let databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) {
    const logFile = process.env.BENCH_PG_LOG;
    postgres = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: 5432,
      onLog: logFile ? (line) => appendFileSync(logFile, `${line}\n`) : undefined,
      settings: process.env.BENCH_PG_STATEMENTS ? STATEMENT_STATS_SETTINGS : undefined,
    });
    databaseUrl = await ensureDatabase(postgres.url, 'switchboard');
    postmasterPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  }
  const port = await freePort(3900);
  // BENCH_NODE_ARGS: extra V8/node flags for the server only (--trace-gc, heap sizes), not the load generator.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    '--enable-source-maps',
    ...extra,
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    'apps/server/dist/main.js',
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      APP_SECRET: 'bench-secret-0123456789abcdef0123456789',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // The provider stand-ins listen on loopback, which tenants' calls may not reach otherwise.
      EGRESS_ALLOW: '127.0.0.1,localhost',
      // Each run signs up a workspace of its own, also on a reused BENCH_DATABASE_URL.
      SIGNUP: 'open',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitReady(baseUrl, child);
  const stats = new pg.Client({ connectionString: databaseUrl });
  await stats.connect();
  if (process.env.BENCH_PG_LOG) await logWhatStalls(stats);
  // BENCH_SETUP_SQL=<file>: SQL run once the server has migrated, before any phase (a schema lever to try).
  if (process.env.BENCH_SETUP_SQL) await stats.query(readFileSync(process.env.BENCH_SETUP_SQL, 'utf8'));

  return {
    baseUrl,
    port,
    pid: child.pid!,
    postmasterPid,
    databaseUrl,
    commits: async () => {
      const { rows } = await stats.query<{ n: string }>(
        'select xact_commit::text as n from pg_stat_database where datname = current_database()',
      );
      return Number(rows[0]?.n ?? 0);
    },
    activity: async () => {
      const { rows } = await stats.query<{ what: string; n: number }>(
        `select coalesce(state, '?') || '/' || coalesce(wait_event_type || ':' || wait_event, 'cpu') as what, count(*)::int as n
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() group by 1`,
      );
      return Object.fromEntries(rows.map((r) => [r.what, r.n]));
    },
    stop: async () => {
      await stats.end().catch(() => {});
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(30_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await postgres?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * BENCH_PG_LOG=<file>: the embedded Postgres logs there what can stall the reply path (checkpoints,
 * autovacuum, lock waits, statements over BENCH_PG_LOG_MIN_MS, default 20), with timestamps to set
 * against a phase's timeline (its startedAt).
 */
async function logWhatStalls(stats: pg.Client) {
  const minMs = Number(process.env.BENCH_PG_LOG_MIN_MS ?? 20);
  for (const setting of [
    'log_checkpoints = on',
    'log_autovacuum_min_duration = 0',
    'log_lock_waits = on',
    `log_min_duration_statement = ${minMs}`,
    "log_line_prefix = '%m [%p] '",
  ]) {
    await stats.query(`alter system set ${setting}`);
  }
  await stats.query('select pg_reload_conf()');
}

async function waitReady(baseUrl: string, child: ChildProcess) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error('server was not ready within 120 s');
}
