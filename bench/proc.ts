import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** utime + stime in seconds, and the parent pid, from /proc/<pid>/stat. */
function stat(pid: number): { cpuS: number; ppid: number } | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  // The command name may hold spaces: fields start after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK };
}

function kb(pid: number, file: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/${file}`) ?? '');
  return match ? Number(match[1]) : 0;
}

/** A process and, for Postgres, its children (backends, walwriter, checkpointer...). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    const s = stat(pid);
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

export interface ProcSample {
  cpuS: number;
  /** Server: VmRSS. Postgres: the sum of PSS (shared buffers counted once), in MB. */
  memMb: number;
}

export function sampleServer(pid: number): ProcSample {
  return { cpuS: stat(pid)?.cpuS ?? 0, memMb: kb(pid, 'status', 'VmRSS') / 1024 };
}

export function samplePostgres(postmaster: number | null): ProcSample {
  if (!postmaster) return { cpuS: 0, memMb: 0 };
  let cpuS = 0;
  let pss = 0;
  for (const pid of processTree(postmaster)) {
    cpuS += stat(pid)?.cpuS ?? 0;
    pss += kb(pid, 'smaps_rollup', 'Pss');
  }
  return { cpuS, memMb: pss / 1024 };
}

/** Samples both every second; reports CPU (% of one core) over a window and peak memory. */
export class Monitor {
  private timer: NodeJS.Timeout | undefined;
  peakServerMb = 0;
  peakPostgresMb = 0;

  constructor(
    private readonly serverPid: number,
    private readonly postmasterPid: number | null,
  ) {}

  start() {
    this.peakServerMb = 0;
    this.peakPostgresMb = 0;
    const tick = () => {
      this.peakServerMb = Math.max(this.peakServerMb, sampleServer(this.serverPid).memMb);
      this.peakPostgresMb = Math.max(this.peakPostgresMb, samplePostgres(this.postmasterPid).memMb);
    };
    tick();
    this.timer = setInterval(tick, 1_000);
  }

  stop() {
    clearInterval(this.timer);
  }

  cpu(): { server: number; postgres: number } {
    return { server: sampleServer(this.serverPid).cpuS, postgres: samplePostgres(this.postmasterPid).cpuS };
  }
}
