import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { conversations, messages, type Executor } from '@switchboard/db';
import type { AppDeps } from '../context';
import type { InboundEvent, InboundMessageEvent } from '../inbox/adapters';
import { upsertContactIdentity } from '../inbox/contacts';
import { openConversation } from '../inbox/open-conversation';
import { publishConversationUpdated, publishMessageCreated } from '../inbox/publish';
import { applyStatus, applyWatermark } from '../inbox/status';
import { addJob, firstJobOf } from '../queue/enqueue';
import { conversationQueue, routeJobKey, TASKS } from '../queue/names';
import { storeInlineParts } from '../media/inline-parts';

/** The channel an inbound event arrived on. */
export interface IngestChannel {
  id: string;
  workspaceId: string;
  type: string;
}

export interface IngestOptions {
  /** Widget messages carry the browser's id so a resend returns the first copy. */
  clientId?: string;
}

export interface IngestResult {
  /** The stored message (or, for a duplicate, the one stored the first time); null for status events. */
  messageId: string | null;
  conversationId: string | null;
  /** The provider sent this message before: nothing was stored and no job was added. */
  duplicate: boolean;
}

/** Payload of the `route_event` job added for every new inbound message. */
export interface RouteEventPayload {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  contactId: string;
  channelId: string;
  kind: 'message';
  isFirstMessage: boolean;
  conversationOpened: boolean;
}

// With the config, files that came inside the webhook (email parts) are stored with the message.
type IngestDeps = Pick<AppDeps, 'db' | 'events' | 'logger'> & Partial<Pick<AppDeps, 'config'>>;

/** A redelivery: the provider's message id is stored already, so the transaction rolls back. */
class DuplicateMessage extends Error {}

type Stored = { messageId: string; conversationId: string };

/**
 * Stores one verified inbound event. A message is written in ONE transaction with its contact
 * identity, its conversation and its `route_event` job, so a webhook that got a 2xx is never lost;
 * a redelivery (same provider id) stores nothing and adds no job. Status events move a message's
 * status forward only.
 */
export async function storeInbound(
  deps: IngestDeps,
  channel: IngestChannel,
  event: InboundEvent,
  options: IngestOptions = {},
): Promise<IngestResult> {
  if (event.kind === 'status') {
    const ids = await applyStatus(deps, channel.id, event);
    return { messageId: ids[0] ?? null, conversationId: null, duplicate: false };
  }
  if (event.kind === 'watermark') {
    await applyWatermark(deps, channel.id, event);
    return { messageId: null, conversationId: null, duplicate: false };
  }

  // A redelivery is caught by the message's unique (channel, provider id) inside the transaction,
  // which then rolls back: no read ahead of every new message for the rare duplicate.
  const clean = storable(withWebAttachmentsOnly(event, deps.logger, channel.id, channel.type));
  const duplicate = async (): Promise<IngestResult> => {
    const first = await findByProviderId(deps.db, channel.id, clean.providerMessageId);
    return { messageId: first?.messageId ?? null, conversationId: first?.conversationId ?? null, duplicate: true };
  };
  let stored: Stored;
  try {
    stored = await deps.db.transaction((tx) => storeMessage(tx, channel, clean, options));
  } catch (err) {
    if (!(err instanceof DuplicateMessage)) throw err;
    return duplicate();
  }
  // An email's files came in this request: stored now, the only time their bytes are here.
  if (deps.config && event.attachments.some((a) => a.data))
    await storeInlineParts({ db: deps.db, config: deps.config }, stored.messageId, event.attachments);
  // After commit and off the webhook's critical path: the live inbox, not the provider, waits for these.
  void publishMessageCreated(deps, stored.messageId)
    .then(() => publishConversationUpdated(deps, channel.workspaceId, stored.conversationId))
    .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'live inbox update not published'));
  return { messageId: stored.messageId, conversationId: stored.conversationId, duplicate: false };
}

function inboundMeta(event: InboundMessageEvent): Record<string, unknown> {
  return {
    ...(event.subject !== undefined && { subject: event.subject }),
    ...(event.quickReply !== undefined && { quickReply: event.quickReply }),
    ...(event.threadRef !== undefined && { inReplyTo: event.threadRef }),
    providerTimestamp: event.timestamp.toISOString(),
  };
}

// The 24-hour window counts from when the customer wrote, never from the future.
const sentAtOf = (event: InboundMessageEvent) => new Date(Math.min(event.timestamp.getTime(), Date.now()));

