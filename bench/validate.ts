import { execFileSync } from 'node:child_process';

export interface ValidationTiming {
  nodes: number;
  edges: number;
  medianMs: number;
  maxMs: number;
  firstMs: number;
}

/** Runs the flow package's validation micro-benchmark (50/500/5,000 nodes) and reads its lines. */
export function validationBench(root: string): ValidationTiming[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'packages/flow/bench/validate.bench.ts'], { cwd: root, encoding: 'utf8' });
  const line = /(\d+) nodes,\s+(\d+) edges: median ([\d.]+) ms, max ([\d.]+) ms, first ([\d.]+) ms/;
  return out
    .split('\n')
    .map((l) => line.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ nodes: Number(m[1]), edges: Number(m[2]), medianMs: Number(m[3]), maxMs: Number(m[4]), firstMs: Number(m[5]) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const t of validationBench(process.cwd()))
    console.log(`${t.nodes} nodes: median ${t.medianMs} ms, max ${t.maxMs} ms, first ${t.firstMs} ms`);
}
