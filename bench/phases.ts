import { performance } from 'node:perf_hooks';
import { post, signedInbound, type Target } from './client';
import { awaitReplies, closedLoop, openLoop, type Sent, type Shot } from './load';
import type { Monitor } from './proc';
import type { BenchServer } from './server';
import type { BenchSetup } from './setup';
import type { StandIn } from './stand-in';
import { round, sleep, summarise, type LatencySummary } from './stats';

export const PHASES = ['validate', 'ceiling', 'open50', 'open200', 'open500', 'open1000', 'saturation', 'ask', 'proactive', 'statements'];
const CUSTOMERS = 200;
export const SATURATION_CONNECTIONS = 64;
/** Saturation is measured after the first seconds, once queues and pools are warm. */
const WARMUP_S = 5;
/** How long a phase waits for its replies before the next one starts (the end of the run waits for all). */
const PHASE_DRAIN_MS = 60_000;
const STARTUP_MS = 2_000;
const STARTUP_BUCKET_MS = 100;

export interface PhaseContext {
  server: BenchServer;
  standIn: StandIn;
  setup: BenchSetup;
  monitor: Monitor;
  durationS: number;
  statsWaitMs: number;
}

export interface PhaseResult {
  name: string;
  /** Wall-clock start of the phase, to set its timeline against server or Postgres logs. */
  startedAt: string;
  /** Offered rate (msg/s) for open-loop phases; null when closed-loop. */
  rate: number | null;
  sent: number;
  accepted: number;
  replies: number;
  lost: number;
  duplicated: number;
  latency: LatencySummary;
  /** Latency per second of the phase (by due time): where in the run the tail came from. */
  timeline: { second: number; p50: number | null; p99: number | null; max: number | null; ackP99: number | null }[];
  /** The same for the phase's first STARTUP_MS, by STARTUP_BUCKET_MS: what makes a first second slow. */
  startup: { ms: number; n: number; p50: number | null; p99: number | null; ackP99: number | null }[];
  /** Inbound POST to its 2xx (the message is stored and its job queued). */
  ack: LatencySummary;
  /** Sampled pg_stat_activity of the app database while sending: state/wait -> mean backends. */
  pgActivity?: Record<string, number>;
  /** Replies that arrived per second while sending (after warm-up for saturation). */
  repliesPerS: number;
  acceptedPerS: number;
  /** Webhooks not answered 2xx, by status (0: no answer at all). */
  refused: Record<string, number>;
  cpu: { serverPct: number; postgresPct: number };
  peakRssMb: { server: number; postgresPss: number };
  commitsPerMessage: number | null;
}

