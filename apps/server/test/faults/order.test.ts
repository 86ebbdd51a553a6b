import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { flow } from '../flow-helpers';
import { waitFor, type ServerProcess } from '../processes';
import {
  createAndPublish,
  sendInbound,
  setUpWorkspace,
  sleep,
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
/** Deliveries to one customer in flight at once, and the most ever seen. */
const inFlight = new Map<string, number>();
let mostInFlight = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  // The customer's system takes a while per reply, so a conversation's jobs pile up in its queue
  // and the workers' local queues fetch several of them in one batch.
  callback = await startCallback(async (req) => {
    const to = (req.json() as { to: string }).to;
    const now = (inFlight.get(to) ?? 0) + 1;
    inFlight.set(to, now);
    mostInFlight = Math.max(mostInFlight, now);
    await sleep(15);
    inFlight.set(to, (inFlight.get(to) ?? 1) - 1);
    return { json: { ok: true } };
  });
  procs = await startRoles(database.url, ['api', 'worker', 'worker']);
  ws = await setUpWorkspace(procs[0]!.url, callback.url);
});
afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  await callback.standIn.close();
  await database.drop();
});

const CONVERSATIONS = 8;
const PER_CONVERSATION = 15;

describe("one conversation's jobs with the local queue on (2 workers)", () => {
  it('never overlap and keep arrival order: routing, the flow and every delivery', async () => {
    const [api] = procs;
    await createAndPublish(
      api!.url,
      ws.cookie,
      'Two replies',
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['msg'], onlyWhenBot: false } },
          { id: 'a', type: 'action.send_message', config: { text: 'a: {{ message.text }}' } },
          { id: 'b', type: 'action.send_message', config: { text: 'b: {{ message.text }}' } },
        ],
        [
          { source: 't', target: 'a' },
          { source: 'a', target: 'b' },
        ],
      ),
    );
    // Each customer writes back-to-back, waiting only for the webhook's answer, as a provider does.
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        for (let m = 0; m < PER_CONVERSATION; m++) {
          expect((await sendInbound(api!.url, ws, { id: `o${c}-m${m}`, from: `order-${c}`, text: `msg ${m}` })).status).toBe(200);
        }
      }),
    );
    const total = CONVERSATIONS * PER_CONVERSATION * 2;
    await waitFor(async () => callback.replies().length >= total, 90_000);
    await sleep(1_500); // a duplicate would show by now

    const t = tally(callback.replies());
    expect(callback.replies()).toHaveLength(total);
    expect(t.duplicatedIds).toEqual([]);
    for (let c = 0; c < CONVERSATIONS; c++) {
      expect(t.byRecipient.get(`order-${c}`)).toEqual(
        Array.from({ length: PER_CONVERSATION }, (_, m) => [`a: msg ${m}`, `b: msg ${m}`]).flat(),
      );
    }
    // Deliveries: one at a time per customer.
    expect(mostInFlight).toBe(1);
    // Routing and the flow: each message's run (started by its route_event job, finished by it)
    // ends before the next message's run of the same conversation starts.
    const { rows } = await database.pool.query<{ conversation_id: string; created_at: Date; finished_at: Date; text: string }>(`
      select r.conversation_id, r.created_at, r.finished_at, m.text from workflow_runs r join messages m on m.id = (r.trigger->>'messageId')::uuid
      order by r.conversation_id, r.created_at`);
    expect(rows).toHaveLength(CONVERSATIONS * PER_CONVERSATION);
    let overlaps = 0;
    for (let i = 1; i < rows.length; i++) {
      const [before, after] = [rows[i - 1]!, rows[i]!];
      if (before.conversation_id !== after.conversation_id) continue;
      expect(Number(after.text.split(' ')[1])).toBe(Number(before.text.split(' ')[1]) + 1);
      if (after.created_at < before.finished_at) overlaps++;
    }
    expect(overlaps).toBe(0);
    // Both workers took part.
    const { rows: holders } = await database.pool.query(`select count(*)::int as n from worker_heartbeats`);
    expect(holders[0].n).toBeGreaterThanOrEqual(2);
  });
});
