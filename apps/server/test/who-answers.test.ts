/**
 * Which flow answers, seen from the customer's side: signed webhooks into a real server process,
 * replies caught by a stand-in of the customer's system. One answer per message, from the first
 * flow in the owner's order; a waiting question interrupted by another flow's keyword says so in
 * its run; a message nothing answers gets the workspace's reply-time message once and waits for a
 * person.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { startServerProcess, TEST_APP_SECRET, waitFor, type ServerProcess } from './processes';

let ctx: TestContext;
let owner: Session;
let server: ServerProcess;
let receiver: StandIn;
let channel: { id: string; secret: string };
const flowIds: Record<string, string> = {};

type Reply = { id: string; to: string; text: string };
const replies = (to: string): string[] =>
  receiver.requests
    .filter((r) => r.path === '/hook')
    .map((r) => r.json() as Reply)
    .filter((r) => r.to === to)
    .map((r) => r.text);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function flow(
  nodes: { id: string; type: string; config?: Record<string, unknown> }[],
  edges: { source: string; target: string; sourceHandle?: string }[],
) {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ position: { x: 0, y: i * 120 }, config: {}, ...n })),
    edges: edges.map((e, i) => ({ id: `e${i}`, ...e })),
  };
}

async function createAndPublish(name: string, definition: unknown) {
  const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name, definition } });
  expect(created.status).toBe(201);
  flowIds[name] = created.body.id;
  const published = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return published.body as { warnings: { code: string; message: string }[] };
}

/** The customer's system posts a signed message to the API channel's webhook on the server process. */
async function customerSays(from: string, text: string) {
  const raw = JSON.stringify({ id: randomBytes(8).toString('hex'), from, text });
  const res = await fetch(`${server.url}/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret, raw) },
    body: raw,
  });
  expect(res.status).toBeLessThan(300);
}

/** Waits for `count` replies to `to`, then a moment more to catch any extra one. */
async function repliesTo(to: string, count: number): Promise<string[]> {
  await waitFor(async () => replies(to).length >= count, 20_000);
  await sleep(1_500);
  return replies(to);
}

beforeAll(async () => {
  // The same APP_SECRET as the server process: it reads the channel secret sealed here.
  ctx = await createTestContext({ appSecret: Buffer.from(TEST_APP_SECRET, 'hex') });
  owner = await signup(ctx.app, 'Bakery');
  receiver = await startStandIn(() => ({ json: { ok: true } }));
  const created = await call(ctx.app, 'POST', '/api/channels', {
    cookie: owner.cookie,
    body: { type: 'api', name: 'Shop app', config: { callbackUrl: `${receiver.baseUrl}/hook` } },
  });
  expect(created.status).toBe(201);
  channel = { id: created.body.id, secret: created.body.secret };
  await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { expectedReplyMinutes: 15 } } });
  server = await startServerProcess({ ROLE: 'all', DATABASE_URL: ctx.database.url });
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.kill();
  await receiver?.close();
  await ctx?.close();
});

describe('one rule for which flow answers', () => {
  it('warns at publish, in words, when two live flows answer the same first message', async () => {
    await createAndPublish(
      'Welcome menu',
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { channels: ['any'], firstMessageOnly: true } },
          {
            id: 'ask',
            type: 'action.ask_question',
            config: { text: 'Hello! Reply 1 for prices or 2 for delivery.', saveTo: 'vars.choice' },
          },
          { id: 'done', type: 'action.send_message', config: { text: 'Thanks, noted: {{ vars.choice }}' } },
        ],
        [
          { source: 't', target: 'ask' },
          { source: 'ask', sourceHandle: 'reply', target: 'done' },
        ],
      ),
    );
    const second = await createAndPublish(
      'Opening hours',
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { channels: ['any'], keywords: ['hours'] } },
          { id: 'say', type: 'action.send_message', config: { text: 'We are open 9am to 5pm, Monday to Saturday.' } },
        ],
        [{ source: 't', target: 'say' }],
      ),
    );
    expect(second.warnings.filter((w) => w.code === 'flow_order_conflict').map((w) => w.message)).toEqual([
      "'Opening hours' and 'Welcome menu' both answer a first message saying 'hours' — 'Welcome menu' goes first; change the order?",
    ]);
  });

  it('answers a message matching two flows once, from the flow first in the owner order', async () => {
    await customerSays('ann', 'hours');
    expect(await repliesTo('ann', 1)).toEqual(['Hello! Reply 1 for prices or 2 for delivery.']);
  });

  it('ends the waiting question as interrupted when the answer is exactly another flow keyword', async () => {
    await customerSays('ann', 'Hours?');
    expect(await repliesTo('ann', 2)).toEqual([
      'Hello! Reply 1 for prices or 2 for delivery.',
      'We are open 9am to 5pm, Monday to Saturday.',
    ]);
    const runs = await call(ctx.app, 'GET', `/api/runs?workflowId=${flowIds['Welcome menu']}`, { cookie: owner.cookie });
    expect(runs.body.runs.map((r: { status: string; error: string | null }) => [r.status, r.error])).toEqual([
      ['cancelled', 'Interrupted by Opening hours'],
    ]);
  });

  it('follows a new order at once', async () => {
    const ordered = await call(ctx.app, 'PUT', '/api/workflows/order', {
      cookie: owner.cookie,
      body: { ids: [flowIds['Opening hours'], flowIds['Welcome menu']] },
    });
    expect(ordered.status).toBe(200);
    expect(ordered.body.workflows.map((w: { name: string }) => w.name)).toEqual(['Opening hours', 'Welcome menu']);
    await customerSays('bob', 'hours');
    expect(await repliesTo('bob', 1)).toEqual(['We are open 9am to 5pm, Monday to Saturday.']);
  });

  it('refuses an order naming another workspace flow, without a 500', async () => {
    const other = await signup(ctx.app, 'Other');
    const theirs = await call(ctx.app, 'POST', '/api/workflows', { cookie: other.cookie, body: { name: 'Theirs' } });
    const refused = await call(ctx.app, 'PUT', '/api/workflows/order', { cookie: owner.cookie, body: { ids: [theirs.body.id] } });
    expect(refused.status).toBe(400);
    const twice = await call(ctx.app, 'PUT', '/api/workflows/order', {
      cookie: owner.cookie,
      body: { ids: [flowIds['Welcome menu'], flowIds['Welcome menu']] },
    });
    expect(twice.status).toBe(400);
  });
});

describe('nobody waits unheard', () => {
  it('tells the customer once when a person will reply, and counts the conversation as waiting for a person', async () => {
    // Bob's first message was answered by Opening hours, which ended: this one nothing answers.
    await customerSays('bob', 'Can I bring my dog into the shop?');
    expect(await repliesTo('bob', 2)).toEqual([
      'We are open 9am to 5pm, Monday to Saturday.',
      'Thanks for your message! We usually reply within 15 minutes.',
    ]);
    await customerSays('bob', 'Hello?');
    await waitFor(
      async () => (await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie })).body.conversations[0]?.unread === 2,
      20_000,
    );
    await sleep(1_500);
    expect(replies('bob')).toHaveLength(2);

    const waiting = await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie });
    expect(waiting.body.count).toBe(1);
    expect(waiting.body.conversations[0]).toMatchObject({ id: expect.any(String), unread: 2, waitingForPersonSince: expect.any(String) });
    const conversationId = waiting.body.conversations[0].id as string;
    const listed = await call(ctx.app, 'GET', `/api/conversations/${conversationId}`, { cookie: owner.cookie });
    expect(listed.body.waitingForPersonSince).toEqual(expect.any(String));

    // A person answers: no longer waiting.
    const answered = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/messages`, {
      cookie: owner.cookie,
      body: { text: 'Of course, dogs are welcome!' },
    });
    expect(answered.status).toBe(201);
    expect((await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie })).body.count).toBe(0);
    // Once a person is in the conversation, the default stays quiet.
    await customerSays('bob', 'Great, thanks');
    await sleep(2_500);
    expect(replies('bob')).toEqual([
      'We are open 9am to 5pm, Monday to Saturday.',
      'Thanks for your message! We usually reply within 15 minutes.',
      'Of course, dogs are welcome!',
    ]);
  });

  it('sends the owner words, or nothing when turned off, and still marks the conversation', async () => {
    await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { unanswered: { text: 'A baker will answer shortly.' } } },
    });
    await customerSays('cat', 'hours');
    await customerSays('cat', 'Do you make vegan cakes?');
    expect(await repliesTo('cat', 2)).toEqual(['We are open 9am to 5pm, Monday to Saturday.', 'A baker will answer shortly.']);

    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { unanswered: { enabled: false } } } });
    await customerSays('dan', 'hours');
    await customerSays('dan', 'Is there parking?');
    await waitFor(async () => (await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie })).body.count === 2, 20_000);
    await sleep(1_500);
    expect(replies('dan')).toEqual(['We are open 9am to 5pm, Monday to Saturday.']);

    // Given back to the bot, a conversation no longer waits for a person.
    const waiting = (await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie })).body.conversations as { id: string }[];
    const back = await call(ctx.app, 'PATCH', `/api/conversations/${waiting[0]!.id}`, { cookie: owner.cookie, body: { handledBy: 'bot' } });
    expect(back.body.waitingForPersonSince).toBeNull();
    expect((await call(ctx.app, 'GET', '/api/inbox/waiting', { cookie: owner.cookie })).body.count).toBe(1);
  });
});