let sequence = 0;
const uniq = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`;

/** What a phase sent and measured; replies are counted at the end of the whole run (see finish). */
export interface PhaseRaw {
  name: string;
  startedAt: string;
  rate: number | null;
  sent: Sent[];
  windowStart: number;
  windowEnd: number;
  shared: Pick<PhaseResult, 'cpu' | 'peakRssMb'>;
  commitsPerMessage: number | null;
  pgActivity: Record<string, number>;
}

const ok = (s: Sent) => s.status >= 200 && s.status < 300;

export async function runPhase(ctx: PhaseContext, phase: string): Promise<PhaseRaw[]> {
  const target: Target = { host: '127.0.0.1', port: ctx.server.port };
  const run = uniq();
  const inbound = (ref: string, from: string, text: string): Shot => {
    const { body, headers } = signedInbound(ctx.setup.secret, { id: `in-${ref}`, from, text: `${text} #${ref}`, name: 'Bench Customer' });
    return { ref, send: () => post(target, `/webhooks/channels/${ctx.setup.channelId}`, body, headers) };
  };
  const priceShot = (prefix: string) => (i: number) =>
    inbound(`${prefix}.${run}.${i}`, `cust-${i % CUSTOMERS}`, i % 2 ? 'what is the price of a cake' : 'price list please');

  const commitsBefore = await ctx.server.commits();
  ctx.monitor.start();
  const activity = new Map<string, number>();
  let activitySamples = 0;
  const activityTimer = setInterval(() => {
    void ctx.server.activity().then(
      (now) => {
        activitySamples += 1;
        for (const [k, n] of Object.entries(now)) activity.set(k, (activity.get(k) ?? 0) + n);
      },
      () => {},
    );
  }, 250);
  let cpuStart = ctx.monitor.cpu();
  let windowStart = performance.now();
  const startedAt = new Date().toISOString();
  let windowStartTimer: NodeJS.Timeout | undefined;
  let sent: Sent[];
  let extra: { name: string; sent: Sent[] } | undefined;
  let rate: number | null = null;

  if (phase.startsWith('open')) {
    rate = Number(phase.slice('open'.length));
    sent = await openLoop(rate, ctx.durationS, priceShot('o'));
  } else if (phase === 'saturation') {
    windowStartTimer = setTimeout(() => {
      cpuStart = ctx.monitor.cpu();
      windowStart = performance.now();
    }, WARMUP_S * 1000);
    sent = await closedLoop(SATURATION_CONNECTIONS, ctx.durationS, priceShot('s'));
  } else if (phase === 'ask') {
    // Open loop over new conversations (each asks, then answers the question when it arrives).
    rate = 100;
    const answers: Sent[] = [];
    const askedAt = new Map<string, number>();
    ctx.standIn.onReply = (ref, reply) => {
      if (!ref.startsWith(`a.${run}.`) || ref.endsWith('r') || askedAt.has(ref)) return;
      askedAt.set(ref, reply.at);
      const shot = inbound(`${ref}r`, `book-${ref}`, 'tuesday');
      const record: Sent = { ref: shot.ref, scheduledAt: performance.now(), status: 0 };
      answers.push(record);
      void shot.send().then((status) => void (record.status = status));
    };
    sent = await openLoop(rate, ctx.durationS, (i) => inbound(`a.${run}.${i}`, `book-a.${run}.${i}`, 'can I book a table'));
    await awaitReplies(
      ctx.standIn,
      sent.filter(ok).map((s) => s.ref),
      15_000,
      PHASE_DRAIN_MS,
    );
    extra = { name: 'ask: resume', sent: answers };
  } else if (phase === 'proactive') {
    rate = 200;
    sent = await openLoop(rate, ctx.durationS, (i) => {
      const ref = `w.${run}.${i}`;
      const body = JSON.stringify({ ref, contact: { channelId: ctx.setup.channelId, externalId: `cust-${i % CUSTOMERS}` } });
      return { ref, send: () => post(target, ctx.setup.webhookPath, body) };
    });
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  clearTimeout(windowStartTimer);
  const windowEnd = performance.now();
  clearInterval(activityTimer);
  const pgActivity = Object.fromEntries(
    [...activity]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, n]) => [k, round(n / Math.max(activitySamples, 1), 1)]),
  );
  const cpuEnd = ctx.monitor.cpu();
  await awaitReplies(
    ctx.standIn,
    [...sent, ...(extra?.sent ?? [])].filter(ok).map((s) => s.ref),
    15_000,
    PHASE_DRAIN_MS,
  );
  await ctx.monitor.stop();
  ctx.standIn.onReply = undefined;
  await sleep(ctx.statsWaitMs);
  const commits = (await ctx.server.commits()) - commitsBefore;

  const windowS = (windowEnd - windowStart) / 1000;
  const shared = {
    cpu: {
      serverPct: round(((cpuEnd.server - cpuStart.server) / windowS) * 100, 0),
      postgresPct: round(((cpuEnd.postgres - cpuStart.postgres) / windowS) * 100, 0),
    },
    peakRssMb: { server: round(ctx.monitor.peakServerMb, 0), postgresPss: round(ctx.monitor.peakPostgresMb, 0) },
  };
  const allAccepted = sent.filter(ok).length + (extra?.sent.filter(ok).length ?? 0);
  const commitsPerMessage = allAccepted ? round(commits / allAccepted, 1) : null;
  const name = phase === 'ask' ? 'ask: question' : phase;
  const raws: PhaseRaw[] = [{ name, startedAt, rate, sent, windowStart, windowEnd, shared, commitsPerMessage, pgActivity }];
  if (extra)
    raws.push({ name: extra.name, startedAt, rate, sent: extra.sent, windowStart, windowEnd, shared, commitsPerMessage, pgActivity });
  return raws;
}

