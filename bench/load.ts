import { performance } from 'node:perf_hooks';
import { sleep } from './stats';
import type { StandIn } from './stand-in';

/** One message the load generator sends: its ref (echoed in the reply) and how to send it. */
export interface Shot {
  ref: string;
  send(): Promise<number>;
}

export interface Sent {
  ref: string;
  /** When it was due (open loop) or sent (closed loop), on the stand-in's clock. */
  scheduledAt: number;
  status: number;
  /** When the server answered (its 2xx comes only after the message committed). */
  ackAt?: number;
}

/**
 * Open loop at a fixed rate: message i is due at t0 + i/rate whatever happened to earlier ones, and
 * latency counts from that due time, so a stalled server cannot hide its queue (no coordinated omission).
 */
export async function openLoop(rate: number, durationS: number, make: (i: number) => Shot): Promise<Sent[]> {
  const total = Math.round(rate * durationS);
  const sent: Sent[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && t0 + (next * 1000) / rate <= now) {
      const shot = make(next);
      const record: Sent = { ref: shot.ref, scheduledAt: t0 + (next * 1000) / rate, status: 0 };
      sent.push(record);
      inFlight.push(shot.send().then((status) => void Object.assign(record, { status, ackAt: performance.now() })));
      next += 1;
    }
    // Wake when the next message is due, not every millisecond: at 50 msg/s a 1 ms poll was 1,000
    // wake-ups a second of the load generator, on the two cores the server and Postgres share.
    if (next < total) await sleep(Math.max(0, t0 + (next * 1000) / rate - performance.now()));
  }
  await Promise.all(inFlight);
  return sent;
}

/** As fast as the server accepts: `connections` senders, each sending its next message on the last one's answer. */
export async function closedLoop(connections: number, durationS: number, make: (i: number) => Shot): Promise<Sent[]> {
  const sent: Sent[] = [];
  const end = performance.now() + durationS * 1000;
  let next = 0;
  const sender = async () => {
    while (performance.now() < end) {
      const shot = make(next++);
      const record: Sent = { ref: shot.ref, scheduledAt: performance.now(), status: 0 };
      sent.push(record);
      record.status = await shot.send();
      record.ackAt = performance.now();
      if (record.status === 0) await sleep(10);
    }
  };
  await Promise.all(Array.from({ length: connections }, sender));
  return sent;
}

/**
 * Waits until every accepted message has a reply, or nothing new arrived for `idleMs` (bounded by
 * `maxMs`), then a short grace so a late duplicate is still seen.
 */
export async function awaitReplies(standIn: StandIn, refs: string[], idleMs = 15_000, maxMs = 180_000): Promise<void> {
  const started = performance.now();
  let lastTotal = standIn.total;
  let lastProgress = performance.now();
  for (;;) {
    const missing = refs.reduce((n, ref) => n + (standIn.arrivals.has(ref) ? 0 : 1), 0);
    if (missing === 0) break;
    if (standIn.total !== lastTotal) {
      lastTotal = standIn.total;
      lastProgress = performance.now();
    }
    if (performance.now() - lastProgress > idleMs || performance.now() - started > maxMs) break;
    await sleep(200);
  }
  await sleep(1_000);
}
