/**
 * `npm run bench:ab`: one lever against the same code without it. Same-code runs on a shared
 * 2-core VM vary by up to 2×, so one run each proves nothing: this alternates whole benchmark runs,
 * A (as is) then B (with the lever's environment), BENCH_AB_PAIRS times (2), and prints each phase's
 * replies/s, p99 and CPU side by side, with each run's harness ceiling (how fast the machine was),
 * and each side's median.
 *
 * BENCH_AB: the lever, as `NAME=value` pairs separated by `;` (e.g.
 * `BENCH_NODE_ARGS=--max-semi-space-size=64`), passed to the server with the rest of the
 * environment. BENCH_AB_BASE=<git ref>: a code lever instead (or as well): A runs that commit's code,
 * checked out in a temp worktree (see worktree.ts), B this checkout's. BENCH_PHASES and
 * BENCH_DURATION apply to every run (the ceiling phase is added). Each run's results go to
 * bench/results/<date>-ab-<A|B><pair>-tmp.json (not committed) of the checkout that ran it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ceiling } from './ceiling';
import type { PhaseResult } from './phases';
import { markdownRow } from './table';
import { checkOut } from './worktree';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const baseRef = process.env.BENCH_AB_BASE;
const lever = parseLever(process.env.BENCH_AB ?? '', baseRef !== undefined);
const pairs = Number(process.env.BENCH_AB_PAIRS ?? 2);
const phases = ['ceiling', ...(process.env.BENCH_PHASES ?? 'open200,saturation').split(',').filter((p) => p && p !== 'ceiling')].join(',');

function parseLever(text: string, codeLever: boolean): Record<string, string> {
  const entries = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length && !codeLever)
    throw new Error('BENCH_AB is empty: give the lever as NAME=value pairs separated by ";", or a commit to compare with as BENCH_AB_BASE');
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_AB: "${entry}" is not NAME=value`);
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

type RunResult = { label: string; ceiling?: Ceiling; phases: PhaseResult[] };

function runOnce(label: string, dir: string, extraEnv: Record<string, string>): RunResult {
  process.stdout.write(`run ${label}... `);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'bench', 'run.ts')], {
    cwd: dir,
    env: { ...process.env, ...extraEnv, BENCH_PHASES: phases, BENCH_LABEL: `ab-${label}-tmp` },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`run ${label} failed (${run.status}):\n${run.stderr.slice(-2_000)}`);
  const file = /written (.*\.json)/.exec(run.stdout)?.[1];
  if (!file) throw new Error(`run ${label} wrote no results:\n${run.stdout.slice(-2_000)}`);
  const result = JSON.parse(readFileSync(file, 'utf8')) as Omit<RunResult, 'label'>;
  console.log(`ceiling ${result.ceiling?.repliesPerS ?? '–'} replies/s`);
  return { label, ...result };
}

const base = baseRef === undefined ? undefined : checkOut(root, baseRef);
const runs: RunResult[] = [];
try {
  for (let pair = 1; pair <= pairs; pair++) {
    runs.push(runOnce(`A${pair}`, base?.dir ?? root, {}));
    runs.push(runOnce(`B${pair}`, root, lever));
  }
} finally {
  base?.remove();
}

const environment = Object.entries(lever)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(
  `\nA: ${base ? `${baseRef} (${base.commit.slice(0, 7)})` : 'this checkout'}; B: this checkout${environment ? ` with ${environment}` : ''}\n`,
);
const row = (cells: unknown[]) => console.log(markdownRow(cells));
const header = [
  'phase',
  'run',
  'ceiling/s',
  'replies/s',
  'p50 ms',
  'p99 ms',
  'ack p99 ms',
  'server CPU %',
  'PG CPU %',
  'server RSS MB',
  'commits/msg',
];
row(header);
row(header.map(() => '---'));
const names = [...new Set(runs.flatMap((r) => r.phases.map((p) => p.name)))];
const median = (values: (number | null | undefined)[]) => {
  const sorted = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  // Rounded as the runs' own figures are (one decimal): an even count's mean is no more precise.
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
};
for (const name of names) {
  for (const side of ['A', 'B']) {
    const found = runs
      .filter((r) => r.label.startsWith(side))
      .flatMap((run) => {
        const p = run.phases.find((x) => x.name === name);
        return p ? [{ run, p }] : [];
      });
    for (const { run, p } of found) {
      row([
        name,
        run.label,
        run.ceiling?.repliesPerS,
        p.repliesPerS,
        p.latency.p50,
        p.latency.p99,
        p.ack.p99,
        p.cpu.serverPct,
        p.cpu.postgresPct,
        p.peakRssMb.server,
        p.commitsPerMessage,
      ]);
    }
    const of = (pick: (x: (typeof found)[number]) => number | null | undefined) => median(found.map(pick));
    row([
      name,
      `${side} median`,
      of((x) => x.run.ceiling?.repliesPerS),
      of((x) => x.p.repliesPerS),
      of((x) => x.p.latency.p50),
      of((x) => x.p.latency.p99),
      of((x) => x.p.ack.p99),
      of((x) => x.p.cpu.serverPct),
      of((x) => x.p.cpu.postgresPct),
      of((x) => x.p.peakRssMb.server),
      of((x) => x.p.commitsPerMessage),
    ]);
  }
}
