import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '@switchboard/db';
import { waitFor, type ServerProcess } from '../processes';
import {
  createAndPublish,
  echoFlow,
  http,
  sendInbound,
  setUpWorkspace,
  sleep,
  startCallback,
  startRoles,
  tally,
  type Callback,
  type Workspace,
} from './cluster';

// A Postgres of this test's own, so stopping it leaves the rest of the run alone.
let dir: string;
let postgres: RunningPostgres;
let callback: Callback;
let procs: ServerProcess[] = [];
let ws: Workspace;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-outage-'));
  postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 0 });
  callback = await startCallback();
  procs = await startRoles(postgres.url, ['api', 'worker']);
  ws = await setUpWorkspace(procs[0]!.url, callback.url);
});
afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  await callback.standIn.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Postgres stopped under load', () => {
  it('answers 503 + Retry-After quickly, goes unready, recovers, and loses nothing it accepted', async () => {
    const [api, worker] = procs;
    await createAndPublish(api!.url, ws.cookie, 'Echo', echoFlow('echo'));

    const accepted = new Set<string>();
    const refused: string[] = [];
    const otherStatuses: number[] = [];
    let slowest = 0;
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 10 }, async (_, c) => {
        for (let m = 0; !stop; m++) {
          const text = `msg c${c} m${m}`;
          try {
            const res = await sendInbound(api!.url, ws, { id: `c${c}-m${m}`, from: `cust-${c}`, text }, 20_000);
            slowest = Math.max(slowest, res.ms);
            if (res.status === 200) accepted.add(text);
            else if (res.status === 503 && res.headers.get('retry-after')) refused.push(text);
            else otherStatuses.push(res.status);
          } catch {
            otherStatuses.push(-1); // hung past 20 s or the connection broke
          }
          await sleep(50);
        }
      }),
    );
    await waitFor(async () => callback.replies().length >= 50, 30_000);

    await postgres.stop();
    const downAt = Date.now();
    await sleep(1_000);
    const ready = await http(api!.url, 'GET', '/readyz', { timeoutMs: 10_000 });
    const workerReady = await http(worker!.url, 'GET', '/readyz', { timeoutMs: 10_000 });
    const apiCall = await http(api!.url, 'GET', '/api/workflows', { cookie: ws.cookie, timeoutMs: 10_000 });
    const login = await http(api!.url, 'POST', '/api/auth/login', {
      body: { email: 'x@example.com', password: 'whatever-123' },
      timeoutMs: 10_000,
    });
    await sleep(5_000);

    postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: postgres.port });
    const upAt = Date.now();
    await waitFor(async () => (await http(api!.url, 'GET', '/readyz')).status === 200, 30_000);
    const readyAgainMs = Date.now() - upAt;
    await sleep(3_000); // traffic flows again
    stop = true;
    await load;

    // What the providers would do: deliver again what got a 503.
    for (const text of refused) {
      const [, c, m] = /msg c(\d+) m(\d+)/.exec(text)!;
      const res = await sendInbound(api!.url, ws, { id: `c${c}-m${m}`, from: `cust-${c}`, text });
      expect(res.status).toBe(200);
    }
    const expected = [...accepted, ...refused].map((t) => `echo: ${t}`);
    await waitFor(async () => {
      const answered = tally(callback.replies()).answeredTexts;
      return expected.every((t) => answered.has(t));
    }, 90_000).catch(() => undefined);
    const answered = tally(callback.replies()).answeredTexts;
    const missing = expected.filter((t) => !answered.has(t));
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows: dupes } = await client.query(
      `select text from messages where direction = 'out' group by conversation_id, text having count(*) > 1`,
    );
    await client.end();
    console.log(
      `[pg-outage] ${accepted.size + refused.length + otherStatuses.length} sent, ${accepted.size} accepted (2xx), ${refused.length} refused with 503 + Retry-After (redelivered after), ` +
        `${expected.length - missing.length}/${expected.length} answered, ${dupes.length} duplicated; slowest webhook answer ${slowest} ms; ` +
        `/readyz 200 again ${readyAgainMs} ms after Postgres came back; down for ${upAt - downAt} ms; ` +
        `job runner restarted by the supervisor: ${worker!.output().includes('restarting it') ? 'yes' : 'no'}`,
    );
    if (missing.length) console.log(`worker output:\n${worker!.output().slice(-6000)}`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', database: false });
    expect(workerReady.status).toBe(503);
    expect(apiCall.status).toBe(503);
    expect(apiCall.headers.get('retry-after')).toBeTruthy();
    expect(login.status).toBe(503);
    expect(otherStatuses).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(7_000);
    expect(missing).toEqual([]);
    expect(dupes).toEqual([]);
    expect(api!.child.exitCode).toBeNull();
    expect(worker!.child.exitCode).toBeNull();
  });

  it('answers 503 within the deadline when Postgres hangs (SIGSTOP) instead of refusing, and catches up after', async () => {
    const [api, worker] = procs;
    // The postmaster and every backend: all processes of this test's own cluster.
    const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const cluster = () => [
      postmaster,
      ...execFileSync('pgrep', ['-P', String(postmaster)])
        .toString()
        .trim()
        .split('\n')
        .map(Number),
    ];
    const signal = (sig: NodeJS.Signals) => cluster().forEach((pid) => process.kill(pid, sig));

    const results: { text: string; status: number; ms: number }[] = [];
    let stop = false;
    let n = 0;
    const load = Promise.all(
      Array.from({ length: 5 }, async (_, c) => {
        while (!stop) {
          const text = `msg hang c${c} n${n++}`;
          const res = await sendInbound(api!.url, ws, { id: `hang-${c}-${n}`, from: `hang-${c}`, text }, 30_000).catch(() => ({
            status: -1,
            ms: 30_000,
          }));
          results.push({ text, status: res.status, ms: res.ms });
          await sleep(100);
        }
      }),
    );
    await sleep(1_000);
    signal('SIGSTOP');
    const frozenAt = Date.now();
    const ready = await http(api!.url, 'GET', '/readyz', { timeoutMs: 10_000 });
    await sleep(12_000);
    signal('SIGCONT');
    const thawedAt = Date.now();
    await sleep(3_000);
    stop = true;
    await load;

    const during = results.filter((r) => r.status !== 200);
    // What providers do with a 503: deliver again (the same id); one that committed late is a duplicate.
    for (const r of during) {
      const [, c, k] = /hang c(\d+) n(\d+)/.exec(r.text)!;
      expect((await sendInbound(api!.url, ws, { id: `hang-${c}-${Number(k) + 1}`, from: `hang-${c}`, text: r.text })).status).toBe(200);
    }
    const expected = results.map((r) => `echo: ${r.text}`);
    await waitFor(async () => expected.every((t) => tally(callback.replies()).answeredTexts.has(t)), 60_000).catch(() => undefined);
    const answered = tally(callback.replies()).answeredTexts;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows: dupes } = await client.query(
      `select text from messages where direction = 'out' and text like 'echo: msg hang%' group by text having count(*) > 1`,
    );
    await client.end();
    const slowest = Math.max(...results.map((r) => r.ms));
    console.log(
      `[pg-hang] ${results.length} sent, ${results.length - during.length} accepted, ${during.length} answered 503 (${during.filter((r) => r.status === 503).length}) while frozen for ${thawedAt - frozenAt} ms, ` +
        `slowest answer ${slowest} ms, /readyz ${ready.status} in ${ready.ms} ms; after redelivery ${expected.filter((t) => answered.has(t)).length}/${expected.length} answered, ${dupes.length} duplicated`,
    );
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(5_000);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((r) => r.status === 503)).toBe(true);
    expect(slowest).toBeLessThan(12_000);
    expect(expected.filter((t) => !answered.has(t))).toEqual([]);
    expect(dupes).toEqual([]);
    expect(api!.child.exitCode).toBeNull();
    expect(worker!.child.exitCode).toBeNull();
  });
});
