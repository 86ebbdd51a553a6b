import { z } from 'zod';
import { InboundParseError } from '../../errors';
import { readForm, first, parseWith } from '../../inbound-body';
import { multipartFields, parseMultipart } from '../../multipart';
import { hmac, missing, refused, safeEqual, verified, type VerifyResult } from '../../signatures';
import type { InboundAttachment, InboundEvent, InboundMessageEvent, InboundRequest, VerifyContext } from '../../types';
import type { EmailConfig } from './config';
import {
  decodeEncodedWords,
  fallbackMessageId,
  isAutoReply,
  normalizeMessageId,
  parseHeaderBlock,
  parseMailbox,
  stripQuotedReply,
  threadRefOf,
} from './headers';

const MAX_SKEW_MS = 5 * 60_000;

/** Form or multipart fields of an inbound mail post (Mailgun uses multipart when files are attached). */
export function readEmailFields(req: InboundRequest): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    const parts = parseMultipart(req.rawBody, type);
    const charsets = charsetsOf(parts.find((p) => p.name === 'charsets')?.data.toString('utf8'));
    return multipartFields(parts, (name) => charsets[name] ?? 'utf-8');
  }
  return Object.fromEntries(Object.entries(readForm(req.rawBody)).map(([k, v]) => [k, first(v) ?? '']));
}

function charsetsOf(json: string | undefined): Record<string, string> {
  try {
    const parsed = JSON.parse(json ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const isJson = (req: InboundRequest) => /json/i.test(req.headers['content-type'] ?? '');

const MailgunEvent = z.looseObject({
  signature: z.looseObject({ timestamp: z.string(), token: z.string(), signature: z.string() }),
  'event-data': z.looseObject({
    event: z.string(),
    timestamp: z.number().optional(),
    severity: z.string().optional(),
    message: z.looseObject({ headers: z.looseObject({ 'message-id': z.string().optional() }) }).optional(),
    'delivery-status': z
      .looseObject({ message: z.string().optional(), description: z.string().optional(), code: z.number().optional() })
      .optional(),
  }),
});

/**
 * Mailgun signs `timestamp + token` with the webhook signing key. A stale timestamp or a token
 * seen before is a replay. The nonce is recorded only after the signature checks out, so forged
 * requests cannot burn tokens.
 */
export function verifyMailgun(req: InboundRequest, signingKey: string, ctx: VerifyContext): VerifyResult {
  let timestamp: string | undefined;
  let token: string | undefined;
  let signature: string | undefined;
  if (isJson(req)) {
    const body = safeJson(req.rawBody);
    const sig = (body as { signature?: Record<string, unknown> } | undefined)?.signature;
    [timestamp, token, signature] = [sig?.timestamp, sig?.token, sig?.signature].map((v) => (typeof v === 'string' ? v : undefined));
  } else {
    const fields = readEmailFields(req);
    ({ timestamp, token, signature } = fields);
  }
  if (!timestamp || !token || !signature) return missing('missing Mailgun timestamp, token or signature');
  if (!safeEqual(signature.toLowerCase(), hmac('sha256', signingKey, timestamp + token, 'hex'))) {
    return refused('Mailgun signature does not match');
  }
  const age = Math.abs(ctx.now().getTime() - Number(timestamp) * 1000);
  if (!(age <= MAX_SKEW_MS)) return refused('Mailgun timestamp is more than 5 minutes off: stale or replayed');
  if (ctx.seenNonce?.(`mailgun:${token}`)) return refused('Mailgun token already used: replayed request');
  return verified;
}

/** SendGrid Inbound Parse signs nothing: the inbound URL carries `?secret=`, compared in constant time. */
export function verifySecretQuery(req: InboundRequest, inboundSecret: string | undefined): VerifyResult {
  if (!inboundSecret) return refused('this email channel has no inboundSecret: inbound mail is off');
  const given = req.query.secret;
  if (!given) return missing('missing ?secret= on the inbound URL');
  return safeEqual(given, inboundSecret) ? verified : refused('wrong inbound secret');
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function parseEmailInbound(req: InboundRequest, config: EmailConfig): InboundEvent[] {
  if (isJson(req)) return parseMailgunEvent(req);
  const fields = readEmailFields(req);
  const lower = new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v]));
  const fromMailgun = 'body-plain' in fields || 'stripped-text' in fields || 'message-headers' in fields;
  const event = fromMailgun ? mailgunMessage(fields, lower) : sendgridMessage(fields);
  if (!event) return [];
  event.attachments = emailAttachments(req);
  // Our own mail coming back (a BCC to the inbound route, a forwarding loop) is an echo.
  const ours = parseMailbox(config.fromAddress)?.address;
  return event.externalId === ours ? [] : [event];
}

function mailgunMessage(fields: Record<string, string>, lower: Map<string, string>): InboundMessageEvent | null {
  const listed = mailgunHeaderList(fields['message-headers']);
  const header = (name: string) => lower.get(name) ?? listed.get(name);
  if (isAutoReply(header)) return null;
  const text = fields['stripped-text'] ?? fields['body-plain'] ?? '';
  const subject = fields.subject ?? header('subject');
  return message({
    from: fields.from ?? fields.sender,
    messageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    date: header('date') ?? (fields.timestamp ? new Date(Number(fields.timestamp) * 1000).toUTCString() : undefined),
    subject,
    text,
  });
}

/** `message-headers`: a JSON list of [name, value] pairs; the first of a repeated name wins. */
function mailgunHeaderList(json: string | undefined): Map<string, string> {
  let pairs: unknown;
  try {
    pairs = JSON.parse(json ?? '[]');
  } catch {
    throw new InboundParseError('Mailgun message-headers is not JSON');
  }
  const headers = new Map<string, string>();
  for (const pair of Array.isArray(pairs) ? pairs : []) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') continue;
    const name = pair[0].toLowerCase();
    if (!headers.has(name)) headers.set(name, String(pair[1]));
  }
  return headers;
}

