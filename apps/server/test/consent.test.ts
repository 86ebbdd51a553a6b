import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startGraphStandIn } from '../../../packages/channels/src/testing/graph-stand-in';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { count, createChannel, inboundByProviderId, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
const standIns: StandIn[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Consent');
});
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()));
  await ctx.close();
});

const optOuts = (channelId: string) =>
  ctx.database.pool.query('select contact_id, keyword from contact_opt_outs where channel_id = $1', [channelId]).then((r) => r.rows);

describe('consent keywords on the API channel (an SMS gateway)', () => {
  let stand: StandIn;
  let channel: { id: string; secret?: string };
  let n = 0;
  const say = async (from: string, text: string) => {
    const raw = JSON.stringify({ id: `in-${++n}`, from, text });
    const res = await postWebhook(ctx, channel.id, raw, {
      'content-type': 'application/json',
      'x-switchboard-signature': sha256Header(channel.secret!, raw),
    });
    expect(res.status).toBe(200);
    await drain(ctx);
    return (await inboundByProviderId(ctx, channel.id, `in-${n}`))[0];
  };
  const sentTo = (to: string) =>
    stand.requests
      .map((r) => r.json<{ to: string; text: string }>())
      .filter((b) => b.to === to)
      .map((b) => b.text);

  beforeAll(async () => {
    stand = await startStandIn(() => ({ json: { ok: true } }));
    standIns.push(stand);
    channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${stand.baseUrl}/out` });
  });

  it('STOP opts the contact out of the channel, confirms, and starts no flow', async () => {
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { channels: ['any'] } },
          { id: 's', type: 'action.send_message', config: { text: 'Bot answer' } },
        ],
        [{ source: 't', target: 's' }],
      ),
      'Answer all',
    );
    await say('cust-1', 'Hello');
    expect(sentTo('cust-1')).toEqual(['Bot answer']);
    const stop = await say('cust-1', 'Stop!');
    expect(stop.routed_at).not.toBeNull();
    const rows = await optOuts(channel.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].keyword).toBe('STOP');
    // The confirmation went out; the flow did not answer the keyword.
    expect(sentTo('cust-1')).toEqual(['Bot answer', expect.stringContaining('unsubscribed')]);
    const { rows: events } = await ctx.database.pool.query(
      `select kind, data from contact_events where contact_id = $1 and kind = 'opted_out'`,
      [rows[0].contact_id],
    );
    expect(events[0].data).toMatchObject({ channelId: channel.id, keyword: 'STOP' });
  });

  it('a run the business starts for an opted-out contact is stored as failed with the reason', async () => {
    const flowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.tag_added', config: { tags: ['promo'] } },
          { id: 's', type: 'action.send_message', config: { text: 'Half-price cakes!' } },
        ],
        [{ source: 't', target: 's' }],
      ),
      'Promo',
    );
    const [{ contact_id }] = await optOuts(channel.id);
    const patched = await call(ctx.app, 'PATCH', `/api/contacts/${contact_id}`, { cookie: owner.cookie, body: { tags: ['promo'] } });
    expect(patched.status).toBe(200);
    await drain(ctx);
    const { rows } = await ctx.database.pool.query('select status, error from workflow_runs where workflow_id = $1', [flowId]);
    expect(rows).toEqual([{ status: 'failed', error: expect.stringContaining('opted out') }]);
    expect(sentTo('cust-1')).not.toContain('Half-price cakes!');
  });

  it('a keyword inside a sentence is an ordinary message', async () => {
    await say('cust-2', 'please do not stop the delivery');
    expect(sentTo('cust-2')).toEqual(['Bot answer']);
    expect(await optOuts(channel.id)).toHaveLength(1);
  });

  it('START lifts the opt-out and confirms', async () => {
    await say('cust-1', 'start');
    expect(await optOuts(channel.id)).toHaveLength(0);
    expect(sentTo('cust-1').at(-1)).toContain('subscribed to');
  });

  it("the workspace's own words count too", async () => {
    const patched = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { consent: { stopWords: ['baja'], startWords: ['alta'] } } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await say('cust-3', 'BAJA');
    expect((await optOuts(channel.id)).map((r) => r.keyword)).toEqual(['BAJA']);
    await say('cust-3', 'Alta');
    expect(await optOuts(channel.id)).toHaveLength(0);
  });
});

describe('consent keywords on WhatsApp', () => {
  const appSecret = 'wa-consent-secret';
  const token = 'wa-consent-token';
  let stand: StandIn;
  let channelId: string;
  let n = 0;
  const say = async (text: string) => {
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
                metadata: { display_phone_number: '15550009999', phone_number_id: 'PN7' },
                contacts: [{ profile: { name: 'Ana' }, wa_id: '15557770000' }],
                messages: [
                  {
                    from: '15557770000',
                    id: `wamid.c${++n}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: text },
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
    await drain(ctx);
  };

  beforeAll(async () => {
    stand = await startGraphStandIn({ token, phoneNumberId: 'PN7' });
    standIns.push(stand);
    channelId = (
      await createChannel(ctx, owner, 'whatsapp', {
        phoneNumberId: 'PN7',
        accessToken: token,
        appSecret,
        verifyToken: 'v',
        baseUrl: stand.baseUrl,
      })
    ).id;
  });

  it('STOP and START through the Cloud API webhook, each confirmed with a text message', async () => {
    await say('UNSUBSCRIBE');
    expect(await optOuts(channelId)).toHaveLength(1);
    expect(stand.requests.at(-1)!.json()).toMatchObject({
      to: '15557770000',
      type: 'text',
      text: { body: expect.stringContaining('unsubscribed') },
    });
    await say('START');
    expect(await optOuts(channelId)).toHaveLength(0);
    expect(stand.requests.at(-1)!.json()).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Reply STOP') } });
    expect(await count(ctx, `select 1 from messages where channel_id = $1 and direction = 'out' and status = 'sent'`, [channelId])).toBe(2);
  });
});
