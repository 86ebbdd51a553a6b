import type { Ceiling } from './ceiling';
import type { PhaseResult } from './phases';
import type { StatementOverhead } from './statement-overhead';
import type { ValidationTiming } from './validate';

const cell = (v: unknown) => (v === null || v === undefined ? '–' : String(v));

/** One Markdown table row; a missing value shows as a dash. */
export const markdownRow = (cells: unknown[]) => `| ${cells.map(cell).join(' | ')} |`;

/** The results as a Markdown table (the README's Performance section pastes it as is). */
export function formatTable(results: PhaseResult[]): string {
  const header = [
    'phase',
    'offered/s',
    'accepted',
    'replies',
    'lost',
    'dup',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'ack p99 ms',
    'replies/s',
    'server CPU %',
    'PG CPU %',
    'server RSS MB',
    'PG PSS MB',
    'commits/msg',
  ];
  const rows = results.map((r) => [
    r.name,
    r.rate ?? 'max',
    r.accepted,
    r.replies,
    r.lost,
    r.duplicated,
    r.latency.p50,
    r.latency.p90,
    r.latency.p99,
    r.latency.max,
    r.ack.p99,
    r.repliesPerS,
    r.cpu.serverPct,
    r.cpu.postgresPct,
    r.peakRssMb.server,
    r.peakRssMb.postgresPss,
    r.commitsPerMessage,
  ]);
  return [header, header.map(() => '---'), ...rows].map(markdownRow).join('\n');
}

export function printTable(
  results: PhaseResult[],
  validation: ValidationTiming[],
  ceiling: Ceiling | undefined,
  overhead: StatementOverhead[],
) {
  console.log(`\n${formatTable(results)}\n`);
  if (ceiling) {
    console.log(
      `harness ceiling (same closed loop, a server with no database): ${ceiling.repliesPerS} replies/s; load generator + stand-in ${ceiling.harnessCpuPct}% of a core, echo server ${ceiling.echoCpuPct}%`,
    );
  }
  for (const o of overhead)
    console.log(
      `${o.workload}, ${o.batch} per statement: ${o.backendUsPerMessage} µs of Postgres CPU per message, ${o.messagesPerS} messages/s`,
    );
  for (const r of results) if (r.pgActivity) console.log(`postgres backends while sending (${r.name}): ${JSON.stringify(r.pgActivity)}`);
  for (const v of validation)
    console.log(`validation: ${v.nodes} nodes, ${v.edges} edges: median ${v.medianMs} ms, max ${v.maxMs} ms, first ${v.firstMs} ms`);
}
