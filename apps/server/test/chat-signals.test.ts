import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, postWebhook } from './inbox-fixtures';
import { createWebchat, customerSays } from './flow-helpers';

let ctx: TestContext;
let owner: Session;
let graph: StandIn;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Signals');
  // The Graph API's read/typing endpoints, refusing any other body shape as Graph does.
  graph = await startStandIn((req) => {
    if (req.headers.authorization !== 'Bearer TOKEN')
      return { status: 401, json: { error: { message: 'Invalid OAuth access token', code: 190 } } };
    const body = req.json<Record<string, any>>();
    if (req.path === '/v21.0/PN5/messages' && body.status === 'read' && body.message_id === 'wamid.hello')
      return { json: { success: true } };
    if (req.path === '/v21.0/me/messages' && ['mark_seen', 'typing_on'].includes(body.sender_action) && body.recipient?.id === 'PSID9')
      return { json: { recipient_id: 'PSID9' } };
    return { status: 400, json: { error: { message: '(#100) Invalid parameter', code: 100 } } };
  });
});
afterAll(async () => {
  await graph.close();
  await ctx.close();
});

const metaPost = (secret: string, payload: unknown) => {
  const raw = JSON.stringify(payload);
  return { raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sha256Header(secret, raw) } };
};

describe('read receipts and typing from the inbox', () => {
  it("opening a WhatsApp conversation marks the customer's message read; typing shows on it", async () => {
    const channelId = (
      await createChannel(ctx, owner, 'whatsapp', {
        phoneNumberId: 'PN5',
        accessToken: 'TOKEN',
        appSecret: 'wa-s',
        verifyToken: 'v',
        baseUrl: graph.baseUrl,
      })
    ).id;
    const { raw, headers } = metaPost('wa-s', {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: 'PN5' },
                contacts: [{ profile: { name: 'Bo' }, wa_id: '15550002222' }],
                messages: [
                  {
                    from: '15550002222',
                    id: 'wamid.hello',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'Hi' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await postWebhook(ctx, channelId, raw, headers)).status).toBe(200);
    const [message] = await inboundByProviderId(ctx, channelId, 'wamid.hello');
    const read = await call(ctx.app, 'POST', `/api/conversations/${message.conversation_id}/read`, { cookie: owner.cookie });
    expect(read.body).toEqual({ sent: true });
    expect(graph.requests.at(-1)!.json()).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.hello' });
    const typing = await call(ctx.app, 'POST', `/api/conversations/${message.conversation_id}/typing`, { cookie: owner.cookie });
    expect(typing.body).toEqual({ sent: true });
    expect(graph.requests.at(-1)!.json()).toMatchObject({ typing_indicator: { type: 'text' } });
  });

  it('Messenger gets mark_seen and typing_on for the customer', async () => {
    const channelId = (
      await createChannel(ctx, owner, 'messenger', {
        pageId: 'PAGE',
        pageAccessToken: 'TOKEN',
        appSecret: 'm-s',
        verifyToken: 'v',
        baseUrl: graph.baseUrl,
      })
    ).id;
    const { raw, headers } = metaPost('m-s', {
      object: 'page',
      entry: [
        {
          id: 'PAGE',
          time: Date.now(),
          messaging: [
            { sender: { id: 'PSID9' }, recipient: { id: 'PAGE' }, timestamp: Date.now(), message: { mid: 'mid.9', text: 'Open today?' } },
          ],
        },
      ],
    });
    expect((await postWebhook(ctx, channelId, raw, headers)).status).toBe(200);
    const [message] = await inboundByProviderId(ctx, channelId, 'mid.9');
    expect((await call(ctx.app, 'POST', `/api/conversations/${message.conversation_id}/read`, { cookie: owner.cookie })).body).toEqual({
      sent: true,
    });
    expect((await call(ctx.app, 'POST', `/api/conversations/${message.conversation_id}/typing`, { cookie: owner.cookie })).body).toEqual({
      sent: true,
    });
    expect(graph.requests.slice(-2).map((r) => r.json().sender_action)).toEqual(['mark_seen', 'typing_on']);
  });

  it('a channel without receipts says so; a stranger gets 404', async () => {
    const webchat = await createWebchat(ctx, owner.workspaceId);
    const stored = await customerSays(ctx, webchat, 'visitor-1', 'hello');
    const res = await call(ctx.app, 'POST', `/api/conversations/${stored.conversationId}/read`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect(res.body.sent).toBe(false);
    const other = await signup(ctx.app, 'Stranger');
    expect((await call(ctx.app, 'POST', `/api/conversations/${stored.conversationId}/read`, { cookie: other.cookie })).status).toBe(404);
  });
});
