import type { EgressGuard } from '@switchboard/egress';
import type { z } from 'zod';
import type { ChannelType, OutsideWindow } from './definitions';
import type { VerifyResult } from './signatures';

export type { VerifyResult };

/** What the server hands an adapter for every webhook call, before anything is parsed. */
export interface InboundRequest {
  method: string;
  /** The full public URL the provider called, query string included (Twilio signs it). */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  rawBody: Buffer;
  query: Record<string, string>;
}

export interface InboundAttachment {
  url: string;
  contentType?: string;
  /** The file's name, when the provider gives one (email). */
  name?: string;
  /** The bytes, when they came in the webhook itself (email parts): stored with the message. */
  data?: Buffer;
}

export interface InboundMessageEvent {
  kind: 'message';
  /** Unique per channel: the dedupe key. */
  providerMessageId: string;
  /** The address to reply to, as a string (Telegram chat id, WhatsApp wa_id, email address...). */
  externalId: string;
  name?: string;
  email?: string;
  phone?: string;
  text: string;
  attachments: InboundAttachment[];
  timestamp: Date;
  /** Email only: the Message-ID this one answers (In-Reply-To, else the last References entry). */
  threadRef?: string;
  subject?: string;
  /** The payload of a tapped quick-reply button, when the provider tells one apart from typing. */
  quickReply?: string;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface InboundStatusEvent {
  kind: 'status';
  providerMessageId: string;
  status: DeliveryStatus;
  error?: string;
  timestamp?: Date;
}

/**
 * Messenger reports reads (and some deliveries) as a watermark, not a message id: every message
 * we sent to `externalId` at or before `timestamp` has reached `status`.
 */
export interface InboundWatermarkEvent {
  kind: 'watermark';
  externalId: string;
  status: 'delivered' | 'read';
  timestamp: Date;
}

export type InboundEvent = InboundMessageEvent | InboundStatusEvent | InboundWatermarkEvent;

export interface WhatsAppTemplate {
  /** Meta template name; for Twilio WhatsApp, the Content SID (`HX...`). */
  name: string;
  language: string;
  variables?: string[];
  /** Names of the body's parameters, in the order of `variables` (templates with named parameters). */
  parameterNames?: string[];
  /** The header's media, for a template whose header is an image, a video or a document. */
  headerMedia?: { type: 'image' | 'video' | 'document'; link: string };
  /** A parameter for each button that takes one: a quick reply's payload, a URL button's suffix. */
  buttons?: { subType: 'quick_reply' | 'url'; index: number; value: string }[];
}

/** Tells the customer an agent has read their message, or is typing a reply. */
export interface ChatSignal {
  kind: 'read' | 'typing';
  /** The contact's externalId on this channel. */
  to: string;
  /** The customer's latest message (WhatsApp ties both signals to one). */
  providerMessageId?: string;
}

/** A message template as the provider lists it (WhatsApp Business Management API). */
export interface SyncedTemplate {
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED: only approved templates may be sent. */
  status: string;
  category?: string;
  namedParameters: boolean;
  /** HEADER (format, text), BODY (text with {{1}} or {{name}}), FOOTER, BUTTONS, as the provider gives them. */
  components: Record<string, unknown>[];
}

export interface OutboundAttachment {
  url: string;
  contentType?: string;
  name?: string;
}

export interface OutboundLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export interface OutboundMessage {
  /** Our message id. */
  id: string;
  /** The contact's externalId on this channel. */
  to: string;
  text: string;
  /** One file by link; `attachments`, when set, holds it too (see outboundMedia). */
  mediaUrl?: string;
  /** Files to send, each a link the provider fetches itself, with its type when known. */
  attachments?: OutboundAttachment[];
  /** A place: a location message on WhatsApp and Telegram, a map link elsewhere. */
  location?: OutboundLocation;
  quickReplies?: string[];
  whatsappTemplate?: WhatsAppTemplate;
  /** The customer wrote within the last 24 hours. */
  windowOpen: boolean;
  /** Written by a person (Messenger/Instagram HUMAN_AGENT tag outside the window). */
  humanAgent?: boolean;
  subject?: string;
  /** Email: the Message-ID being answered. */
  inReplyTo?: string;
  statusCallbackUrl?: string;
}

export interface SendResult {
  providerMessageId: string;
  status: 'sent' | 'queued' | 'delivered';
}

export interface SendOptions {
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /**
   * The server's egress guard (EGRESS_ALLOW applied); every call of this send goes through it.
   * Without one, only public addresses can be reached.
   */
  egress?: EgressGuard;
}

export interface VerifyContext {
  now(): Date;
  /** Records a one-time token and tells whether it was seen before (Mailgun replay protection). */
  seenNonce?(nonce: string): boolean;
}

export interface HttpReply {
  status: number;
  body: string;
  contentType: string;
}

export interface MediaContent {
  data: Buffer;
  contentType?: string;
}

export interface ChannelAdapter<C> {
  type: ChannelType;
  label: string;
  configSchema: z.ZodType<C>;
  /** Encrypted at rest by the server and never returned by the API. */
  secretFields: readonly (keyof C & string)[];
  verify(req: InboundRequest, config: C, ctx: VerifyContext): VerifyResult;
  /** Meta's GET verification; null when the request is not one. */
  handshake?(req: InboundRequest, config: C): HttpReply | null;
  /** Events sorted by timestamp, echoes of our own sends dropped. Throws InboundParseError. */
  parseInbound(req: InboundRequest, config: C): InboundEvent[];
  send(msg: OutboundMessage, config: C, opts?: SendOptions): Promise<SendResult>;
  /** The body to answer a verified webhook with, when the provider expects one. */
  inboundAck?(): HttpReply;
  /** The channel type always needs a template once the 24-hour window has closed. */
  requiresTemplateOutsideWindow: boolean;
  /** What may be sent once the 24-hour window has closed (see ChannelDefinition). */
  outsideWindow?: OutsideWindow;
  /** Finer answer for types where it depends on the config (Twilio: WhatsApp senders only). */
  requiresTemplateFor?(config: C): boolean;
  /**
   * Downloads an inbound attachment whose URL needs the channel's credentials (`tg-file:`,
   * `wa-media:`, Twilio media). Null when the URL is not this channel's: fetch it as is.
   */
  fetchMedia?(url: string, config: C, opts?: SendOptions): Promise<MediaContent | null>;
  /**
   * Points the provider's webhook at `webhookUrl` where its API allows it (Telegram setWebhook).
   * Answers true once done, false when the config gives nothing to point (a Twilio channel
   * without its number).
   */
  connect?(config: C, webhookUrl: string, opts?: SendOptions): Promise<boolean>;
  /** Undoes `connect` when the channel is deleted (Telegram deleteWebhook). */
  disconnect?(config: C, opts?: SendOptions): Promise<void>;
  /** Read receipt or typing indicator where the provider has one; false when nothing was sent. */
  signal?(config: C, signal: ChatSignal, opts?: SendOptions): Promise<boolean>;
  /** The channel's message templates, as the provider lists them (WhatsApp). */
  syncTemplates?(config: C, opts?: SendOptions): Promise<SyncedTemplate[]>;
}
