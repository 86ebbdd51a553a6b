import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let other: Session;
let channelId: string;

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Typing Owner');
  other = await signup(ctx.app, 'Other Shop');
  channelId = (await createChannel(ctx, owner, 'webchat', {})).id;
});
afterAll(() => ctx.close());

const widget = (method: string, path: string, token?: string, body?: unknown) =>
  call(ctx.app, method, `/widget/${channelId}${path}`, { ...(token && { token }), ...(body !== undefined && { body }) });

/** Reads a server-sent event stream as text, as a browser would, until a needle shows up. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const res = await ctx.app.request(url, { headers });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readUntil = async (needle: string, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!text.includes(needle) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
      if (chunk && !chunk.done) text += decoder.decode(chunk.value);
    }
    return text.includes(needle);
  };
  await readUntil(': connected');
  return { readUntil, text: () => text, close: () => reader.cancel() };
}

async function visitorWithConversation(text: string) {
  const { visitorToken } = (await widget('POST', '/sessions', undefined, {})).body;
  const posted = await widget('POST', '/messages', visitorToken, { text, clientId: `c-${text}` });
  expect(posted.status).toBe(201);
  const { rows } = await ctx.database.pool.query('select conversation_id from messages where id = $1', [posted.body.message.id]);
  return { visitorToken: visitorToken as string, conversationId: rows[0].conversation_id as string };
}

describe('typing in the website chat', () => {
  it("shows the agent typing in the widget's stream, with the agent's name, and only to that visitor", async () => {
    const alice = await visitorWithConversation('Do you deliver?');
    const bob = await visitorWithConversation('Hello there');
    const aliceStream = await openStream(`/widget/${channelId}/stream?token=${alice.visitorToken}`);
    const bobStream = await openStream(`/widget/${channelId}/stream?token=${bob.visitorToken}`);

    const typed = await call(ctx.app, 'POST', `/api/conversations/${alice.conversationId}/typing`, { cookie: owner.cookie, body: {} });
    expect(typed.status).toBe(200);
    expect(typed.body).toEqual({ sent: true });
    expect(await aliceStream.readUntil('event: typing')).toBe(true);
    expect(aliceStream.text()).toMatch(/event: typing\ndata: \{"name":"[^"]+"\}/);
    expect(await bobStream.readUntil('event: typing', 1_000)).toBe(false);

    // Another workspace cannot make anyone's widget show typing.
    expect(
      (await call(ctx.app, 'POST', `/api/conversations/${bob.conversationId}/typing`, { cookie: other.cookie, body: {} })).status,
    ).toBe(404);
    expect(await bobStream.readUntil('event: typing', 1_000)).toBe(false);
    await aliceStream.close();
    await bobStream.close();
  });

  it("shows the visitor typing in the agents' inbox stream, throttled, and needs the visitor token", async () => {
    const carol = await visitorWithConversation('Is the cake gluten free?');
    const inbox = await openStream('/api/stream', { cookie: owner.cookie });
    const elsewhere = await openStream('/api/stream', { cookie: other.cookie });

    expect((await widget('POST', '/typing')).status).toBe(401);
    expect((await widget('POST', '/typing', 'not-a-token')).status).toBe(401);
    const first = await widget('POST', '/typing', carol.visitorToken);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ sent: true });
    // A client posting on every keystroke reaches the bus once per couple of seconds.
    expect((await widget('POST', '/typing', carol.visitorToken)).body).toEqual({ sent: false });

    expect(await inbox.readUntil('event: conversation.typing')).toBe(true);
    const data = JSON.parse(/event: conversation\.typing\ndata: (.*)\n/.exec(inbox.text())![1]!);
    expect(data).toMatchObject({ conversationId: carol.conversationId, channelId, who: 'customer' });
    expect(data.name).toBeUndefined();
    expect(await elsewhere.readUntil('conversation.typing', 1_000)).toBe(false);
    await inbox.close();
    await elsewhere.close();
  });

  it('answers sent: false for a visitor who has not written yet', async () => {
    const { visitorToken } = (await widget('POST', '/sessions', undefined, {})).body;
    const res = await widget('POST', '/typing', visitorToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sent: false });
  });
});
