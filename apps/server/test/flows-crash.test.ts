import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '@switchboard/db';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, customerSays, flow, publishFlow } from './flow-helpers';
import { startServerProcess, waitFor, type ServerProcess } from './processes';

let ctx: TestContext;
let owner: Session;
let standIn: Server;
let standInUrl: string;
let firstCallReached: () => void;
const reached = new Promise<void>((resolve) => (firstCallReached = resolve));
let calls = 0;
const workers: ServerProcess[] = [];

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Crash');
  // An order-status API that hangs on the first call (the worker dies meanwhile) and answers after.
  standIn = createServer((req, res) => {
    calls += 1;
    if (calls === 1) {
      firstCallReached();
      return; // never answers
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}');
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
  const address = standIn.address();
  standInUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/orders/42`;
  await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { httpAllowHosts: ['127.0.0.1'] } } });
});

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  standIn.closeAllConnections();
  await new Promise((r) => standIn.close(r));
  await ctx.close();
});

describe('a worker killed with -9 between two steps', () => {
  it('finishes the run after a new worker starts, with exactly one copy of each reply', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['order'] } },
          { id: 'one', type: 'action.send_message', config: { text: 'Let me check your order.' } },
          { id: 'lookup', type: 'action.http_request', config: { method: 'GET', url: standInUrl, saveTo: 'order', timeoutMs: 30_000 } },
          { id: 'two', type: 'action.send_message', config: { text: 'Your order is {{ vars.order.body.status }}.' } },
          { id: 'err', type: 'action.send_message', config: { text: 'The lookup failed.' } },
        ],
        [
          { source: 't', target: 'one' },
          { source: 'one', target: 'lookup' },
          { source: 'lookup', sourceHandle: 'success', target: 'two' },
          { source: 'lookup', sourceHandle: 'error', target: 'err' },
        ],
      ),
      'Order status',
    );
    const inbound = await customerSays(ctx, channel, `crash-${randomBytes(3).toString('hex')}`, 'where is my order?');

    const first = await startServerProcess({ ROLE: 'worker', DATABASE_URL: ctx.database.url });
    workers.push(first);
    await reached; // step "one" has committed; the worker is inside the HTTP step
    await first.kill('SIGKILL');
    expect(await botReplies(ctx, inbound.conversationId!)).toEqual(['Let me check your order.']);

    const killedAt = Date.now();
    const second = await startServerProcess({ ROLE: 'worker', DATABASE_URL: ctx.database.url });
    workers.push(second);
    const replies = await waitFor(async () => {
      const r = await botReplies(ctx, inbound.conversationId!);
      return r.length >= 2 ? r : undefined;
    }, 60_000);
    const recoveryMs = Date.now() - killedAt;
    console.log(`run recovered ${recoveryMs} ms after kill -9 (heartbeat staleness 10 s)`);
    await new Promise((r) => setTimeout(r, 1_000)); // anything duplicated would show by now
    expect(await botReplies(ctx, inbound.conversationId!)).toEqual(['Let me check your order.', 'Your order is shipped.']);
    expect(replies).toHaveLength(2);
    const delivered = await ctx.database.db
      .select({ status: messages.status })
      .from(messages)
      .where(eq(messages.conversationId, inbound.conversationId!));
    expect(delivered.filter((m) => m.status === 'delivered' || m.status === 'sent')).toHaveLength(2);
    expect(recoveryMs).toBeLessThan(30_000);
  }, 150_000);
});
