/**
 * Under a backlog, a reply already made leaves before more messages are routed: delivery jobs run
 * ahead of routing jobs (DELIVERY_PRIORITY), so the first customer is answered while the others
 * still wait their turn, instead of every reply waiting behind every message that came in after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { runQueueHere, defaultTuning, type QueueRunner } from '../src/queue/runner';
import { createTaskList } from '../src/tasks';
import { flow, publishFlow } from './flow-helpers';
import { createTestContext, signup, type Session, type TestContext } from './helpers';
import { count, createChannel, postWebhook } from './inbox-fixtures';
import { waitFor } from './processes';

const CUSTOMERS = 12;

let ctx: TestContext;
let owner: Session;
let receiver: StandIn;
let runner: QueueRunner | undefined;
/** Inbound messages still unrouted when each reply reached the customer's system. */
const unroutedAtReply: number[] = [];

beforeAll(async () => {
  // No runner yet: the backlog is stored first, then one worker takes it, as after a burst.
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Backlog');
  receiver = await startStandIn(async (req) => {
    unroutedAtReply.push(await count(ctx, `select 1 from messages where direction = 'in' and routed_at is null`));
    return { status: 200, json: { id: `their-${req.json().id}` } };
  });
});
afterAll(async () => {
  await runner?.stop();
  await receiver.close();
  await ctx.close();
});

describe('replies under a backlog', () => {
  it('sends the first reply while most of the backlog is still unrouted', async () => {
    const channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${receiver.baseUrl}/hook` });
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
          { id: 'say', type: 'action.send_message', config: { text: 'It costs 5' } },
        ],
        [{ source: 't', target: 'say' }],
      ),
    );
    for (let i = 0; i < CUSTOMERS; i++) {
      const raw = JSON.stringify({ id: `burst-${i}`, from: `customer-${i}`, text: 'price?' });
      const headers = { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) };
      expect((await postWebhook(ctx, channel.id, raw, headers)).status).toBe(200);
    }

    runner = await runQueueHere(ctx.deps, createTaskList(ctx.deps), defaultTuning(1));
    await waitFor(async () => unroutedAtReply.length === CUSTOMERS, 30_000);

    // One worker, a local queue of two: a reply waits for at most the routing job fetched with its
    // own, never for the whole backlog.
    expect(unroutedAtReply[0]).toBeGreaterThanOrEqual(CUSTOMERS - 3);
    expect(await count(ctx, `select 1 from messages where direction = 'out' and status = 'sent'`)).toBe(CUSTOMERS);
  });
});
