/**
 * `npx tsx bench/broadcast.ts`: a broadcast to 10,000 contacts on the `api` channel, against the
 * real server (child process, compiled) on a real Postgres, with a local endpoint standing in for
 * the customers. The contacts are seeded in the database; STOP arrives through the webhook. It shows that each contact is sent the broadcast once, that contacts who texted
 * STOP are skipped, and the sustained send rate against the channel's sendRatePerSecond (50).
 *
 * Env: BROADCAST_CONTACTS (10000), BROADCAST_OPTED_OUT (500), BROADCAST_RATE (the channel default
 * when unset), BENCH_DATABASE_URL (else an embedded Postgres in a temp dir).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ApiClient, post, signedInbound } from './client';
import { startBenchServer } from './server';
import { sleep } from './stats';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTACTS = Number(process.env.BROADCAST_CONTACTS ?? 10_000);
const OPTED_OUT = Number(process.env.BROADCAST_OPTED_OUT ?? 500);
const RATE = process.env.BROADCAST_RATE ? Number(process.env.BROADCAST_RATE) : undefined;
const TEXT = 'Spring sale: half-price cakes this weekend!';
const SENDERS = 16;

/** The customers' endpoint: checks our signature and records when each broadcast message arrived, per recipient. */
class Customers {
  readonly arrivals = new Map<string, number[]>();
  badSignatures = 0;
  other = 0;
  secret = '';
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        const raw = Buffer.concat(chunks);
        const given = Buffer.from(String(req.headers['x-switchboard-signature'] ?? '').replace(/^sha256=/, ''), 'hex');
        const expected = createHmac('sha256', this.secret).update(raw).digest();
        if (!this.secret || given.length !== expected.length || !timingSafeEqual(given, expected)) {
          this.badSignatures += 1;
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        const body = JSON.parse(raw.toString('utf8')) as { to: string; text: string };
        if (body.text !== TEXT) {
          this.other += 1;
          return;
        }
        const list = this.arrivals.get(body.to);
        if (list) list.push(at);
        else this.arrivals.set(body.to, [at]);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/customers`;
  }

  close() {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

/** Sends `count` signed inbound messages, `SENDERS` at a time; each must be accepted. */
async function inbound(
  target: { host: string; port: number },
  path: string,
  secret: string,
  count: number,
  message: (i: number) => { id: string; from: string; text: string },
) {
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const { body, headers } = signedInbound(secret, message(next++));
      const status = await post(target, path, body, headers);
      if (status !== 200) throw new Error(`inbound message refused with ${status}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

async function main() {
  const customers = new Customers();
  const callbackUrl = await customers.start();
  const server = await startBenchServer({ root });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const api = new ApiClient(server.baseUrl);
    await api.call('POST', '/api/auth/signup', {
      email: `broadcast-${Date.now()}@example.com`,
      password: 'bench-password-123',
      name: 'Bench',
      workspaceName: 'Broadcast Bakery',
    });
    const channel = await api.call<{ id: string; webhookUrl: string; secret: string }>('POST', '/api/channels', {
      type: 'api',
      name: 'SMS gateway',
      config: { callbackUrl },
    });
    customers.secret = channel.secret;
    const target = { host: '127.0.0.1', port: server.port };
    const path = new URL(channel.webhookUrl).pathname;

    // The audience is seeded in one statement (contacts who wrote in on the channel before); the
    // opt-outs arrive the real way, as STOP messages through the signed webhook.
    process.stdout.write(`${CONTACTS} contacts, ${OPTED_OUT} of them text STOP... `);
    let t = performance.now();
    await db.query(
      `with seeded as (
         insert into contacts (workspace_id, name) select ch.workspace_id, 'Customer ' || n from channels ch, generate_series(0, $2::int - 1) n where ch.id = $1
         returning id, workspace_id, name
       )
       insert into contact_identities (workspace_id, contact_id, channel_id, external_id)
       select workspace_id, id, $1, 'cust-' || substr(name, 10) from seeded`,
      [channel.id, CONTACTS],
    );
    const stopEvery = Math.floor(CONTACTS / OPTED_OUT);
    const stopped = new Set(Array.from({ length: OPTED_OUT }, (_, k) => `cust-${k * stopEvery}`));
    await inbound(target, path, channel.secret, OPTED_OUT, (k) => ({ id: `stop-${k}`, from: `cust-${k * stopEvery}`, text: 'STOP' }));
    await waitFor(
      'the opt-outs',
      async () => Number((await db.query('select count(*) from contact_opt_outs')).rows[0].count) === OPTED_OUT,
      600_000,
    );
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);

    process.stdout.write('broadcast... ');
    t = performance.now();
    const created = await api.call<{ id: string; sendRatePerSecond: number }>('POST', '/api/broadcasts', {
      name: 'Spring sale',
      channelId: channel.id,
      text: TEXT,
      ...(RATE && { sendRatePerSecond: RATE }),
    });
    const expected = CONTACTS - OPTED_OUT;
    type Progress = { status: string; progress: Record<string, number> };
    let last: Progress | undefined;
    await waitFor(
      'the broadcast',
      async () => {
        last = await api.call<Progress>('GET', `/api/broadcasts/${created.id}`);
        return (
          last.status === 'completed' &&
          last.progress.sending === 0 &&
          [...customers.arrivals.values()].reduce((n, a) => n + a.length, 0) >= expected
        );
      },
      (expected / created.sendRatePerSecond) * 3_000 + 120_000,
    );
    const wallS = (performance.now() - t) / 1000;
    console.log(`${wallS.toFixed(1)} s`);

    const times = [...customers.arrivals.values()].flat().sort((a, b) => a - b);
    const duplicates = [...customers.arrivals.values()].filter((a) => a.length > 1).length;
    const reachedStopped = [...stopped].filter((to) => customers.arrivals.has(to)).length;
    const missing = Array.from({ length: CONTACTS }, (_, i) => `cust-${i}`).filter(
      (to) => !stopped.has(to) && !customers.arrivals.has(to),
    ).length;
    const { rows: skippedRows } = await db.query(
      `select count(*)::int as n, min(reason) as reason from broadcast_recipients where broadcast_id = $1 and status = 'skipped'`,
      [created.id],
    );
    // Sustained rate: messages per second between the first and the last arrival, and per whole second.
    const spanS = (times.at(-1)! - times[0]!) / 1000;
    const sustained = (times.length - 1) / spanS;
    const perSecond = new Map<number, number>();
    for (const at of times) {
      const s = Math.floor((at - times[0]!) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const fullSeconds = [...perSecond.entries()]
      .filter(([s]) => s > 0 && s < Math.floor(spanS))
      .map(([, n]) => n)
      .sort((a, b) => a - b);
    const rate = created.sendRatePerSecond;
    const withinTenPercent = Math.abs(sustained - rate) / rate <= 0.1;
    const results = {
      contacts: CONTACTS,
      optedOut: OPTED_OUT,
      sendRatePerSecond: rate,
      delivered: times.length,
      distinctRecipients: customers.arrivals.size,
      duplicates,
      missing,
      optedOutReached: reachedStopped,
      skippedWithReason: skippedRows[0].n,
      skippedReason: skippedRows[0].reason,
      badSignatures: customers.badSignatures,
      sustainedPerS: Number(sustained.toFixed(2)),
      perSecond: { min: fullSeconds[0], median: fullSeconds[Math.floor(fullSeconds.length / 2)], max: fullSeconds.at(-1) },
      spanS: Number(spanS.toFixed(1)),
      wallS: Number(wallS.toFixed(1)),
      withinTenPercent,
      progress: last?.progress,
    };
    console.table(results);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    const file = join(root, 'bench', 'results', `broadcast-${new Date().toISOString().slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`);
    console.log(`written ${file}`);
    const ok = duplicates === 0 && missing === 0 && reachedStopped === 0 && skippedRows[0].n === OPTED_OUT && withinTenPercent;
    if (!ok) process.exitCode = 1;
  } finally {
    await db.end();
    await server.stop();
    customers.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
