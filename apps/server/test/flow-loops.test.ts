import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { MAX_CAUSAL_DEPTH, MAX_RUNS_PER_CONTACT_PER_MINUTE, recentCausedRunsCount } from '../src/flows/flow-guards';
import { flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';
import { waitFor } from './processes';

let ctx: TestContext;
let owner: Session;
let server: ServerType;
let base: string;
let channel: { id: string; secret?: string };
const ids: Record<string, string> = {};

type Run = {
  id: string;
  workflowId: string;
  status: string;
  contactId: string | null;
  error: string | null;
  trigger: { cause?: { depth: number } };
};

/** Moves a contact's tags the way each loop flow does: takes its own tag off, puts the other's on. */
const swapTags = (trigger: string, add: string) =>
  flow(
    [
      { id: 't', type: 'trigger.tag_added', config: { tags: [trigger] } },
      { id: 'off', type: 'action.remove_tag', config: { tags: [trigger] } },
      { id: 'on', type: 'action.add_tag', config: { tags: [add] } },
    ],
    [
      { source: 't', target: 'off' },
      { source: 'off', target: 'on' },
    ],
  );

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Loops');
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'https://callback.example.com/hook' });
  ids.welcome = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'tag', type: 'action.add_tag', config: { tags: ['ping'] } },
      ],
      [{ source: 't', target: 'tag' }],
    ),
    'Welcome',
  );
  ids.a = await publishFlow(ctx, owner, swapTags('ping', 'pong'), 'Flow A');
  ids.b = await publishFlow(ctx, owner, swapTags('pong', 'ping'), 'Flow B');
  ids.counter = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.tag_added', config: { tags: ['count'] } },
        { id: 'off', type: 'action.remove_tag', config: { tags: ['count'] } },
      ],
      [{ source: 't', target: 'off' }],
    ),
    'Counter',
  );
  server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

async function runsOf(workflowId: string): Promise<Run[]> {
  const res = await call(ctx.app, 'GET', `/api/runs?workflowId=${workflowId}&limit=200`, { cookie: owner.cookie });
  expect(res.status).toBe(200);
  return res.body.runs as Run[];
}

describe("flows that re-add each other's tags", () => {
  it(`stop after ${MAX_CAUSAL_DEPTH} flows in a row; the refused run says why and the message is stored`, async () => {
    const raw = JSON.stringify({ id: 'loop-1', from: 'looper', text: 'hello loop' });
    const res = await fetch(`${base}/webhooks/channels/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) },
      body: raw,
    });
    expect(res.status).toBe(200);

    // Poll until the number of loop runs has not moved for 1.5 s (and a refusal is there).
    let last = -1;
    let stableSince = Date.now();
    const loopRuns = async () => [...(await runsOf(ids.a!)), ...(await runsOf(ids.b!))];
    await waitFor(
      async () => {
        const runs = await loopRuns();
        if (runs.length !== last) {
          last = runs.length;
          stableSince = Date.now();
        }
        return runs.some((r) => r.status === 'failed') && Date.now() - stableSince > 1_500;
      },
      20_000,
      100,
    );
    const runs = (await loopRuns()).sort((x, y) => (x.trigger.cause?.depth ?? 0) - (y.trigger.cause?.depth ?? 0));
    expect(runs.length).toBeLessThanOrEqual(MAX_CAUSAL_DEPTH + 1);
    expect(runs.slice(0, -1).every((r) => r.status === 'completed')).toBe(true);
    const refused = runs.at(-1)!;
    expect(refused.status).toBe('failed');
    expect(refused.trigger.cause?.depth).toBe(MAX_CAUSAL_DEPTH + 1);
    expect(refused.error).toBe(
      'Stopped: flows triggered each other 5 times in a row (Welcome → Flow A → Flow B → Flow A → Flow B → Flow A → Flow B). Change one flow so it does not re-add the tag that starts the other.',
    );

    const conversations = await call(ctx.app, 'GET', '/api/conversations', { cookie: owner.cookie });
    const conversation = conversations.body.conversations.find((c: { contact: { id: string } }) => c.contact.id === refused.contactId);
    const messages = await call(ctx.app, 'GET', `/api/conversations/${conversation.id}/messages`, { cookie: owner.cookie });
    expect(messages.body.messages.map((m: { text: string }) => m.text)).toContain('hello loop');
  });
});

describe('runs per contact per minute', () => {
  it(`refuses the ${MAX_RUNS_PER_CONTACT_PER_MINUTE + 1}st flow-caused run in a minute for one contact, with its reason`, async () => {
    const contact = await call(ctx.app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name: 'Busy customer' } });
    expect(contact.status).toBe(201);
    const contactId = contact.body.id as string;
    const counterRuns = async () => (await runsOf(ids.counter!)).filter((r) => r.contactId === contactId);
    // A person tags the contact again and again; each time the Counter flow takes the tag back off.
    for (let i = 1; i <= MAX_RUNS_PER_CONTACT_PER_MINUTE + 1; i++) {
      const tagged = await call(ctx.app, 'PATCH', `/api/contacts/${contactId}`, { cookie: owner.cookie, body: { tags: ['count'] } });
      expect(tagged.status).toBe(200);
      await waitFor(
        async () => {
          const runs = await counterRuns();
          return runs.length === i && runs.every((r) => r.status === 'completed' || r.status === 'failed');
        },
        10_000,
        50,
      );
    }
    const runs = await counterRuns();
    expect(runs.filter((r) => r.status === 'completed')).toHaveLength(MAX_RUNS_PER_CONTACT_PER_MINUTE);
    expect(runs[0]).toMatchObject({
      status: 'failed',
      error:
        'Stopped: flows started 20 runs for this contact within a minute, the most allowed. Check for flows that keep re-adding tags to the same contact.',
    });
    // The tag itself stays: only the run was refused.
    const after = await call(ctx.app, 'GET', `/api/contacts/${contactId}`, { cookie: owner.cookie });
    expect(after.body.tags).toEqual(['count']);
  });
});

describe('the per-contact count', () => {
  it('can read the partial index that message-started runs never enter', async () => {
    const plan = await ctx.deps.db.transaction(async (tx) => {
      // Tiny tables make a sequential scan cheapest; turned off, the planner shows whether the index fits.
      await tx.execute(sql`set local enable_seqscan = off`);
      return (await tx.execute<Record<string, string>>(sql`explain ${recentCausedRunsCount('00000000-0000-0000-0000-000000000000')}`)).rows;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('workflow_runs_contact_caused_idx');
  });
});
