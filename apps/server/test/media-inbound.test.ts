import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody, sign, startGraphStandIn, startStandIn, type StandIn, type StandInReply } from '@switchboard/channels/testing';
import { drain } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, postWebhook } from './inbox-fixtures';

/**
 * Inbound files, downloaded from each provider's stand-in with that provider's credentials
 * (WhatsApp's is in media-store.test.ts), stored, and served to the workspace's agents.
 */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const OGG = Buffer.from('OggS\u0000\u0002voice-note');

let ctx: TestContext;
let owner: Session;
let dataDir: string;
const standIns: StandIn[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'media-in-'));
  ctx = await createTestContext({ dataDir });
  owner = await signup(ctx.app, 'Inbound media');
});
afterAll(async () => {
  for (const s of standIns) await s.close();
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The stored attachments of the message, and the bytes an agent gets through their links. */
async function received(channelId: string, providerId: string) {
  await drain(ctx);
  const { rows } = await ctx.database.pool.query(
    'select conversation_id from messages where channel_id = $1 and provider_message_id = $2',
    [channelId, providerId],
  );
  const { body } = await call(ctx.app, 'GET', `/api/conversations/${rows[0].conversation_id}/messages`, { cookie: owner.cookie });
  const attachments = body.messages.at(-1).attachments as {
    url: string;
    kind: string;
    contentType: string;
    pending: boolean;
    error: string | null;
  }[];
  const bytes = await Promise.all(
    attachments.map(async (a) =>
      a.url ? Buffer.from(await (await ctx.app.request(a.url.replace(ctx.deps.config.publicUrl, ''))).arrayBuffer()) : null,
    ),
  );
  return { attachments, bytes };
}

describe('Telegram', () => {
  it('getFile gives the path, then the file is downloaded from /file/bot<token>/<path>', async () => {
    const token = '888:IN-token';
    const telegram = await startStandIn((req) => {
      if (req.path === `/bot${token}/getFile`) {
        const { file_id } = req.json<{ file_id: string }>();
        return file_id === 'VOICE_1'
          ? { json: { ok: true, result: { file_id, file_path: 'voice/file_7.oga' } } }
          : { status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } };
      }
      if (req.path === `/file/bot${token}/voice/file_7.oga`) return { headers: { 'content-type': 'application/octet-stream' }, body: OGG };
      return { status: 404, json: { ok: false, error_code: 404, description: 'Not Found' } };
    });
    standIns.push(telegram);
    const channel = await createChannel(ctx, owner, 'telegram', { botToken: token, secretToken: 'in-secret', baseUrl: telegram.baseUrl });
    const update = JSON.stringify({
      update_id: 501,
      message: {
        message_id: 3,
        from: { id: 77, is_bot: false, first_name: 'Ana' },
        chat: { id: 77, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        voice: { file_id: 'VOICE_1', mime_type: 'audio/ogg' },
      },
    });
    expect(
      (await postWebhook(ctx, channel.id, update, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'in-secret' }))
        .status,
    ).toBe(200);
    const { attachments, bytes } = await received(channel.id, '501');
    expect(attachments).toEqual([expect.objectContaining({ kind: 'audio', contentType: 'audio/ogg', pending: false, error: null })]);
    expect(bytes[0]).toEqual(OGG);
    expect(telegram.requests.map((r) => r.path)).toEqual([`/bot${token}/getFile`, `/file/bot${token}/voice/file_7.oga`]);
  });
});

describe('Twilio', () => {
  it('MediaUrl is downloaded with Basic auth (account SID and auth token)', async () => {
    const auth = `Basic ${Buffer.from('ACin:in-token').toString('base64')}`;
    // As Twilio does: the media URL (Basic auth) answers 307 to a signed storage link (no auth).
    const twilio = await startStandIn((req): StandInReply => {
      if (req.path.startsWith('/storage/'))
        return req.headers.authorization
          ? { status: 400, body: 'Only one auth mechanism allowed' }
          : { headers: { 'content-type': 'image/jpeg' }, body: JPEG };
      if (req.headers.authorization !== auth) return { status: 401, json: { code: 20003, message: 'Authenticate' } };
      return { status: 307, headers: { location: '/storage/ME1.jpg?X-Amz-Signature=abc' } };
    });
    standIns.push(twilio);
    const channel = await createChannel(ctx, owner, 'twilio', {
      accountSid: 'ACin',
      authToken: 'in-token',
      from: '+15550001000',
      baseUrl: twilio.baseUrl,
    });
    const mediaUrl = `${twilio.baseUrl}/2010-04-01/Accounts/ACin/Messages/MM1/Media/ME1`;
    const params = {
      MessageSid: 'MM1',
      AccountSid: 'ACin',
      From: '+15550002000',
      To: '+15550001000',
      Body: 'Photo of the damage',
      NumMedia: '1',
      MediaUrl0: mediaUrl,
      MediaContentType0: 'image/jpeg',
    };
    const url = `${ctx.deps.config.publicUrl}/webhooks/channels/${channel.id}`;
    const res = await postWebhook(ctx, channel.id, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign.twilio('in-token', url, params),
    });
    expect(res.status).toBe(200);
    const { attachments, bytes } = await received(channel.id, 'MM1');
    expect(attachments[0]).toMatchObject({ kind: 'image', contentType: 'image/jpeg', pending: false });
    expect(bytes[0]).toEqual(JPEG);
    expect(twilio.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/2010-04-01/Accounts/ACin/Messages/MM1/Media/ME1', auth],
      ['/storage/ME1.jpg', undefined],
    ]);
  });
});