// Postgres text cannot hold U+0000 (error 22021) and jsonb refuses a lone surrogate: a message
// holding one would be refused on every redelivery, so the NUL is dropped and the surrogate
// becomes U+FFFD rather than the message being lost. A timestamp Postgres cannot hold (year 0,
// before the epoch, not a date) is replaced by the time it arrived.
const NUL = /\u0000/g;
const MEDIA_REFERENCE: Record<string, RegExp> = {
  whatsapp: /^wa-media:[\w.-]+$/,
  telegram: /^tg-file:[\w-]+$/,
  webchat: /^upload:[0-9a-f-]{36}$/,
  email: /^email-part:\d+$/,
};
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function storable<T extends InboundMessageEvent>(event: T): T {
  const strip = (v: string | undefined) => (v === undefined ? v : v.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD'));
  return {
    ...event,
    text: strip(event.text) ?? '',
    name: strip(event.name),
    subject: strip(event.subject),
    externalId: strip(event.externalId) ?? '',
    providerMessageId: strip(event.providerMessageId) ?? '',
    timestamp: event.timestamp instanceof Date && event.timestamp.getTime() >= 0 ? event.timestamp : new Date(),
    ...(event.quickReply !== undefined && { quickReply: strip(event.quickReply) }),
    ...(event.threadRef !== undefined && { threadRef: strip(event.threadRef) }),
  };
}

/**
 * Attachment links are shown to agents and handed to flows: only http(s) ones are kept. A
 * `javascript:` or `data:` link from a customer is dropped from the message (which is still
 * stored, so the provider does not redeliver it) and the drop is logged.
 */
function withWebAttachmentsOnly<T extends InboundMessageEvent>(
  event: T,
  logger: IngestDeps['logger'],
  channelId: string,
  channelType: string,
): T {
  const attachments = event.attachments ?? [];
  if (!attachments.length) return event;
  const kept: InboundMessageEvent['attachments'] = [];
  for (const a of attachments) {
    // Only the link and its type: a stored-file id (mediaId) is the server's to set, never a sender's.
    const url = webUrl(a?.url) ?? providerReference(a?.url, channelType);
    if (url) {
      kept.push({
        url,
        ...(typeof a.contentType === 'string' && { contentType: a.contentType.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD') }),
        ...(typeof a.name === 'string' && {
          name: Array.from(a.name.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD')).slice(0, 120).join(''),
        }),
      });
    }
  }
  if (kept.length < attachments.length)
    logger.warn({ channelId, dropped: attachments.length - kept.length }, 'dropped inbound attachments whose links are not http(s)');
  return { ...event, attachments: kept };
}

/** A file reference the channel's own adapter made (downloaded later by media/fetch-inbound.ts). */
function providerReference(value: unknown, channelType: string): string | null {
  if (typeof value !== 'string' || value.length > 512) return null;
  return MEDIA_REFERENCE[channelType]?.test(value) ? value : null;
}

/** The link in its canonical form (control characters encoded) when it is http(s), else null. */
function webUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 4_096) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

async function findByProviderId(db: Executor, channelId: string, providerMessageId: string) {
  const [row] = await db
    .select({ messageId: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, providerMessageId)))
    .limit(1);
  return row ?? null;
}

async function storeMessage(tx: Executor, channel: IngestChannel, event: InboundMessageEvent, options: IngestOptions): Promise<Stored> {
  const { contactId } = await upsertContactIdentity(tx, channel.workspaceId, channel.id, event);
  const conversation = await openConversation(tx, channel, contactId, event);

  // The message, its conversation's stamps and its jobs in one statement: the writes depend on the
  // message being new (a redelivery inserts nothing, so nothing else is written either).
  const messageId = randomUUID();
  const sentAt = sentAtOf(event);
  const payload: RouteEventPayload = {
    workspaceId: channel.workspaceId,
    conversationId: conversation.id,
    messageId,
    contactId,
    channelId: channel.id,
    kind: 'message',
    isFirstMessage: conversation.created,
    conversationOpened: conversation.created || conversation.reopened,
  };
  // Files are copied into the media store by a job of their own: providers' links expire.
  const media = event.attachments.length
    ? sql`, (select count(*) from (select ${addJob(TASKS.mediaFetch, { messageId }, { ...firstJobOf(`media:${messageId}`), maxAttempts: 8 })} from message) m)`
    : sql``;
  const { rows } = await tx.execute<{ id: string | null; jobs: number }>(sql`
    with message as (
      insert into messages (id, workspace_id, conversation_id, channel_id, direction, author, text, attachments, meta, provider_message_id, client_id, status)
      values (${messageId}, ${channel.workspaceId}, ${conversation.id}, ${channel.id}, 'in', 'contact', ${event.text}, ${JSON.stringify(event.attachments)}::jsonb,
              ${JSON.stringify(inboundMeta(event))}::jsonb, ${event.providerMessageId}, ${options.clientId ?? null}, 'received')
      on conflict do nothing
      returning id
    ), stamped as (
      update conversations set
        last_message_at = greatest(last_message_at, now()),
        last_inbound_at = greatest(last_inbound_at, ${sentAt.toISOString()}::timestamptz),
        waiting_since = coalesce(waiting_since, now()), updated_at = now()
      where id = ${conversation.id} and exists (select 1 from message)
    )
    select (select id from message) as id,
           (select count(*) from (select ${addJob(TASKS.routeEvent, payload, { queueName: conversationQueue(conversation.id), ...firstJobOf(routeJobKey(messageId)) })} from message) j)::int as jobs${media}`);
  if (!rows[0]?.id) throw new DuplicateMessage();
  return { messageId, conversationId: conversation.id };
}
