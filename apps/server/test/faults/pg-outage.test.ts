import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '@switchboard/db';
import { waitFor, type ServerProcess } from '../processes';
import { createAndPublish, echoFlow, http, sendInbound, setUpWorkspace, sleep, startCallback, startRoles, tally, type Callback, type Workspace } from './cluster';

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
    const login = await http(api!.url, 'POST', '/api/auth/login', { body: { email: 'x@example.com', password: 'whatever-123' }, timeoutMs: 10_000 });
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
    const { rows: dupes } = await client.query(`select text from messages where direction = 'out' group by conversation_id, text having count(*) > 1`);
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
});
