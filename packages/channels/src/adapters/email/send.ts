import nodemailer from 'nodemailer';
import { outboundMedia, withLocationText } from '../../outbound-media';
import type { Socket } from 'node:net';
import { findRefusal } from '@switchboard/egress';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { networkReason, ProviderError, shortReason } from '../../errors';
import { basicAuth, callProvider, field, joinUrl, publicOnly, type ProviderErrorDetail } from '../../http';
import { withChoicesAsText } from '../../render-choices';
import type { OutboundAttachment, OutboundMessage, SendOptions, SendResult } from '../../types';
import { loadAttachments, type MailAttachment } from './attachments';
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
  /** Files carried inside the mail (SMTP, SendGrid); files not among them are links in the text. */
  attachments?: MailAttachment[];
}

/** `linkedFiles`: the files written into the text as links (all of them unless attached). */
export function composeMail(msg: OutboundMessage, config: EmailConfig, linkedFiles: OutboundAttachment[] = outboundMedia(msg)): Mail {
  const from = parseMailbox(config.fromAddress);
  if (!from) throw new ProviderError(`fromAddress "${config.fromAddress}" is not an email address`, { retryable: false });
  // Files as links (each signed for the provider's fetch window), the place as a map link.
  const links = linkedFiles.map((file) => (file.name ? `${file.name}: ${file.url}` : file.url));
  const text = [withChoicesAsText(withLocationText(msg.text, msg.location), msg.quickReplies), ...links].filter(Boolean).join('\n\n');
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

export async function sendEmail(msg: OutboundMessage, config: EmailConfig, opts: SendOptions | undefined): Promise<SendResult> {
  if (config.provider === 'smtp' || config.provider === 'sendgrid') {
    // SMTP mails are built here and SendGrid takes files inline, so files go inside the mail.
    const files = await loadAttachments(outboundMedia(msg), opts);
    const mail = { ...composeMail(msg, config, files.links), attachments: files.attached };
    return config.provider === 'smtp' ? sendSmtp(mail, required(config.smtp, 'smtp'), opts) : sendSendgrid(mail, config, opts);
  }
  // Mailgun takes files only as multipart uploads: they go as links.
  return sendMailgun(composeMail(msg, config), config, opts);
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ProviderError(`email channel is missing ${name}`, { retryable: false, providerCode: 'misconfigured' });
  return value;
}

async function sendMailgun(mail: Mail, config: EmailConfig, opts: SendOptions | undefined): Promise<SendResult> {
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
    ...opts,
    describeError: (body): ProviderErrorDetail => {
      const message = field(body, 'message');
      return typeof message === 'string' ? { message } : {};
    },
  });
  const id = normalizeMessageId(String(field(response.body, 'id') ?? ''));
  return { providerMessageId: id ?? mail.messageId, status: 'queued' };
}

async function sendSendgrid(mail: Mail, config: EmailConfig, opts: SendOptions | undefined): Promise<SendResult> {
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
      ...(mail.attachments?.length && {
        attachments: mail.attachments.map((file) => ({
          content: file.content.toString('base64'),
          filename: file.filename,
          ...(file.contentType && { type: file.contentType }),
          disposition: 'attachment',
        })),
      }),
    }),
    ...opts,
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

/**
 * An SMTP server's reply line ("550 5.1.1 No such user") is its short message; anything else is
 * said in fixed words, since nodemailer's own messages quote whatever the other end sent (a
 * greeting that is not SMTP, an SSH or Redis banner).
 */
function smtpReason(error: SmtpError): string {
  if (error.responseCode !== undefined && error.responseCode >= 200 && error.responseCode < 600 && error.response)
    return shortReason(error.response);
  switch (error.code) {
    case 'EAUTH':
      return 'the login was refused';
    case 'ETIMEDOUT':
      return 'no answer in time';
    case 'EPROTOCOL':
      return 'the server did not speak SMTP';
    case 'ETLS':
      return 'TLS failed';
    case 'EENVELOPE':
      return 'the sender or recipient was refused';
    default:
      return networkReason(error);
  }
}

// Connection-level faults are passing; EAUTH/EENVELOPE without a 4xx reply are configuration.
const retryableSmtpCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

async function sendSmtp(mail: Mail, smtp: SmtpSettings, opts: SendOptions | undefined): Promise<SendResult> {
  const timeout = opts?.timeoutMs ?? 10_000;
  const egress = opts?.egress ?? publicOnly();
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.pass ?? '' } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // nodemailer resolves and connects on its own; handing it a socket the guard opened makes the
    // SMTP host obey the same rule as every HTTP call (TLS is layered on this socket for `secure`).
    getSocket: (_options: unknown, callback: (err: Error | null, socket?: { connection: Socket }) => void) => {
      egress.connect(smtp.host, smtp.port, timeout).then(
        (connection) => callback(null, { connection }),
        (err: Error) => callback(err),
      );
    },
  } as SMTPTransport.Options);
  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.attachments?.length && { attachments: mail.attachments }),
      messageId: `<${mail.messageId}>`,
      ...(mail.inReplyTo && { inReplyTo: `<${mail.inReplyTo}>`, references: [`<${mail.inReplyTo}>`] }),
    });
    return { providerMessageId: normalizeMessageId(info.messageId) ?? mail.messageId, status: 'sent' };
  } catch (err) {
    const error = err as SmtpError;
    const refusal = findRefusal(err);
    if (refusal)
      throw new ProviderError(`SMTP not called: ${refusal.message}`, { retryable: false, providerCode: 'egress_refused', cause: err });
    const reply = error.responseCode;
    const retryable = reply !== undefined ? reply >= 400 && reply < 500 : retryableSmtpCodes.has(error.code ?? '');
    throw new ProviderError(`SMTP ${smtp.host}:${smtp.port} refused: ${smtpReason(error)}`, {
      retryable,
      ...(reply !== undefined && { status: reply }),
      ...(error.code !== undefined && { providerCode: error.code }),
      cause: err,
    });
  } finally {
    transport.close();
  }
}