function sendgridMessage(fields: Record<string, string>): InboundMessageEvent | null {
  if (fields.from === undefined && fields.headers === undefined)
    throw new InboundParseError('not an inbound email: no from and no headers');
  const headers = parseHeaderBlock(fields.headers ?? '');
  const header = (name: string) => headers.get(name);
  if (isAutoReply(header)) return null;
  const envelopeFrom = safeEnvelopeFrom(fields.envelope);
  const body = fields.text ?? htmlToText(fields.html ?? '');
  return message({
    from: fields.from ?? header('from') ?? envelopeFrom,
    messageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    date: header('date'),
    subject: fields.subject ?? header('subject'),
    text: stripQuotedReply(body),
  });
}

function message(mail: {
  from: string | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string | undefined;
  date: string | undefined;
  subject: string | undefined;
  text: string;
}): InboundMessageEvent {
  const sender = parseMailbox(mail.from);
  if (!sender) throw new InboundParseError('inbound email without a sender address');
  const date = mail.date ? new Date(mail.date) : undefined;
  const threadRef = threadRefOf(mail.inReplyTo, mail.references);
  return {
    kind: 'message',
    providerMessageId: normalizeMessageId(mail.messageId) ?? fallbackMessageId(sender.address, mail.date, mail.subject, mail.text),
    externalId: sender.address,
    email: sender.address,
    text: mail.text.trim(),
    attachments: [],
    timestamp: date && !Number.isNaN(date.getTime()) ? date : new Date(),
    ...(sender.name && { name: sender.name }),
    ...(mail.subject !== undefined && { subject: decodeEncodedWords(mail.subject) }),
    ...(threadRef && { threadRef }),
  };
}

function safeEnvelopeFrom(envelope: string | undefined): string | undefined {
  const from = (safeJson(Buffer.from(envelope ?? '')) as { from?: unknown } | undefined)?.from;
  return typeof from === 'string' ? from : undefined;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div)\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Mailgun delivery webhooks (JSON): delivered, failed (permanent), opened -> read. */
function parseMailgunEvent(req: InboundRequest): InboundEvent[] {
  const body = parseWith(MailgunEvent, safeJson(req.rawBody), 'Mailgun event');
  const data = body['event-data'];
  const id = normalizeMessageId(data.message?.headers['message-id']) ?? data.message?.headers['message-id'];
  if (!id) return [];
  const timestamp = data.timestamp !== undefined ? new Date(data.timestamp * 1000) : undefined;
  const at = timestamp ? { timestamp } : {};
  if (data.event === 'delivered') return [{ kind: 'status', providerMessageId: id, status: 'delivered', ...at }];
  if (data.event === 'opened') return [{ kind: 'status', providerMessageId: id, status: 'read', ...at }];
  if (data.event === 'failed' && data.severity !== 'temporary') {
    const status = data['delivery-status'];
    const error = [status?.code, status?.description || status?.message].filter(Boolean).join(' ') || 'permanent failure';
    return [{ kind: 'status', providerMessageId: id, status: 'failed', error, ...at }];
  }
  return []; // accepted, temporary failures (Mailgun retries), clicks, complaints
}

/**
 * The files of a multipart mail post (Mailgun's `attachment-N`, SendGrid's `attachmentN`): the
 * parts with a file name. They travel with their bytes (`email-part:N`): the webhook is the only
 * time the server has them, so the server stores them as it stores the message.
 */
function emailAttachments(req: InboundRequest): InboundAttachment[] {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return [];
  return parseMultipart(req.rawBody, type)
    .filter((part) => part.filename !== undefined && part.data.length > 0)
    .slice(0, 10)
    .map((part, i) => ({
      url: `email-part:${i}`,
      name: part.filename!,
      data: part.data,
      ...(part.contentType && { contentType: part.contentType }),
    }));
}
