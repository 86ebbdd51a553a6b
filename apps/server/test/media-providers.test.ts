import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters } from '@switchboard/channels';
import { startGraphStandIn, startStandIn, type StandIn, type StandInRequest } from '@switchboard/channels/testing';
import { egressFor } from '../src/egress';
import { queueOutboundMessage } from '../src/inbox/outbound';
import { attachmentOf, saveMedia } from '../src/media/media-files';
import { QR_ATTACHMENT } from '../src/media/qr-code';
import { mediaStoreFor } from '../src/media/store';
import { createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Outbound files, places and QR codes through each provider's stand-in, as the provider receives
 * them: a PDF goes as a document, a place as a location message (or a map link), and the QR code
 * link the provider is given serves a PNG that decodes back to its text.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const BOARDING = 'BOARDING PASS SB123 · seat 14C · gate B7';
const PLACE = { latitude: 51.5033, longitude: -0.1196, name: 'Sunrise Bakery', address: '1 Riverside, London' };

let ctx: TestContext;
let owner: Session;
let dataDir: string;
const standIns: StandIn[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'media-out-'));
  ctx = await createTestContext({ dataDir });
  owner = await signup(ctx.app, 'Outbound media');
});
afterAll(async () => {
  for (const s of standIns) await s.close();
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A customer on the channel with an open conversation, written to within the window. */
async function customerOn(channelId: string, externalId: string): Promise<string> {
  const q = (sql: string, params: unknown[]) => ctx.database.pool.query(sql, params).then((r) => r.rows[0]);
  const contact = await q('insert into contacts (workspace_id, name) values ($1, $2) returning id', [owner.workspaceId, 'Pat']);
  await q('insert into contact_identities (workspace_id, contact_id, channel_id, external_id) values ($1, $2, $3, $4) returning id', [
    owner.workspaceId,
    contact.id,
    channelId,
    externalId,
  ]);
  const conversation = await q(
    `insert into conversations (workspace_id, contact_id, channel_id, status, last_inbound_at) values ($1, $2, $3, 'open', now()) returning id`,
    [owner.workspaceId, contact.id, channelId],
  );
  return conversation.id;
}

/** A message with a PDF, a QR code and a place, delivered through the channel's adapter. */
async function sendRich(channelId: string, externalId: string, extra: { location?: boolean } = {}) {
  const conversationId = await customerOn(channelId, externalId);
  const pdf = await saveMedia(ctx.deps, {
    workspaceId: owner.workspaceId,
    conversationId,
    data: PDF,
    contentType: 'application/pdf',
    fileName: 'ticket.pdf',
  });
  const message = await ctx.database.db.transaction((tx) =>
    queueOutboundMessage(tx, {
      workspaceId: owner.workspaceId,
      conversationId,
      channelId,
      author: 'bot',
      text: 'Your trip',
      attachments: [attachmentOf(pdf), QR_ATTACHMENT],
      meta: { qrCode: BOARDING, ...(extra.location !== false && { location: PLACE }) },
    }),
  );
  // Delivered by its deliver_message job, as every reply is.
  await drain(ctx);
  const { rows } = await ctx.database.pool.query('select status, error from messages where id = $1', [message.id]);
  expect(rows[0]).toMatchObject({ status: expect.stringMatching(/^(sent|delivered)$/), error: null });
}

/** Follows a link the provider was given (signed for it), as the provider's fetcher does. */
async function fetchAsProvider(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await ctx.app.request(url.replace(ctx.deps.config.publicUrl, ''));
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

async function expectQr(url: string) {
  const file = await fetchAsProvider(url);
  expect(file.type).toBe('image/png');
  const image = PNG.sync.read(file.body);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  expect(code?.data).toBe(BOARDING);
}

describe('WhatsApp Cloud API', () => {
  it('a PDF as a document with its name, the QR code as an image, the place as a location', async () => {
    const graph = await startGraphStandIn({ token: 'wa-out', phoneNumberId: 'PNOUT' });
    standIns.push(graph);
    const channel = await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PNOUT',
      accessToken: 'wa-out',
      appSecret: 's',
      verifyToken: 'v',
      baseUrl: graph.baseUrl,
    });
    await sendRich(channel.id, '15550002222');
    const bodies = graph.requests.filter((r) => r.method === 'POST').map((r) => r.json());
    expect(bodies.map((b) => b.type)).toEqual(['document', 'image', 'location']);
    expect(bodies[0].document).toMatchObject({
      filename: 'ticket.pdf',
      caption: 'Your trip',
      link: expect.stringContaining('/ticket.pdf?'),
    });
    expect(bodies[2].location).toEqual(PLACE);
    const pdf = await fetchAsProvider(bodies[0].document.link);
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', body: PDF });
    await expectQr(bodies[1].image.link);
  });
});

describe('Telegram Bot API', () => {
  const token = '123456:TEST-token';
  let telegram: StandIn;
  const calls = () => telegram.requests.map((r) => [r.path.split('/').pop(), r.json()] as [string, Record<string, any>]);

  beforeAll(async () => {
    let n = 0;
    telegram = await startStandIn((req: StandInRequest) => {
      if (!req.path.startsWith(`/bot${token}/`)) return { status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } };
      const method = req.path.split('/').pop()!;
      const body = req.json<Record<string, unknown>>();
      if (method === 'setWebhook' || method === 'deleteWebhook')
        return { json: { ok: true, result: true, description: 'Webhook was set' } };
      if (!body.chat_id) return { status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' } };
      return { json: { ok: true, result: { message_id: ++n, chat: { id: Number(body.chat_id) } } } };
    });
    standIns.push(telegram);
  });

  it('setWebhook with the secret token on connect, deleteWebhook on disconnect', async () => {
    const config = { botToken: token, secretToken: 'tg-secret_1', baseUrl: telegram.baseUrl };
    const egress = egressFor(ctx.deps.config);
    await adapters.telegram.connect!(config, 'https://switchboard.example/webhooks/channels/abc', { egress });
    await adapters.telegram.disconnect!(config, { egress });
    expect(calls()).toEqual([
      [
        'setWebhook',
        {
          url: 'https://switchboard.example/webhooks/channels/abc',
          secret_token: 'tg-secret_1',
          allowed_updates: ['message', 'edited_message', 'callback_query'],
        },
      ],
      ['deleteWebhook', { drop_pending_updates: false }],
    ]);
    telegram.reset();
  });

  it('a PDF by sendDocument, the QR code by sendPhoto, the place by sendVenue', async () => {
    const channel = await createChannel(ctx, owner, 'telegram', { botToken: token, secretToken: 'tg-secret_1', baseUrl: telegram.baseUrl });
    await sendRich(channel.id, '4242');
    const sent = calls();
    expect(sent.map(([method]) => method)).toEqual(['sendDocument', 'sendPhoto', 'sendVenue']);
    expect(sent[0]![1]).toMatchObject({ chat_id: '4242', caption: 'Your trip', document: expect.stringContaining('/ticket.pdf?') });
    expect(sent[2]![1]).toEqual({
      chat_id: '4242',
      latitude: PLACE.latitude,
      longitude: PLACE.longitude,
      title: PLACE.name,
      address: PLACE.address,
    });
    await expectQr(sent[1]![1].photo);
  });
});

describe('Twilio', () => {
  it('every file as a MediaUrl, the place as a map link in the text', async () => {
    const twilio = await startStandIn((req) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('ACout:tw-token').toString('base64')}`)
        return { status: 401, json: { code: 20003, message: 'Authenticate' } };
      return { status: 201, json: { sid: `SM${Date.now()}`, status: 'queued' } };
    });
    standIns.push(twilio);
    const channel = await createChannel(ctx, owner, 'twilio', {
      accountSid: 'ACout',
      authToken: 'tw-token',
      from: '+15550009999',
      baseUrl: twilio.baseUrl,
    });
    await sendRich(channel.id, '+15550003333');
    const form = twilio.requests[0]!.form();
    const media = form.getAll('MediaUrl');
    expect(media).toHaveLength(2);
    expect(form.get('Body')).toBe(
      'Your trip\n\nSunrise Bakery, 1 Riverside, London\nhttps://www.google.com/maps/search/?api=1&query=51.5033,-0.1196',
    );
    expect((await fetchAsProvider(media[0]!)).body).toEqual(PDF);
    await expectQr(media[1]!);
  });
});

describe('Messenger', () => {
  it('a PDF as a file attachment, the QR code as an image', async () => {
    const graph = await startGraphStandIn({ token: 'page-out' });
    standIns.push(graph);
    const channel = await createChannel(ctx, owner, 'messenger', {
      pageId: 'P1',
      pageAccessToken: 'page-out',
      appSecret: 's',
      verifyToken: 'v',
      baseUrl: graph.baseUrl,
    });
    await sendRich(channel.id, 'PSID-1');
    const messages = graph.requests.map((r) => r.json().message);
    expect(messages.map((m) => m.attachment?.type ?? 'text')).toEqual(['file', 'image', 'text']);
    expect(messages[2].text).toContain('https://www.google.com/maps/search/?api=1&query=51.5033,-0.1196');
    await expectQr(messages[1].attachment.payload.url);
  });
});

describe('a flow sends a boarding pass', () => {
  it("the send step's QR code (a placeholder filled in), file link and place reach the message", async () => {
    const webchat = await createWebchat(ctx, owner.workspaceId);
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['boarding'] } },
          {
            id: 's',
            type: 'action.send_message',
            config: {
              text: 'Your boarding pass',
              qrCode: 'PASS {{ contact.name }}',
              attachments: ['https://cdn.example/terms.pdf'],
              location: PLACE,
            },
          },
        ],
        [{ source: 't', target: 's' }],
      ),
    );
    const { conversationId } = await customerSays(ctx, webchat, 'flyer', 'boarding');
    await drain(ctx);
    const { rows } = await ctx.database.pool.query(
      `select attachments, meta, status from messages where conversation_id = $1 and author = 'bot'`,
      [conversationId],
    );
    expect(rows).toHaveLength(1);
    const [terms, qr] = rows[0].attachments;
    expect(terms).toEqual({ url: 'https://cdn.example/terms.pdf' });
    expect(qr).toMatchObject({ url: 'qr:', name: 'qr-code.png', contentType: 'image/png', mediaId: expect.any(String) });
    expect(rows[0].meta).toMatchObject({ qrCode: 'PASS Customer flyer', location: PLACE });
    const { rows: file } = await ctx.database.pool.query('select storage_key from media_files where id = $1', [qr.mediaId]);
    const png = await mediaStoreFor(ctx.deps.config).get(file[0].storage_key);
    const image = PNG.sync.read(png!.data);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe('PASS Customer flyer');
    // Website chat has no location message: the visitor gets the place with a maps link.
    const { body } = await call(ctx.app, 'GET', `/api/conversations/${conversationId}/messages`, { cookie: owner.cookie });
    expect(body.messages.at(-1).location).toEqual({ ...PLACE, mapUrl: 'https://www.google.com/maps/search/?api=1&query=51.5033,-0.1196' });
  });
});
