import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import type { StandIn } from '../../../packages/channels/src/testing/stand-in';
import { startTemplatesStandIn } from '../../../packages/channels/src/testing/whatsapp-templates-stand-in';
import { drain } from './flow-helpers';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, messageRow, postWebhook } from './inbox-fixtures';

const appSecret = 'wa-tpl-secret';
const token = 'wa-tpl-token';
let ctx: TestContext;
let owner: Session;
let meta: StandIn;
let channelId: string;
let conversationId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Templates');
  meta = await startTemplatesStandIn({ token, wabaId: '102290129340398', phoneNumberId: 'PN9' });
  channelId = (
    await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PN9',
      accessToken: token,
      appSecret,
      verifyToken: 'v',
      businessAccountId: '102290129340398',
      baseUrl: meta.baseUrl,
    })
  ).id;
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '1555', phone_number_id: 'PN9' },
              contacts: [{ profile: { name: 'Ana' }, wa_id: '15550001234' }],
              messages: [
                {
                  from: '15550001234',
                  id: 'wamid.in1',
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: 'Is my cake ready?' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  expect(
    (await postWebhook(ctx, channelId, raw, { 'content-type': 'application/json', 'x-hub-signature-256': sha256Header(appSecret, raw) }))
      .status,
  ).toBe(200);
  conversationId = (await inboundByProviderId(ctx, channelId, 'wamid.in1'))[0].conversation_id;
});
afterAll(async () => {
  await meta.close();
  await ctx.close();
});

describe('WhatsApp templates in the product', () => {
  it('an admin syncs the channel templates from Meta; agents read them', async () => {
    const agent = await addMember(ctx.app, owner, { name: 'Agent', role: 'agent' });
    expect((await call(ctx.app, 'POST', `/api/channels/${channelId}/templates/sync`, { cookie: agent.cookie })).status).toBe(403);
    const synced = await call(ctx.app, 'POST', `/api/channels/${channelId}/templates/sync`, { cookie: owner.cookie });
    expect(synced.status, JSON.stringify(synced.body)).toBe(200);
    expect(synced.body.templates).toEqual([
      expect.objectContaining({
        name: 'order_ready',
        language: 'en_US',
        sendable: true,
        header: { format: 'IMAGE' },
        parameters: ['1', '2'],
        buttons: [expect.objectContaining({ type: 'QUICK_REPLY', text: 'On my way', index: 0 }), expect.objectContaining({ index: 1 })],
      }),
      expect.objectContaining({ name: 'spring_sale', language: 'es', sendable: false, namedParameters: true, parameters: ['first_name'] }),
    ]);
    const listed = await call(ctx.app, 'GET', `/api/channels/${channelId}/templates`, { cookie: agent.cookie });
    expect(listed.body.templates).toHaveLength(2);
  });

  it('a sync that Meta refuses says why, without a 500', async () => {
    const other = await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PN9',
      accessToken: token,
      appSecret,
      verifyToken: 'v',
      businessAccountId: '999',
      baseUrl: meta.baseUrl,
    });
    const res = await call(ctx.app, 'POST', `/api/channels/${other.id}/templates/sync`, { cookie: owner.cookie });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/does not exist/);
    const none = await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PN9',
      accessToken: token,
      appSecret,
      verifyToken: 'v',
      baseUrl: meta.baseUrl,
    });
    expect((await call(ctx.app, 'POST', `/api/channels/${none.id}/templates/sync`, { cookie: owner.cookie })).body.error.message).toMatch(
      /Business Account ID/,
    );
  });

  it('the composer is told the window is open, then offers the approved templates once it closed', async () => {
    const open = await call(ctx.app, 'GET', `/api/conversations/${conversationId}/templates`, { cookie: owner.cookie });
    expect(open.body).toMatchObject({ windowOpen: true, outsideWindow: 'template' });
    await ctx.database.pool.query(`update conversations set last_inbound_at = now() - interval '25 hours' where id = $1`, [conversationId]);
    const closed = await call(ctx.app, 'GET', `/api/conversations/${conversationId}/templates`, { cookie: owner.cookie });
    expect(closed.body.windowOpen).toBe(false);
    expect(closed.body.templates.map((t: { name: string }) => t.name)).toEqual(['order_ready']);
  });

  it('sends a template with its header image, values and button payloads, and shows its words in the thread', async () => {
    const missing = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/template-messages`, {
      cookie: owner.cookie,
      body: { name: 'order_ready', language: 'en_US', variables: ['Ana', '#42'] },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/header is a image|give its link/);
    const pending = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/template-messages`, {
      cookie: owner.cookie,
      body: { name: 'spring_sale', language: 'es', variables: ['Ana'] },
    });
    expect(pending.body.error.message).toMatch(/only approved templates/);

    const sent = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/template-messages`, {
      cookie: owner.cookie,
      body: {
        name: 'order_ready',
        language: 'en_US',
        variables: ['Ana', '#42'],
        headerMediaUrl: 'https://cdn.example.com/cake.jpg',
        buttonPayloads: ['coming', 'deliver'],
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.text).toBe('Hi Ana, your order #42 is ready for pickup.');
    await drain(ctx);
    expect(meta.requests.at(-1)!.json().template).toEqual({
      name: 'order_ready',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/cake.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'text', text: '#42' },
          ],
        },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'coming' }] },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'deliver' }] },
      ],
    });
    const row = await messageRow(ctx, sent.body.id);
    expect([row.status, row.error]).toEqual(['sent', null]);
  });
});
