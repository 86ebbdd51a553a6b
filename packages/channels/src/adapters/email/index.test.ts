import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmac } from '../../signatures';
import { formBody, inboundRequest, multipartBody, verifyContext } from '../../testing/inbound';
import { startSmtpStandIn } from '../../testing/smtp-stand-in';
import { startStandIn, type StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { EmailConfig } from './config';
import { emailAdapter } from './index';
import { loopback } from '../../testing/egress';

const signingKey = 'key-mailgun-signing-0123';
const mailgunBase = {
  provider: 'mailgun' as const,
  domain: 'mg.bakery.example',
  apiKey: 'mg-api-key',
  signingKey,
  fromAddress: 'Sunny Bakery <hello@bakery.example>',
};
const sendgridBase = {
  provider: 'sendgrid' as const,
  apiKey: 'SG.key',
  fromAddress: 'hello@bakery.example',
  inboundSecret: 'sendgrid-inbound-secret-1234',
};
const url = 'https://sb.example/webhooks/channels/ch_mail';
const now = new Date('2026-01-10T09:00:00Z');
const nowSeconds = String(Math.floor(now.getTime() / 1000));

let api: StandIn;
beforeAll(async () => {
  // Plays both HTTP APIs: Mailgun (Basic api:key, form, 200 {id, message}) and SendGrid
  // (Bearer, JSON, 202 + X-Message-Id).
  api = await startStandIn((req) => {
    if (req.path === `/v3/${mailgunBase.domain}/messages`) {
      if (req.headers.authorization !== `Basic ${Buffer.from(`api:${mailgunBase.apiKey}`).toString('base64')}`)
        return { status: 401, body: 'Forbidden' };
      const form = req.form();
      for (const name of ['from', 'to', 'subject', 'text'])
        if (!form.get(name)) return { status: 400, json: { message: `'${name}' parameter is missing` } };
      if (!form.get('to')!.includes('@'))
        return { status: 400, json: { message: 'to parameter is not a valid address. please check documentation' } };
      return { json: { id: form.get('h:Message-Id') ?? '<generated@mg.bakery.example>', message: 'Queued. Thank you.' } };
    }
    if (req.path === '/v3/mail/send') {
      if (req.headers.authorization !== `Bearer ${sendgridBase.apiKey}`) {
        return {
          status: 401,
          json: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] },
        };
      }
      const body = req.json();
      if (!String(body.personalizations?.[0]?.to?.[0]?.email ?? '').includes('@')) {
        return {
          status: 400,
          json: { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null }] },
        };
      }
      return { status: 202, headers: { 'x-message-id': 'sg-internal-id' } };
    }
    return { status: 404, body: 'not found' };
  });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

function mailgunSigned(fields: Record<string, string>, opts: { timestamp?: string; token?: string; key?: string } = {}) {
  const timestamp = opts.timestamp ?? nowSeconds;
  const token = opts.token ?? `tok${Math.random().toString(36).slice(2)}`;
  const signature = hmac('sha256', opts.key ?? signingKey, timestamp + token, 'hex');
  return inboundRequest({
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ ...fields, timestamp, token, signature }),
  });
}

const mailgunMail = {
  recipient: 'hello@bakery.example',
  sender: 'ada@example.com',
  from: 'Ada Lovelace <Ada@Example.com>',
  subject: 'Re: Your cake order',
  'body-plain': 'Saturday works.\n\nOn Fri, Sunny Bakery wrote:\n> Which day?',
  'stripped-text': 'Saturday works.',
  'Message-Id': '<CAF=reply-1@mail.example.com>',
  'In-Reply-To': '<msg_42@bakery.example>',
  References: '<first@bakery.example> <msg_42@bakery.example>',
  Date: 'Sat, 10 Jan 2026 08:59:30 +0000',
};

describe('email config', () => {
  it('names the fields each provider needs', () => {
    expect(EmailConfig.safeParse(mailgunBase).success).toBe(true);
    const issues = EmailConfig.safeParse({ provider: 'mailgun', fromAddress: 'a@b.c' }).error?.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['domain', 'apiKey', 'signingKey']);
    expect(EmailConfig.safeParse({ provider: 'smtp', fromAddress: 'a@b.c' }).success).toBe(false);
  });
});

