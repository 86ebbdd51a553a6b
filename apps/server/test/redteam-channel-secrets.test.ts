import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpStandIn } from '@switchboard/channels/testing';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { ENTER_AGAIN } from '../src/inbox/channel-destination';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, postWebhook, replyAndDeliver } from './inbox-fixtures';

/**
 * An admin who re-points a channel at a server of their own must not receive the token the owner
 * entered: moving the channel drops the stored secrets unless the same request enters them again.
 */
let ctx: TestContext;
let owner: Session;
let admin: Session;
const standIns: StandIn[] = [];
let sent = 0;
const telegramOk = () => ({ status: 200, json: { ok: true, result: { message_id: ++sent, chat: { id: 4242 } } } });

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' }); // replies are delivered by hand, one step at a time
  owner = await signup(ctx.app, 'Moved');
  admin = await addMember(ctx.app, owner, { name: 'Rogue Admin', role: 'admin' });
});
afterAll(async () => {
  for (const s of standIns) await s.close();
  await ctx.close();
});

async function standIn(handler = telegramOk): Promise<StandIn> {
  const s = await startStandIn(handler);
  standIns.push(s);
  return s;
}
const patch = (id: string, config: Record<string, unknown>, who = admin) =>
  call(ctx.app, 'PATCH', `/api/channels/${id}`, { cookie: who.cookie, body: { config } });
const fields = (body: any) => (body.error.details as { field: string; message: string }[]).map((d) => d.field).sort();