/**
 * After the last phase: waits (bounded) for every accepted message of every phase, then counts
 * lost and duplicated replies and the latencies. A phase that left a backlog is still fully checked.
 */
export async function finish(standIn: StandIn, raws: PhaseRaw[]): Promise<PhaseResult[]> {
  await awaitReplies(
    standIn,
    raws.flatMap((r) => r.sent.filter(ok).map((s) => s.ref)),
    20_000,
    300_000,
  );
  await sleep(2_000);
  return raws.map((r) => summariseSent(standIn, r));
}

function summariseSent(
  standIn: StandIn,
  { name, startedAt, rate, sent, windowStart, windowEnd, shared, commitsPerMessage, pgActivity }: PhaseRaw,
): PhaseResult {
  const accepted = sent.filter(ok);
  const latencies: number[] = [];
  const bySecond: number[][] = [];
  const acksBySecond: number[][] = [];
  const byBucket: number[][] = [];
  const acksByBucket: number[][] = [];
  let lost = 0;
  let duplicated = 0;
  let replies = 0;
  let inWindow = 0;
  for (const s of accepted) {
    const arrivals = standIn.arrivals.get(s.ref);
    if (!arrivals?.length) {
      lost += 1;
      continue;
    }
    replies += 1;
    if (arrivals.length > 1) duplicated += arrivals.length - 1;
    latencies.push(arrivals[0]!.at - s.scheduledAt);
    const second = Math.max(0, Math.floor((s.scheduledAt - windowStart) / 1000));
    (bySecond[second] ??= []).push(arrivals[0]!.at - s.scheduledAt);
    if (s.ackAt !== undefined) (acksBySecond[second] ??= []).push(s.ackAt - s.scheduledAt);
    const sinceStart = s.scheduledAt - windowStart;
    if (sinceStart < STARTUP_MS) {
      const bucket = Math.max(0, Math.floor(sinceStart / STARTUP_BUCKET_MS));
      (byBucket[bucket] ??= []).push(arrivals[0]!.at - s.scheduledAt);
      if (s.ackAt !== undefined) (acksByBucket[bucket] ??= []).push(s.ackAt - s.scheduledAt);
    }
    if (arrivals[0]!.at >= windowStart && arrivals[0]!.at <= windowEnd) inWindow += 1;
  }
  const windowS = (windowEnd - windowStart) / 1000;
  return {
    name,
    startedAt,
    rate,
    sent: sent.length,
    accepted: accepted.length,
    replies,
    lost,
    duplicated,
    latency: summarise(latencies),
    timeline: Array.from(bySecond, (samples, second) => {
      const { p50, p99, max } = summarise(samples ?? []);
      return { second, p50, p99, max, ackP99: summarise(acksBySecond[second] ?? []).p99 };
    }),
    startup: Array.from(byBucket, (samples, bucket) => {
      const { n, p50, p99 } = summarise(samples ?? []);
      return { ms: bucket * STARTUP_BUCKET_MS, n, p50, p99, ackP99: summarise(acksByBucket[bucket] ?? []).p99 };
    }),
    ack: summarise(accepted.filter((s) => s.ackAt !== undefined).map((s) => s.ackAt! - s.scheduledAt)),
    pgActivity,
    repliesPerS: round(inWindow / windowS, 0),
    acceptedPerS: round(accepted.filter((s) => s.scheduledAt >= windowStart).length / windowS, 0),
    refused: sent
      .filter((s) => !ok(s))
      .reduce<Record<string, number>>((counts, s) => ({ ...counts, [s.status]: (counts[s.status] ?? 0) + 1 }), {}),
    ...shared,
    commitsPerMessage,
  };
}
