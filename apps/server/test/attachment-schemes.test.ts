import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

/**
 * A customer's attachment link is shown to agents and handed to flows: only http(s) links are
 * stored. `javascript:`, `data:` and the like are dropped at ingest (the message itself is kept,
 * so the provider does not send it again) and the drop is logged.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;
let channel: { id: string; secret?: string };
let logged = '';

beforeAll(async () => {
  ctx = await createTestContext();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += String(chunk);
      done();
    },
  });
  app = createApp({ ...ctx.deps, logger: pino({ level: 'info' }, sink) }, { rateLimit: false });
  owner = await signup(app, 'Attach');
  channel = await createChannel({ ...ctx, app }, owner, 'api', { callbackUrl: 'https://attach.example/hook' });
});
afterAll(() => ctx.close());

async function deliver(id: string, attachments: unknown[]) {
  const raw = JSON.stringify({ id, from: 'customer-1', text: `message ${id}`, attachments });
  return app.request(`/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) },
    body: raw,
  });
}

async function storedAttachments(id: string): Promise<{ url: string; contentType?: string }[] | undefined> {
  const { rows } = await ctx.database.pool.query('select attachments from messages where channel_id = $1 and provider_message_id = $2', [
    channel.id,
    id,
  ]);
  return rows[0]?.attachments;
}

describe('inbound attachment links', () => {
  it('javascript: and data: links are dropped at ingest; the message is stored and says nothing of them', async () => {
    const hostile = [
      { url: 'javascript:alert(document.cookie)' },
      { url: 'JavaScript:alert(1)' },
      { url: ' javascript:alert(1)' },
      { url: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', contentType: 'text/html' },
      { url: 'vbscript:msgbox(1)' },
      { url: 'file:///etc/passwd' },
      { url: '/relative/path.png' },
      { url: 'java\u0000script:alert(1)' },
    ];
    const res = await deliver('hostile-1', hostile);
    expect(res.status).toBe(200);
    expect(await storedAttachments('hostile-1')).toEqual([]);
    expect(logged).toContain('dropped inbound attachments whose links are not http(s)');
    expect(logged).not.toContain('javascript:');
  });

  it('http(s) links are kept, in canonical form, next to a refused one', async () => {
    const res = await deliver('mixed-1', [
      { url: 'https://cdn.example/photo.jpg', contentType: 'image/jpeg' },
      { url: 'data:image/png;base64,AAAA' },
      { url: 'http://files.example/a b.pdf' },
    ]);
    expect(res.status).toBe(200);
    expect(await storedAttachments('mixed-1')).toEqual([
      { url: 'https://cdn.example/photo.jpg', contentType: 'image/jpeg' },
      { url: 'http://files.example/a%20b.pdf' },
    ]);
  });

  it('what agents see through the API holds no javascript: or data: link', async () => {
    const { body } = await call(app, 'GET', '/api/conversations', { cookie: owner.cookie });
    const threads = await Promise.all(
      body.conversations.map((c: { id: string }) => call(app, 'GET', `/api/conversations/${c.id}/messages`, { cookie: owner.cookie })),
    );
    const text = JSON.stringify(threads.map((t) => t.body));
    expect(text).toContain('https://cdn.example/photo.jpg');
    expect(text).not.toMatch(/javascript:|data:|vbscript:|file:/i);
  });
});
