import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { createTestContext, signup, type TestContext } from './helpers';
import { count, createChannel, postWebhook } from './inbox-fixtures';

/**
 * A provider's message is never refused for characters Postgres cannot store (it would be sent
 * again forever): NUL is dropped and a lone surrogate becomes U+FFFD. Structure is another matter:
 * a signed body nested 10,000 deep is refused with 400 before anything parses it.
 */
let ctx: TestContext;
let channel: { id: string; secret?: string };

beforeAll(async () => {
  ctx = await createTestContext();
  const owner = await signup(ctx.app, 'Provider');
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'https://provider.example/hook' });
});
afterAll(() => ctx.close());

const signed = (raw: string) => ({ 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) });
const stored = (providerId: string) =>
  ctx.database.pool.query<{ text: string; provider_message_id: string; meta: Record<string, unknown>; name: string }>(
    `select m.text, m.provider_message_id, m.meta, c.name from messages m join conversations v on v.id = m.conversation_id join contacts c on c.id = v.contact_id
     where m.channel_id = $1 and m.provider_message_id = $2`,
    [channel.id, providerId],
  );

describe('channel webhooks with hostile text', () => {
  it('NUL in the id, sender, name and text: stored without the NUL (200), once, and a redelivery is a duplicate', async () => {
    const raw = JSON.stringify({ id: 'nul\u0000id', from: 'from\u0000x', name: 'Na\u0000me', text: 'a\u0000b' });
    const first = await postWebhook(ctx, channel.id, raw, signed(raw));
    expect(first.status).toBe(200);
    const again = await postWebhook(ctx, channel.id, raw, signed(raw));
    expect(again.status).toBe(200);
    const { rows } = await stored('nulid');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ text: 'ab', name: 'Name' });
  });

  it('a lone surrogate in the id, the quick reply and an attachment type: stored with U+FFFD (jsonb would refuse it)', async () => {
    const raw = JSON.stringify({
      id: 'sur\uD800',
      from: 'surrogate',
      text: 'x\uDC00y',
      quickReply: 'yes\uD83D',
      attachments: [{ url: 'https://cdn.example/a.png', contentType: 'image/\uD800png' }],
    });
    const res = await postWebhook(ctx, channel.id, raw, signed(raw));
    expect(res.status).toBe(200);
    const { rows } = await stored('sur\uFFFD');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toBe('x\uFFFDy');
    expect(rows[0]!.meta.quickReply).toBe('yes\uFFFD');
  });

  it('a signed body nested 10,000 deep is refused with 400 invalid_json, with or without a Content-Length; nothing stored', async () => {
    const before = await count(ctx, 'select 1 from messages');
    const deep = `{"id":"deep","from":"d","text":"t","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const body of [deep, [deep.slice(0, 5_000), deep.slice(5_000)]]) {
      const res = await postWebhook(ctx, channel.id, body, signed(deep));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'invalid_json', details: [{ field: 'body' }] } });
    }
    expect(await count(ctx, 'select 1 from messages')).toBe(before);
  });

  it('ordinary signed messages still pass the guard, including a chunked one', async () => {
    const raw = JSON.stringify({ id: 'plain-1', from: 'plain', text: 'hello [with] {brackets} "and \\" quotes"' });
    expect((await postWebhook(ctx, channel.id, raw, signed(raw))).status).toBe(200);
    const chunked = JSON.stringify({ id: 'plain-2', from: 'plain', text: 'chunked' });
    expect((await postWebhook(ctx, channel.id, [chunked.slice(0, 10), chunked.slice(10)], signed(chunked))).status).toBe(200);
    expect((await stored('plain-1')).rows[0]!.text).toBe('hello [with] {brackets} "and \\" quotes"');
    expect((await stored('plain-2')).rows).toHaveLength(1);
  });
});