describe('Messenger', () => {
  it('a CDN link is copied into the store before it expires', async () => {
    const cdn = await startStandIn((req) =>
      req.path === '/v/photo.jpg' ? { headers: { 'content-type': 'image/jpeg' }, body: JPEG } : { status: 404, body: 'gone' },
    );
    standIns.push(cdn);
    const graph = await startGraphStandIn({ token: 'page-in' });
    standIns.push(graph);
    const channel = await createChannel(ctx, owner, 'messenger', {
      pageId: 'PIN',
      pageAccessToken: 'page-in',
      appSecret: 'm-secret',
      verifyToken: 'v',
      baseUrl: graph.baseUrl,
    });
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: 'PIN',
          time: Date.now(),
          messaging: [
            {
              sender: { id: 'PSID9' },
              recipient: { id: 'PIN' },
              timestamp: Date.now(),
              message: {
                mid: 'mid.photo',
                attachments: [{ type: 'image', payload: { url: `${cdn.baseUrl}/v/photo.jpg?oh=sig&oe=expiry` } }],
              },
            },
          ],
        },
      ],
    });
    expect(
      (
        await postWebhook(ctx, channel.id, raw, {
          'content-type': 'application/json',
          'x-hub-signature-256': sign.sha256Header('m-secret', raw),
        })
      ).status,
    ).toBe(200);
    const { attachments, bytes } = await received(channel.id, 'mid.photo');
    expect(attachments[0]).toMatchObject({ kind: 'image', pending: false, url: expect.stringContaining('/media/') });
    expect(bytes[0]).toEqual(JPEG);
    // The CDN link may expire now: the file is ours.
    await cdn.close();
    standIns.splice(standIns.indexOf(cdn), 1);
    const again = await received(channel.id, 'mid.photo');
    expect(again.bytes[0]).toEqual(JPEG);
  });
});

describe('Email (SendGrid Inbound Parse)', () => {
  it('attachments in the multipart post are stored with the message; a refused type says why', async () => {
    const channel = await createChannel(ctx, owner, 'email', { provider: 'sendgrid', apiKey: 'sg-key', fromAddress: 'shop@example.com' });
    const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
    const { body, contentType } = multipartBody(
      {
        from: 'Ana <ana@example.org>',
        to: 'shop@example.com',
        subject: 'Invoice',
        text: 'Attached, thanks',
        headers: 'Message-ID: <inv-1@example.org>\n',
      },
      [
        { name: 'attachment1', filename: 'invoice.pdf', contentType: 'application/pdf', data: PDF },
        { name: 'attachment2', filename: 'run.html', contentType: 'text/html', data: Buffer.from('<script>1</script>') },
      ],
    );
    const url = new URL(channel.webhookUrl);
    const res = await postWebhook(ctx, channel.id, body, { 'content-type': contentType }, url.search);
    expect(res.status).toBe(200);
    const { rows } = await ctx.database.pool.query(`select provider_message_id from messages where channel_id = $1`, [channel.id]);
    const { attachments } = await received(channel.id, rows[0].provider_message_id);
    expect(attachments[0]).toMatchObject({
      kind: 'file',
      name: 'invoice.pdf',
      contentType: 'application/pdf',
      pending: false,
      error: null,
    });
    expect(attachments[1]).toMatchObject({ url: null, name: 'run.html', error: 'Files of type text/html are not accepted.' });
    const served = await ctx.app.request(attachments[0]!.url.replace(ctx.deps.config.publicUrl, ''));
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF);
  });
});