describe('mailgun inbound', () => {
  it('accepts a fresh signed post once and refuses replays, stale, forged and unsigned ones', () => {
    const ctx = verifyContext(now);
    const req = mailgunSigned(mailgunMail, { token: 'token-1' });
    expect(emailAdapter.verify(req, mailgunBase, ctx)).toEqual({ ok: true });
    expect(emailAdapter.verify(req, mailgunBase, ctx)).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/already used/),
    });
    const stale = mailgunSigned(mailgunMail, { timestamp: String(Number(nowSeconds) - 301) });
    expect(emailAdapter.verify(stale, mailgunBase, ctx)).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/5 minutes/),
    });
    const forged = mailgunSigned(mailgunMail, { key: 'guessed-key', token: 'token-2' });
    expect(emailAdapter.verify(forged, mailgunBase, ctx)).toMatchObject({ ok: false, status: 403 });
    expect(ctx.nonces.has('mailgun:token-2')).toBe(false);
    const unsigned = inboundRequest({ url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(mailgunMail) });
    expect(emailAdapter.verify(unsigned, mailgunBase, ctx)).toMatchObject({ ok: false, status: 401 });
  });

  it('parses the forwarded mail: Message-Id, threadRef, stripped text, sender', () => {
    expect(emailAdapter.parseInbound(mailgunSigned(mailgunMail), mailgunBase)).toEqual([
      {
        kind: 'message',
        providerMessageId: 'CAF=reply-1@mail.example.com',
        externalId: 'ada@example.com',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        subject: 'Re: Your cake order',
        text: 'Saturday works.',
        threadRef: 'msg_42@bakery.example',
        attachments: [],
        timestamp: new Date('2026-01-10T08:59:30Z'),
      },
    ]);
  });

  it('reads headers from the message-headers list when they are not separate fields', () => {
    const { 'Message-Id': _id, 'In-Reply-To': _reply, References: _refs, Date: _date, ...rest } = mailgunMail;
    const listed = JSON.stringify([
      ['Message-Id', '<listed@mail.example.com>'],
      ['References', '<a@bakery.example> <msg_43@bakery.example>'],
      ['Subject', '=?UTF-8?Q?Re:_G=C3=A2teau?='],
    ]);
    const [event] = emailAdapter.parseInbound(
      mailgunSigned({ ...rest, subject: '=?UTF-8?Q?Re:_G=C3=A2teau?=', 'message-headers': listed }),
      mailgunBase,
    );
    expect(event).toMatchObject({
      providerMessageId: 'listed@mail.example.com',
      threadRef: 'msg_43@bakery.example',
      subject: 'Re: Gâteau',
    });
  });

  it('reads the multipart form Mailgun uses when files are attached', () => {
    const timestamp = nowSeconds;
    const token = 'token-mp';
    const { body, contentType } = multipartBody(
      { ...mailgunMail, 'attachment-count': '1', timestamp, token, signature: hmac('sha256', signingKey, timestamp + token, 'hex') },
      [{ name: 'attachment-1', filename: 'cake.jpg', contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d]) }],
    );
    const req = inboundRequest({ url, headers: { 'content-type': contentType }, body });
    expect(emailAdapter.verify(req, mailgunBase, verifyContext(now))).toEqual({ ok: true });
    expect(emailAdapter.parseInbound(req, mailgunBase)).toEqual([
      expect.objectContaining({ providerMessageId: 'CAF=reply-1@mail.example.com', text: 'Saturday works.' }),
    ]);
  });

  it('drops auto-replies and our own mail coming back', () => {
    expect(emailAdapter.parseInbound(mailgunSigned({ ...mailgunMail, 'Auto-Submitted': 'auto-replied' }), mailgunBase)).toEqual([]);
    expect(emailAdapter.parseInbound(mailgunSigned({ ...mailgunMail, from: 'hello@bakery.example' }), mailgunBase)).toEqual([]);
  });

  it('parses signed delivery events as statuses', () => {
    const event = (name: string, extra: object = {}) => {
      const token = `evt-${name}`;
      return inboundRequest({
        url,
        body: {
          signature: { timestamp: nowSeconds, token, signature: hmac('sha256', signingKey, nowSeconds + token, 'hex') },
          'event-data': { event: name, timestamp: 1768035600.5, message: { headers: { 'message-id': 'msg_42@bakery.example' } }, ...extra },
        },
      });
    };
    const ctx = verifyContext(now);
    expect(emailAdapter.verify(event('delivered'), mailgunBase, ctx)).toEqual({ ok: true });
    expect(emailAdapter.parseInbound(event('delivered'), mailgunBase)).toEqual([
      { kind: 'status', providerMessageId: 'msg_42@bakery.example', status: 'delivered', timestamp: new Date(1768035600500) },
    ]);
    const failed = event('failed', { severity: 'permanent', 'delivery-status': { code: 550, description: 'No such mailbox' } });
    expect(emailAdapter.parseInbound(failed, mailgunBase)).toEqual([
      expect.objectContaining({ status: 'failed', error: '550 No such mailbox' }),
    ]);
    expect(emailAdapter.parseInbound(event('failed', { severity: 'temporary' }), mailgunBase)).toEqual([]);
  });
});

