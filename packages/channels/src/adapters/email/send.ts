import nodemailer from 'nodemailer';
import { ProviderError } from '../../errors';
import { basicAuth, callProvider, field, joinUrl, type ProviderErrorDetail } from '../../http';
import { withChoicesAsText } from '../../render-choices';
import type { OutboundMessage, SendResult } from '../../types';
import type { EmailConfig, SmtpSettings } from './config';
import { domainOf, normalizeMessageId, parseMailbox } from './headers';

const MAILGUN_BASE = 'https://api.mailgun.net';
const SENDGRID_BASE = 'https://api.sendgrid.com';

/** What every provider sends: one plain-text mail with our own Message-ID, threaded when replying. */
interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Without angle brackets; also the providerMessageId, so a customer's reply threads by it. */
  messageId: string;
  inReplyTo?: string;
}

export function composeMail(msg: OutboundMessage, config: EmailConfig): Mail {
  const from = parseMailbox(config.fromAddress);
  if (!from) throw new ProviderError(`fromAddress "${config.fromAddress}" is not an email address`, { retryable: false });
  // Media goes as a link: attaching would mean fetching the file here, on the delivery path.
  const text = withChoicesAsText(msg.text, msg.quickReplies) + (msg.mediaUrl ? `\n\n${msg.mediaUrl}` : '');
  const inReplyTo = normalizeMessageId(msg.inReplyTo);
  return {
    from: config.fromAddress,
    to: msg.to,
    subject: msg.subject ?? (inReplyTo ? 'Re: your message' : `Message from ${from.name ?? domainOf(from.address)}`),
    text,
    messageId: `${msg.id.replace(/[^\w.-]/g, '-')}@${domainOf(from.address)}`,
    ...(inReplyTo && { inReplyTo }),
  };
}

export async function sendEmail(msg: OutboundMessage, config: EmailConfig, timeoutMs: number | undefined): Promise<SendResult> {
  const mail = composeMail(msg, config);
  switch (config.provider) {
    case 'mailgun':
      return sendMailgun(mail, config, timeoutMs);
    case 'sendgrid':
      return sendSendgrid(mail, config, timeoutMs);
    case 'smtp':
      return sendSmtp(mail, required(config.smtp, 'smtp'), timeoutMs);
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ProviderError(`email channel is missing ${name}`, { retryable: false, providerCode: 'misconfigured' });
  return value;
}

async function sendMailgun(mail: Mail, config: EmailConfig, timeoutMs: number | undefined): Promise<SendResult> {
  const form = new URLSearchParams({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text });
  form.set('h:Message-Id', `<${mail.messageId}>`);
  if (mail.inReplyTo) {
    form.set('h:In-Reply-To', `<${mail.inReplyTo}>`);
    form.set('h:References', `<${mail.inReplyTo}>`);
  }
  const domain = required(config.domain, 'domain');
  const response = await callProvider({
    provider: 'Mailgun',
    url: joinUrl(config.baseUrl || MAILGUN_BASE, `/v3/${encodeURIComponent(domain)}/messages`),
    headers: { authorization: basicAuth('api', required(config.apiKey, 'apiKey')), 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    timeoutMs,
    describeError: (body): ProviderErrorDetail => {
      const message = field(body, 'message');
      return typeof message === 'string' ? { message } : {};
    },
  });
  const id = normalizeMessageId(String(field(response.body, 'id') ?? ''));
  return { providerMessageId: id ?? mail.messageId, status: 'queued' };
}

async function sendSendgrid(mail: Mail, config: EmailConfig, timeoutMs: number | undefined): Promise<SendResult> {
  const from = parseMailbox(mail.from)!;
  const headers: Record<string, string> = { 'Message-ID': `<${mail.messageId}>` };
  if (mail.inReplyTo) {
    headers['In-Reply-To'] = `<${mail.inReplyTo}>`;
    headers.References = `<${mail.inReplyTo}>`;
  }
  await callProvider({
    provider: 'SendGrid',
    url: joinUrl(config.baseUrl || SENDGRID_BASE, '/v3/mail/send'),
    headers: { authorization: `Bearer ${required(config.apiKey, 'apiKey')}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      personalizations: [{ to: [{ email: mail.to }] }],
      from: { email: from.address, ...(from.name && { name: from.name }) },
      subject: mail.subject,
      content: [{ type: 'text/plain', value: mail.text }],
      headers,
    }),
    timeoutMs,
    describeError: (body): ProviderErrorDetail => {
      const errors = field(body, 'errors');
      if (!Array.isArray(errors)) return {};
      const messages = errors.map((e) => {
        const at = field(e, 'field');
        return `${String(field(e, 'message'))}${typeof at === 'string' && at ? ` (${at})` : ''}`;
      });
      return { message: messages.join('; ') };
    },
  });
  // 202 with an X-Message-Id that is SendGrid's, not the mail's: replies thread by our Message-ID.
  return { providerMessageId: mail.messageId, status: 'queued' };
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

// Connection-level faults are passing; EAUTH/EENVELOPE without a 4xx reply are configuration.
const retryableSmtpCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

async function sendSmtp(mail: Mail, smtp: SmtpSettings, timeoutMs: number | undefined): Promise<SendResult> {
  const timeout = timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.pass ?? '' } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<${mail.messageId}>`,
      ...(mail.inReplyTo && { inReplyTo: `<${mail.inReplyTo}>`, references: [`<${mail.inReplyTo}>`] }),
    });
    return { providerMessageId: normalizeMessageId(info.messageId) ?? mail.messageId, status: 'sent' };
  } catch (err) {
    const error = err as SmtpError;
    const reply = error.responseCode;
    const retryable = reply !== undefined ? reply >= 400 && reply < 500 : retryableSmtpCodes.has(error.code ?? '');
    throw new ProviderError(`SMTP ${smtp.host}:${smtp.port} refused: ${error.response ?? error.message}`, {
      retryable,
      ...(reply !== undefined && { status: reply }),
      ...(error.code !== undefined && { providerCode: error.code }),
      cause: err,
    });
  } finally {
    transport.close();
  }
}
