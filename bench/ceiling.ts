import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { post, signedInbound } from './client';
import { closedLoop } from './load';
import { cpuSecondsOf } from './proc';
import type { StandIn } from './stand-in';
import { round, sleep } from './stats';

const WARMUP_S = 3;

export interface Ceiling {
  /** Replies the stand-in received per second, after the warm-up. */
  repliesPerS: number;
  /** CPU of the load generator and stand-in (this process), and of the echo server, % of one core. */
  harnessCpuPct: number;
  echoCpuPct: number;
}

/**
 * What this machine and this harness can do with no database at all: the saturation phase's
 * closed loop (same connections, same signed webhooks) against echo-server.ts, which does only the
 * server's two HTTP legs. A result under the target rate means the harness, not the server, is the
 * limit; above it, the gap to the saturation phase is what storing, routing and running cost.
 */
export async function measureCeiling(standIn: StandIn, callbackUrl: string, connections: number, durationS: number): Promise<Ceiling> {
  const echo = fork(fileURLToPath(new URL('./echo-server.ts', import.meta.url)), [callbackUrl, standIn.secret], {
    execArgv: ['--import', 'tsx'],
  });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      echo.once('message', (m) => resolve(m as { port: number }));
      echo.once('exit', (code) => reject(new Error(`echo server exited (${code}) before listening`)));
    });
    let i = 0;
    const shot = () => {
      const ref = `c.${i++}`;
      const { body, headers } = signedInbound(standIn.secret, {
        id: ref,
        from: `echo-${i % 200}`,
        text: `price list please #${ref}`,
        name: 'Bench Customer',
      });
      return { ref, send: () => post({ host: '127.0.0.1', port }, '/webhook', body, headers) };
    };
    const loop = closedLoop(connections, WARMUP_S + durationS, shot);
    await sleep(WARMUP_S * 1000);
    const start = { at: performance.now(), replies: standIn.total, harness: process.cpuUsage(), echo: cpuSecondsOf(echo.pid!) };
    await sleep(durationS * 1000);
    const seconds = (performance.now() - start.at) / 1000;
    const harness = process.cpuUsage(start.harness);
    const result = {
      repliesPerS: round((standIn.total - start.replies) / seconds, 0),
      harnessCpuPct: round(((harness.user + harness.system) / 1e6 / seconds) * 100, 0),
      echoCpuPct: round(((cpuSecondsOf(echo.pid!) - start.echo) / seconds) * 100, 0),
    };
    await loop;
    return result;
  } finally {
    echo.kill();
  }
}