describe('sendgrid inbound parse', () => {
  const headers = [
    'Received: by mx.sendgrid.net',
    'Message-ID: <CAB-42@mail.gmail.com>',
    'In-Reply-To:',
    ' <msg_7@bakery.example>',
    'Date: Sat, 10 Jan 2026 08:00:00 +0000',
    'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>',
  ].join('\n');
  const post = (query: string, fields: Record<string, string> = {}) => {
    const { body, contentType } = multipartBody({
      headers,
      from: 'Zoë Martin <zoe@example.org>',
      to: 'hello@bakery.example',
      subject: 'Custom cake',
      text: 'Can you do a unicorn cake for 20?\n\nOn Fri, 9 Jan 2026, Sunny Bakery <hello@bakery.example> wrote:\n> Hi!',
      envelope: '{"to":["hello@bakery.example"],"from":"zoe@example.org"}',
      charsets: '{"to":"UTF-8","from":"UTF-8","subject":"UTF-8","text":"UTF-8"}',
      ...fields,
    });
    return inboundRequest({ url: `${url}${query}`, headers: { 'content-type': contentType }, body });
  };

  it('checks the secret query parameter', () => {
    const ctx = verifyContext(now);
    expect(emailAdapter.verify(post('?secret=sendgrid-inbound-secret-1234'), sendgridBase, ctx)).toEqual({ ok: true });
    expect(emailAdapter.verify(post('?secret=sendgrid-inbound-secret-9999'), sendgridBase, ctx)).toMatchObject({ ok: false, status: 403 });
    expect(emailAdapter.verify(post(''), sendgridBase, ctx)).toMatchObject({ ok: false, status: 401 });
    expect(emailAdapter.verify(post('?secret=x'), { ...sendgridBase, inboundSecret: undefined }, ctx)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('parses the multipart post: folded In-Reply-To, quoted history removed, UTF-8 name', () => {
    expect(emailAdapter.parseInbound(post('?secret=x'), sendgridBase)).toEqual([
      {
        kind: 'message',
        providerMessageId: 'CAB-42@mail.gmail.com',
        externalId: 'zoe@example.org',
        email: 'zoe@example.org',
        name: 'Zoë Martin',
        subject: 'Custom cake',
        text: 'Can you do a unicorn cake for 20?',
        threadRef: 'msg_7@bakery.example',
        attachments: [],
        timestamp: new Date('2026-01-10T08:00:00Z'),
      },
    ]);
  });

  it('decodes a field in the charset SendGrid names', () => {
    const latin1 = multipartBody({
      headers: 'Message-ID: <l1@x>',
      from: 'a@example.org',
      text: 'caf\u00e9',
      charsets: '{"text":"iso-8859-1"}',
    });
    const body = Buffer.from(latin1.body.toString('utf8').replace('caf\u00e9', 'caf\u0000'), 'utf8');
    body[body.indexOf(0)] = 0xe9; // é in ISO-8859-1
    const [event] = emailAdapter.parseInbound(inboundRequest({ url, headers: { 'content-type': latin1.contentType }, body }), sendgridBase);
    expect(event).toMatchObject({ text: 'café' });
  });

  it('rejects a body that is not an inbound email', () => {
    expect(() =>
      emailAdapter.parseInbound(inboundRequest({ url, headers: { 'content-type': 'multipart/form-data' }, body: 'x' }), sendgridBase),
    ).toThrow(/boundary/);
    const { body, contentType } = multipartBody({ hello: 'world' });
    expect(() => emailAdapter.parseInbound(inboundRequest({ url, headers: { 'content-type': contentType }, body }), sendgridBase)).toThrow(
      /not an inbound email/,
    );
  });
});

describe('email send', () => {
  const msg: OutboundMessage = {
    id: 'msg_99',
    to: 'ada@example.com',
    text: 'Saturday it is!',
    windowOpen: true,
    inReplyTo: '<CAF=reply-1@mail.example.com>',
    subject: 'Re: Your cake order',
  };

  it('sends through Mailgun: Basic api:key, form fields, threading headers', async () => {
    const result = await emailAdapter.send(msg, { ...mailgunBase, baseUrl: api.baseUrl }, loopback);
    expect(result).toEqual({ providerMessageId: 'msg_99@bakery.example', status: 'queued' });
    expect(Object.fromEntries(api.requests[0]!.form())).toEqual({
      from: 'Sunny Bakery <hello@bakery.example>',
      to: 'ada@example.com',
      subject: 'Re: Your cake order',
      text: 'Saturday it is!',
      'h:Message-Id': '<msg_99@bakery.example>',
      'h:In-Reply-To': '<CAF=reply-1@mail.example.com>',
      'h:References': '<CAF=reply-1@mail.example.com>',
    });
  });

  it('sends through SendGrid: Bearer, v3 JSON, our Message-ID as provider id', async () => {
    const result = await emailAdapter.send({ ...msg, quickReplies: ['Yes', 'No'] }, { ...sendgridBase, baseUrl: api.baseUrl }, loopback);
    expect(result).toEqual({ providerMessageId: 'msg_99@bakery.example', status: 'queued' });
    expect(api.requests[0]?.path).toBe('/v3/mail/send');
    expect(api.requests[0]?.json()).toEqual({
      personalizations: [{ to: [{ email: 'ada@example.com' }] }],
      from: { email: 'hello@bakery.example' },
      subject: 'Re: Your cake order',
      content: [{ type: 'text/plain', value: 'Saturday it is!\n\n1. Yes\n2. No' }],
      headers: {
        'Message-ID': '<msg_99@bakery.example>',
        'In-Reply-To': '<CAF=reply-1@mail.example.com>',
        References: '<CAF=reply-1@mail.example.com>',
      },
    });
  });

  it('maps provider errors: 4xx message, 401, 500 and 429', async () => {
    await expect(emailAdapter.send({ ...msg, to: 'nobody' }, { ...mailgunBase, baseUrl: api.baseUrl }, loopback)).rejects.toMatchObject({
      retryable: false,
      status: 400,
      message: expect.stringContaining('to parameter is not a valid address'),
    });
    await expect(emailAdapter.send({ ...msg, to: 'nobody' }, { ...sendgridBase, baseUrl: api.baseUrl }, loopback)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('Does not contain a valid address. (personalizations.0.to.0.email)'),
    });
    await expect(emailAdapter.send(msg, { ...sendgridBase, apiKey: 'SG.revoked', baseUrl: api.baseUrl }, loopback)).rejects.toMatchObject({
      retryable: false,
      status: 401,
    });
    api.failNext({ status: 500, json: { message: 'Internal error' } });
    await expect(emailAdapter.send(msg, { ...mailgunBase, baseUrl: api.baseUrl }, loopback)).rejects.toMatchObject({
      retryable: true,
      status: 500,
    });
    api.failNext({ status: 429, headers: { 'retry-after': '60' }, json: { errors: [{ message: 'too many requests' }] } });
    await expect(emailAdapter.send(msg, { ...sendgridBase, baseUrl: api.baseUrl }, loopback)).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
    });
  });

  it('attaches files to a SendGrid mail as base64 parts, fetched through the egress guard', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const files = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/media/f1/invoice.pdf`;
    try {
      await emailAdapter.send({ ...msg, attachments: [{ url, name: 'invoice.pdf' }] }, { ...sendgridBase, baseUrl: api.baseUrl }, loopback);
      const body = api.requests.at(-1)!.json();
      expect(body.attachments).toEqual([
        { content: pdf.toString('base64'), filename: 'invoice.pdf', type: 'application/pdf', disposition: 'attachment' },
      ]);
      expect(body.content[0].value).toBe('Saturday it is!');
    } finally {
      files.close();
    }
  });

  describe('over SMTP (a local SMTP stand-in on node:net)', () => {
    let smtp: Awaited<ReturnType<typeof startSmtpStandIn>>;
    beforeAll(async () => {
      smtp = await startSmtpStandIn({ user: 'bakery', pass: 'smtp-pass' });
    });
    afterAll(() => smtp.close());
    const config = () => ({
      provider: 'smtp' as const,
      fromAddress: 'Sunny Bakery <hello@bakery.example>',
      smtp: { host: smtp.host, port: smtp.port, secure: false, user: 'bakery', pass: 'smtp-pass' },
    });

    it('authenticates and delivers one mail with threading headers', async () => {
      const result = await emailAdapter.send(msg, config(), loopback);
      expect(result).toEqual({ providerMessageId: 'msg_99@bakery.example', status: 'sent' });
      const mail = smtp.mails.at(-1)!;
      expect(mail).toMatchObject({ from: 'hello@bakery.example', to: ['ada@example.com'], user: 'bakery' });
      expect(mail.data).toMatch(/^Message-ID: <msg_99@bakery\.example>$/m);
      expect(mail.data).toMatch(/^In-Reply-To: <CAF=reply-1@mail\.example\.com>$/m);
      expect(mail.data).toMatch(/^Subject: Re: Your cake order$/m);
      expect(mail.data).toContain('Saturday it is!');
    });

    it('maps SMTP replies: 451 retryable, 550 and bad credentials final, refused connection retryable', async () => {
      await expect(emailAdapter.send({ ...msg, to: 'busy@example.com' }, config(), loopback)).rejects.toMatchObject({
        retryable: true,
        status: 451,
      });
      await expect(emailAdapter.send({ ...msg, to: 'nobody@example.com' }, config(), loopback)).rejects.toMatchObject({
        retryable: false,
        status: 550,
        message: expect.stringContaining('User unknown'),
      });
      await expect(emailAdapter.send(msg, { ...config(), smtp: { ...config().smtp, pass: 'wrong' } }, loopback)).rejects.toMatchObject({
        retryable: false,
        providerCode: 'EAUTH',
      });
      await expect(
        emailAdapter.send(msg, { ...config(), smtp: { ...config().smtp, port: 1 } }, { ...loopback, timeoutMs: 2000 }),
      ).rejects.toMatchObject({ retryable: true });
    });

    it('connects only through the egress guard: a private SMTP host is refused unless opened', async () => {
      const before = smtp.mails.length;
      for (const host of [smtp.host, 'localhost', '2130706433', '169.254.169.254', 'metadata.google.internal']) {
        const error = await emailAdapter.send(msg, { ...config(), smtp: { ...config().smtp, host } }).catch((e: unknown) => e);
        expect(error).toMatchObject({
          retryable: false,
          providerCode: 'egress_refused',
          message: expect.stringMatching(/^SMTP not called: Refused: \S+ is a (private|cloud metadata) address$/),
        });
      }
      expect(smtp.mails.length).toBe(before);
    });

    it('carries files as MIME attachments fetched through the egress guard, dead links as links', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from('\n%%EOF\n')]);
      const files = createHttpServer((req, res) => {
        if (req.url === '/media/f1/invoice.pdf?sig=abc') {
          res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
      try {
        await emailAdapter.send(
          {
            ...msg,
            attachments: [
              { url: `${base}/media/f1/invoice.pdf?sig=abc`, name: 'invoice.pdf', contentType: 'application/pdf' },
              { url: `${base}/gone.png`, name: 'gone.png' },
            ],
          },
          config(),
          loopback,
        );
        const data = smtp.mails.at(-1)!.data;
        const boundary = /boundary="?([^"\r\n;]+)"?/.exec(data)?.[1];
        expect(data).toMatch(/^Content-Type: multipart\/mixed;/m);
        expect(boundary).toBeTruthy();
        const parts = data.split(`--${boundary}`).slice(1, -1);
        const pdfPart = parts.find((part) => /Content-Type: application\/pdf/i.test(part))!;
        expect(pdfPart).toMatch(/Content-Disposition: attachment;\s*filename=invoice\.pdf/i);
        expect(pdfPart).toMatch(/Content-Transfer-Encoding: base64/i);
        const body = pdfPart
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join('')
          .replace(/\s+/g, '');
        expect(Buffer.from(body, 'base64').equals(pdf)).toBe(true);
        const textPart = parts.find((part) => /Content-Type: text\/plain/i.test(part))!;
        expect(textPart).toContain('Saturday it is!');
        expect(textPart).toContain(`gone.png: ${base}/gone.png`);
        expect(textPart).not.toContain('invoice.pdf');
      } finally {
        files.close();
      }
    });

    it('fails retryably when a file host is down, so the delivery is tried again', async () => {
      const files = createHttpServer((_req, res) => res.writeHead(503).end());
      await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/a.pdf`;
      const before = smtp.mails.length;
      try {
        await expect(emailAdapter.send({ ...msg, attachments: [{ url }] }, config(), loopback)).rejects.toMatchObject({ retryable: true });
        expect(smtp.mails.length).toBe(before);
      } finally {
        files.close();
      }
    });

    it('never repeats what a server that is not SMTP sent', async () => {
      const banner = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6p1 build-host-7\r\n')).unref();
      await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
      const port = (banner.address() as AddressInfo).port;
      const error = (await emailAdapter
        .send(msg, { ...config(), smtp: { ...config().smtp, port } }, { ...loopback, timeoutMs: 2000 })
        .catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/^SMTP 127\.0\.0\.1:\d+ refused: /);
      expect(error.message).not.toMatch(/SSH|OpenSSH|build-host/);
      banner.close();
    });
  });
});
