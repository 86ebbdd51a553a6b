import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessage } from '../src/pipeline/deliver';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, jobsOf } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let channelId: string;

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Widget');
  const created = await createChannel(ctx, owner, 'webchat', {});
  channelId = created.id;
  expect(created.widgetSnippet).toBe(`<script src="http://switchboard.test/widget.js" data-channel="${channelId}" async></script>`);
});
afterAll(() => ctx.close());

const widget = (method: string, path: string, token?: string, body?: unknown) =>
  call(ctx.app, method, `/widget/${channelId}${path}`, {
    ...(token && { token }),
    ...(body !== undefined && { body }),
    headers: { origin: 'https://bakery.example' },
  });

describe('website widget', () => {
  it('starts a session with a token stored only as its hash, and resumes it', async () => {
    const started = await widget('POST', '/sessions', undefined, { name: 'Visitor' });
    expect(started.status).toBe(200);
    expect(started.res.headers.get('access-control-allow-origin')).toBe('*');
    const { visitorToken } = started.body;
    expect(started.body).toEqual({ visitorToken: expect.any(String), verified: false });
    const { rows } = await ctx.database.pool.query('select external_id, contact_id from contact_identities where channel_id = $1', [
      channelId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].external_id).not.toBe(visitorToken);
    expect(rows[0].external_id).toMatch(/^[0-9a-f]{64}$/);
    const resumed = await widget('POST', '/sessions', undefined, { visitorToken });
    expect(resumed.body).toEqual({ visitorToken, verified: false });
    expect((await ctx.database.pool.query('select contact_id from contact_identities where channel_id = $1', [channelId])).rows).toEqual([
      { contact_id: rows[0].contact_id },
    ]);
  });

  it('answers CORS preflights for any origin', async () => {
    const res = await ctx.app.request(`/widget/${channelId}/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://bakery.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('posts messages idempotently on clientId, starts a route_event, and streams the delivered reply', async () => {
    const { visitorToken } = (await widget('POST', '/sessions', undefined, {})).body;
    expect((await widget('GET', '/messages')).status).toBe(401);
    const first = await widget('POST', '/messages', visitorToken, { text: 'Is the shop open?', clientId: 'c-1' });
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({ direction: 'in', author: 'contact', text: 'Is the shop open?', clientId: 'c-1' });
    const again = await widget('POST', '/messages', visitorToken, { text: 'Is the shop open?', clientId: 'c-1' });
    expect(again.body.message.id).toBe(first.body.message.id);
    const jobs = (await jobsOf(ctx, 'route_event')).filter((j) => j.payload.messageId === first.body.message.id);
    expect(jobs).toHaveLength(1);

    const stream = await ctx.app.request(`/widget/${channelId}/stream?token=${visitorToken}`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 5_000;
      while (!text.includes(needle) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (chunk && !chunk.done) text += decoder.decode(chunk.value);
      }
      return text.includes(needle);
    };
    await readUntil(': connected');

    const conversationId = (await ctx.database.pool.query('select conversation_id from messages where id = $1', [first.body.message.id]))
      .rows[0].conversation_id;
    const note = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/messages`, {
      cookie: owner.cookie,
      body: { text: 'internal only', private: true },
    });
    expect(note.status).toBe(201);
    const reply = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/messages`, {
      cookie: owner.cookie,
      body: { text: 'Yes, until 6pm!' },
    });
    expect(await deliverMessage(ctx.deps, reply.body.id)).toMatchObject({ kind: 'sent', status: 'delivered' });
    expect(await readUntil('Yes, until 6pm!')).toBe(true);
    expect(text).toContain('event: message');
    expect(text).not.toContain('internal only');
    await reader.cancel();

    const thread = await widget('GET', '/messages', visitorToken);
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toEqual(['Is the shop open?', 'Yes, until 6pm!']);
    expect(thread.body.messages[1]).toMatchObject({ direction: 'out', author: 'agent', authorName: 'Widget' });
  });

  it('answers 404 for a channel that is not a website chat', async () => {
    const api = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
    expect((await call(ctx.app, 'POST', `/widget/${api.id}/sessions`, { body: {} })).status).toBe(404);
  });
});
