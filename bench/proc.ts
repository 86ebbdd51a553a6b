import { execSync, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export const cpuSecondsOf = (pid: number): number => stat(pid)?.cpuS ?? 0;

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
  return { cpuS: cpuSecondsOf(pid), memMb: kb(pid, 'status', 'VmRSS') / 1024 };
}

export function samplePostgres(postmaster: number | null): ProcSample {
  if (!postmaster) return { cpuS: 0, memMb: 0 };
  let cpuS = 0;
  let pss = 0;
  for (const pid of processTree(postmaster)) {
    cpuS += cpuSecondsOf(pid);
    pss += kb(pid, 'smaps_rollup', 'Pss');
  }
  return { cpuS, memMb: pss / 1024 };
}

/** CPU seconds of the server and of Postgres's processes (no memory: that walk is the slow part). */
function cpuOf(serverPid: number, postmaster: number | null): { server: number; postgres: number } {
  let postgres = 0;
  if (postmaster) for (const pid of processTree(postmaster)) postgres += cpuSecondsOf(pid);
  return { server: cpuSecondsOf(serverPid), postgres };
}

/**
 * Samples both every second in a child process, and reports CPU (% of one core) over a window and
 * peak memory. Reading every backend's smaps_rollup takes tens of milliseconds with 80 backends:
 * on the load generator's thread, that stalled its sends and the stand-in's arrivals once a second.
 * The sampler starts once, before the phases: starting it (tsx compiling) costs a core for a second.
 */
export class Monitor {
  private sampler: ChildProcess | undefined;
  private recording = false;
  peakServerMb = 0;
  peakPostgresMb = 0;

  constructor(
    private readonly serverPid: number,
    private readonly postmasterPid: number | null,
  ) {}

  /** Starts the sampler; resolves on its first sample. */
  async open() {
    const sampler = fork(fileURLToPath(import.meta.url), [SAMPLER_ARG, String(this.serverPid), String(this.postmasterPid ?? '')], {
      execArgv: ['--import', 'tsx'],
    });
    this.sampler = sampler;
    sampler.on('message', (peak: { server: number; postgres: number }) => {
      if (!this.recording) return;
      this.peakServerMb = Math.max(this.peakServerMb, peak.server);
      this.peakPostgresMb = Math.max(this.peakPostgresMb, peak.postgres);
    });
    await new Promise((resolve) => sampler.once('message', resolve));
  }

  start() {
    this.peakServerMb = 0;
    this.peakPostgresMb = 0;
    this.recording = true;
    this.sampler?.send('sample');
  }

  /** Stops recording peaks once a last sample is in. */
  async stop() {
    const sampler = this.sampler;
    if (sampler) {
      const last = new Promise((resolve) => sampler.once('message', resolve));
      sampler.send('sample');
      await last;
    }
    this.recording = false;
  }

  close() {
    this.sampler?.disconnect();
    this.sampler = undefined;
  }

  cpu(): { server: number; postgres: number } {
    return cpuOf(this.serverPid, this.postmasterPid);
  }
}

const SAMPLER_ARG = '--bench-sampler';

// The monitor's sampler process: a sample a second, and one whenever asked, until disconnected.
if (process.argv[2] === SAMPLER_ARG && process.send) {
  const serverPid = Number(process.argv[3]);
  const postmasterPid = Number(process.argv[4]) || null;
  // With a callback, a send racing the parent's disconnect is dropped instead of crashing the sampler.
  const tick = () => {
    if (process.connected)
      process.send!({ server: sampleServer(serverPid).memMb, postgres: samplePostgres(postmasterPid).memMb }, undefined, {}, () => {});
  };
  tick();
  const timer = setInterval(tick, 1_000);
  process.on('message', tick);
  process.on('disconnect', () => clearInterval(timer));
}