describe('a channel pointed at another server', () => {
  const TOKEN = '123456:OWNER-BOT-TOKEN-never-elsewhere';

  it('telegram: moving baseUrl without the token is refused, replies keep going to the real host; a new token goes to the new host, the old one never', async () => {
    const real = await standIn();
    const evil = await standIn();
    const channel = await createChannel(ctx, owner, 'telegram', {
      botToken: TOKEN,
      secretToken: 'owner_secret_word',
      baseUrl: real.baseUrl,
    });
    const update = {
      update_id: 9001,
      message: {
        message_id: 1,
        from: { id: 4242, first_name: 'Ada' },
        chat: { id: 4242, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'hello',
      },
    };
    const inbound = await postWebhook(ctx, channel.id, JSON.stringify(update), {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': 'owner_secret_word',
    });
    expect(inbound.status).toBe(200);
    const [message] = await inboundByProviderId(ctx, channel.id, '9001');

    const moved = await patch(channel.id, { baseUrl: evil.baseUrl });
    expect(moved.status).toBe(400);
    expect(fields(moved.body)).toEqual(['config.botToken', 'config.secretToken']);
    expect(moved.body.error.details[0].message).toBe(ENTER_AGAIN);
    // An empty token in a form means "unchanged": it does not count as entering it again.
    expect((await patch(channel.id, { baseUrl: evil.baseUrl, botToken: '', secretToken: '' })).status).toBe(400);
    const kept = await call(ctx.app, 'GET', `/api/channels/${channel.id}`, { cookie: admin.cookie });
    expect(kept.body.config.baseUrl).toBe(real.baseUrl);
    expect(kept.body.secretsSet).toEqual(['botToken', 'secretToken']);

    const before = await replyAndDeliver(ctx, owner, message.conversation_id, 'Reply one');
    expect(before.outcome).toMatchObject({ status: 'sent' });
    expect(real.requests.map((r) => r.path)).toEqual([`/bot${TOKEN}/sendMessage`]);
    expect(evil.requests).toHaveLength(0);

    const entered = await patch(channel.id, { baseUrl: `${evil.baseUrl}/`, botToken: '654321:ADMIN-OWN-TOKEN', secretToken: 'admin_word' });
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    expect(entered.body.secretsSet).toEqual(['botToken', 'secretToken']);
    await replyAndDeliver(ctx, owner, message.conversation_id, 'Reply two');
    expect(evil.requests.map((r) => r.path)).toEqual(['/bot654321:ADMIN-OWN-TOKEN/sendMessage']);
    expect(evil.requests.map((r) => r.url + JSON.stringify(r.headers) + r.text).join('\n')).not.toContain('OWNER-BOT-TOKEN');
  });

  it('twilio and whatsapp: each stored token must be entered again; a path on the same origin keeps them', async () => {
    const real = await standIn();
    const twilio = await createChannel(ctx, owner, 'twilio', {
      accountSid: 'AC1',
      authToken: 'owner-auth-token',
      from: '+15550001111',
      baseUrl: real.baseUrl,
    });
    const moved = await patch(twilio.id, { baseUrl: 'http://127.0.0.1:9' });
    expect(moved.status).toBe(400);
    expect(fields(moved.body)).toEqual(['config.authToken']);
    // Another port, or plain http for https, is another server too.
    expect((await patch(twilio.id, { baseUrl: real.baseUrl.replace(/:\d+$/, ':1') })).status).toBe(400);
    const samePlace = await patch(twilio.id, { baseUrl: `${real.baseUrl}/twilio` });
    expect(samePlace.status).toBe(200);
    expect(samePlace.body.secretsSet).toEqual(['authToken']);
    expect(samePlace.body.secretsCleared).toBeUndefined();

    const wa = await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: '111',
      accessToken: 'owner-access',
      appSecret: 'owner-app-secret',
      verifyToken: 'v',
    });
    const partly = await patch(wa.id, { baseUrl: 'http://127.0.0.1:9', accessToken: 'new-access' });
    expect(partly.status).toBe(400);
    expect(fields(partly.body)).toEqual(['config.appSecret']);
  });

  it('email: a provider switch is a move; an optional key is dropped and named, the inbound secret stays', async () => {
    const mailgun = await createChannel(ctx, owner, 'email', {
      provider: 'mailgun',
      domain: 'mg.example.com',
      apiKey: 'owner-mailgun-key',
      signingKey: 'owner-signing',
      fromAddress: 'shop@example.com',
    });
    const toSendgrid = await patch(mailgun.id, { provider: 'sendgrid' });
    expect(toSendgrid.status).toBe(400);
    expect(fields(toSendgrid.body)).toEqual(['config.apiKey']);
    const withKey = await patch(mailgun.id, { provider: 'sendgrid', apiKey: 'new-sendgrid-key' });
    expect(withKey.status, JSON.stringify(withKey.body)).toBe(200);
    expect(withKey.body.secretsCleared).toEqual(['signingKey']);
    expect(withKey.body.secretsSet).toEqual(['apiKey']);

    const sendgrid = await createChannel(ctx, owner, 'email', {
      provider: 'sendgrid',
      apiKey: 'owner-sendgrid-key',
      fromAddress: 'shop@example.com',
    });
    const evil = await patch(sendgrid.id, { baseUrl: 'http://127.0.0.1:9', apiKey: 'admin-key' });
    expect(evil.status).toBe(200);
    expect(evil.body.secretsSet).toEqual(['apiKey', 'inboundSecret']);
    expect(evil.body.webhookUrl).toBe(sendgrid.webhookUrl);
    const audit = await call(ctx.app, 'GET', `/api/audit-log?targetId=${mailgun.id}`, { cookie: owner.cookie });
    expect(audit.body.entries[0].data.fields).toEqual(expect.arrayContaining(['provider', 'apiKey', 'signingKey']));
  });

  it('smtp: pointing the host at another server never sends it the stored password', async () => {
    const smtp = await startSmtpStandIn({ user: 'shop', pass: 'owner-smtp-pass' });
    const heard = await recordingSmtp();
    try {
      const shop = await signup(ctx.app, 'SmtpShop');
      const shopAdmin = await addMember(ctx.app, shop, { name: 'Smtp Admin', role: 'admin' });
      const channel = await createChannel(ctx, shop, 'email', {
        provider: 'smtp',
        fromAddress: 'Shop <hello@shop.example>',
        smtp: { host: smtp.host, port: smtp.port, secure: false, user: 'shop', pass: 'owner-smtp-pass' },
      });
      const moved = await patch(channel.id, { smtp: { host: '127.0.0.1', port: heard.port, secure: false, user: 'shop' } }, shopAdmin);
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      // Invitation mail goes out through the workspace's email channel, now the admin's server.
      await call(ctx.app, 'POST', '/api/members/invitations', {
        cookie: shopAdmin.cookie,
        body: { email: 'lured@example.com', role: 'agent' },
      });
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      expect(heard.text()).not.toMatch(
        new RegExp(
          ['owner-smtp-pass', b64('owner-smtp-pass'), b64('\0shop\0owner-smtp-pass')].map((s) => s.replace(/[+/=]/g, '\\$&')).join('|'),
        ),
      );
      // The mail really went to the other server, which heard everything the app sent it.
      expect(heard.text()).toContain('EHLO');
      expect(smtp.mails).toHaveLength(0);
    } finally {
      await smtp.close();
      await heard.close();
    }
  });
});

/** An SMTP server of the attacker's: says yes to everything and keeps every byte it is sent. */
async function recordingSmtp(): Promise<{ port: number; text(): string; close(): Promise<void> }> {
  let received = '';
  const server: Server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.write('220 evil ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      received += chunk;
      for (const line of chunk.split('\r\n').filter(Boolean)) {
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write('250-evil\r\n250 AUTH PLAIN LOGIN\r\n');
        else if (verb === 'AUTH') socket.write('235 ok\r\n');
        else if (verb === 'DATA') socket.write('354 go\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    text: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
