import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import type { ServerProcess } from '../processes';
import { waitFor } from '../processes';
import {
  createAndPublish,
  echoFlow,
  http,
  publish,
  sendInbound,
  setUpWorkspace,
  startCallback,
  startRoles,
  tally,
  type Callback,
  type Workspace,
} from './cluster';

let database: TestDatabase;
let callback: Callback;
let procs: ServerProcess[] = [];
let ws: Workspace;

beforeAll(async () => {
  database = await createTestDatabase();
  callback = await startCallback();
  procs = await startRoles(database.url, ['api', 'api', 'worker', 'worker']);
  ws = await setUpWorkspace(procs[0]!.url, callback.url);
});
afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  await callback.standIn.close();
  await database.drop();
});

const CONVERSATIONS = 20;
const PER_CONVERSATION = 10;

describe('2 api + 2 worker processes on one Postgres', () => {
  it('answers every message exactly once, in order per conversation, whichever api took it', async () => {
    const [api1, api2, worker1, worker2] = procs;
    const flowId = await createAndPublish(api1!.url, ws.cookie, 'Echo', echoFlow('v1'));
    const started = Date.now();
    // Each customer writes its messages one after the other (as a provider does), alternating APIs.
    const statuses = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const out: number[] = [];
        for (let m = 0; m < PER_CONVERSATION; m++) {
          const api = (c + m) % 2 === 0 ? api1! : api2!;
          out.push((await sendInbound(api.url, ws, { id: `c${c}-m${m}`, from: `cust-${c}`, text: `msg c${c} m${m}` })).status);
        }
        return out;
      }),
    );
    const total = CONVERSATIONS * PER_CONVERSATION;
    expect(statuses.flat().filter((s) => s === 200)).toHaveLength(total);
    await waitFor(async () => callback.replies().length >= total, 60_000);
    const elapsed = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would show by now

    const replies = callback.replies();
    const t = tally(replies);
    expect(replies).toHaveLength(total);
    expect(t.duplicatedIds).toEqual([]);
    expect(t.duplicatedTexts).toEqual([]);
    for (let c = 0; c < CONVERSATIONS; c++) {
      expect(t.byRecipient.get(`cust-${c}`)).toEqual(Array.from({ length: PER_CONVERSATION }, (_, m) => `v1: msg c${c} m${m}`));
    }
    // Both workers took part.
    const { rows } = await database.pool.query(`select count(distinct worker_id)::int as n from worker_heartbeats`);
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
    console.log(
      `[scale-out] ${total} sent, ${total} accepted, ${replies.length} answered, 0 duplicated in ${elapsed} ms (2 api + 2 worker)`,
    );
    expect(worker1!.child.exitCode).toBeNull();
    expect(worker2!.child.exitCode).toBeNull();

    // Publish a new version through api #1: the next message, whichever worker takes it, uses it.
    const saved = await http(api1!.url, 'PUT', `/api/workflows/${flowId}`, { cookie: ws.cookie, body: { definition: echoFlow('v2') } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await publish(api1!.url, ws.cookie, flowId);
    const before = callback.replies().length;
    for (let i = 0; i < 12; i++) {
      const api = i % 2 === 0 ? api2! : api1!;
      expect((await sendInbound(api.url, ws, { id: `after-${i}`, from: `late-${i}`, text: `msg after ${i}` })).status).toBe(200);
    }
    await waitFor(async () => callback.replies().length >= before + 12, 30_000);
    const late = callback
      .replies()
      .slice(before)
      .map((r) => r.text)
      .sort();
    expect(late).toEqual(Array.from({ length: 12 }, (_, i) => `v2: msg after ${i}`).sort());
  });
});
