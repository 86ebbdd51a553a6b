import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import type { StandIn } from '../../../packages/channels/src/testing/stand-in';
import { startTemplatesStandIn } from '../../../packages/channels/src/testing/whatsapp-templates-stand-in';
import { drain, expireTimers, flow, publishFlow, runsOf } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, postWebhook } from './inbox-fixtures';

const appSecret = 'wa-flow-tpl-secret';
const token = 'wa-flow-tpl-token';
let ctx: TestContext;
let owner: Session;
let meta: StandIn;
let channelId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Flow Templates');
  meta = await startTemplatesStandIn({ token, wabaId: '102290129340398', phoneNumberId: 'PN8' });
  channelId = (
    await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PN8',
      accessToken: token,
      appSecret,
      verifyToken: 'v',
      businessAccountId: '102290129340398',
      baseUrl: meta.baseUrl,
    })
  ).id;
  expect((await call(ctx.app, 'POST', `/api/channels/${channelId}/templates/sync`, { cookie: owner.cookie })).status).toBe(200);
});
afterAll(async () => {
  await meta.close();
  await ctx.close();
});

async function customerWrites(id: string, text: string) {
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
              metadata: { display_phone_number: '1555', phone_number_id: 'PN8' },
              contacts: [{ profile: { name: 'Ana Lima' }, wa_id: '15550004321' }],
              messages: [{ from: '15550004321', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
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
  return (await inboundByProviderId(ctx, channelId, id))[0].conversation_id as string;
}

describe('a flow sends a synced WhatsApp template', () => {
  it('after the window closed, with its header image, values from the flow and a button payload', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['cake'] } },
          { id: 'wait', type: 'action.delay', config: { minutes: 1500 } },
          {
            id: 'send',
            type: 'action.send_message',
            config: {
              text: 'Your cake is ready',
              whatsappTemplate: {
                name: 'order_ready',
                language: 'en_US',
                variables: ['{{ contact.first_name }}', '#{{ message.text | size }}'],
                headerMedia: { type: 'image', link: 'https://cdn.example.com/cakes/{{ contact.first_name | downcase }}.jpg' },
                buttons: [{ subType: 'quick_reply', index: 0, value: 'coming-{{ contact.first_name }}' }],
              },
            },
          },
        ],
        [
          { source: 't', target: 'wait' },
          { source: 'wait', target: 'send' },
        ],
      ),
      'Cake reminder',
    );
    const conversationId = await customerWrites('wamid.flow1', 'Is my cake ready?');
    await drain(ctx);
    const [run] = await runsOf(ctx, workflowId);
    expect(run!.status).toBe('waiting');
    const before = meta.requests.length;

    // A day and more later: only a template reaches the customer.
    await ctx.database.pool.query(`update conversations set last_inbound_at = now() - interval '25 hours' where id = $1`, [conversationId]);
    await expireTimers(ctx, run!.id);
    await drain(ctx);

    const sent = meta.requests.slice(before).filter((r) => r.path.endsWith('/messages'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.json()).toMatchObject({ to: '15550004321', type: 'template' });
    expect(sent[0]!.json().template).toEqual({
      name: 'order_ready',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/cakes/ana.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'text', text: '#17' },
          ],
        },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'coming-Ana' }] },
      ],
    });
    const [done] = await runsOf(ctx, workflowId);
    expect(done!.status).toBe('completed');
  });
});
