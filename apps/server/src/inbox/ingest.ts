import { and, desc, eq, sql } from 'drizzle-orm';
import { conversations, messages, type Executor } from '@switchboard/db';
import type { AppDeps } from '../context';
import { ADDED_JOB_COLUMNS, addJobCtes, type AddedJob, type JobTaker } from '../jobs/inline-job-statements';
import { conversationQueue } from '../flows/queues';
import { inboundMeta, ROUTE_EVENT_TASK, sentAtOf, storeInOpenConversation, storeNewCustomer, type IngestChannel, type IngestOptions, type Stored } from './store-inbound';

export type { IngestChannel, IngestOptions, Stored } from './store-inbound';
import type { InboundEvent, InboundMessageEvent } from './adapters';
import { upsertContactIdentity } from './contacts';
import { publishConversationUpdated, publishMessageCreated } from './publish';
import { applyStatus, applyWatermark } from './status';

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
  /**
   * What routing needs to know, as the message was stored (a known customer writing a short text):
   * routing then claims the message and starts its runs in one statement, guarded by these still
   * being true (see routeMessageToRuns), instead of reading them first.
   */
  hints?: { text: string; handledBy: 'bot' | 'human'; channelType: string } | null;
}

type IngestDeps = Pick<AppDeps, 'db' | 'events' | 'logger' | 'inlineJobs'>;

/** A stored message, and the route_event job this process locked to run itself (if it did). */
class DuplicateMessage extends Error {}

/**
 * Stores one verified inbound event. A message is written in ONE transaction with its contact
 * identity, its conversation and its `route_event` job, so a webhook that got a 2xx is never lost;
 * a redelivery (same provider id) stores nothing and adds no job. Status events move a message's
 * status forward only.
 */
export async function ingestInbound(deps: IngestDeps, channel: IngestChannel, event: InboundEvent, options: IngestOptions = {}): Promise<IngestResult> {
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
  const clean = storable(withWebAttachmentsOnly(event, deps.logger, channel.id));
  const duplicate = async (): Promise<IngestResult> => {
    const first = await findByProviderId(deps.db, channel.id, clean.providerMessageId);
    return { messageId: first?.messageId ?? null, conversationId: first?.conversationId ?? null, duplicate: true };
  };
  let stored: Stored;
  // Room in this process's inline jobs, taken before the statement that may lock a job for it.
  const inline = deps.inlineJobs;
  const taker = inline ? await inline.taker() : null;
  const dropped = () => taker && inline?.dropped(taker);
  try {
    // Email threads by In-Reply-To, so it always takes the transaction.
    // The flow context is read with the message only for a job this process will run (it travels in memory).
    const withContext = taker?.lock === true;
    let quick = channel.type === 'email' ? null : await storeInOpenConversation(deps.db, channel, clean, options, taker, { withContext });
    if (quick === 'duplicate') {
      dropped();
      return duplicate();
    }
    if (quick === 'new') quick = await storeNewCustomer(deps.db, channel, clean, options, taker, { withContext });
    stored = quick ?? (await deps.db.transaction((tx) => storeMessage(tx, channel, clean, options, taker)));
  } catch (err) {
    dropped();
    if (!(err instanceof DuplicateMessage)) throw err;
    return duplicate();
  }
  if (taker) inline?.added(ROUTE_EVENT_TASK, stored.job, taker, stored.context ?? undefined);
  // After commit and off the webhook's critical path: the live inbox, not the provider, waits for these.
  void publishMessageCreated(deps, stored.messageId)
    .then(() => publishConversationUpdated(deps, channel.workspaceId, stored.conversationId))
    .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'live inbox update not published'));
  return { messageId: stored.messageId, conversationId: stored.conversationId, duplicate: false };
}

// Postgres text cannot hold U+0000 (error 22021) and jsonb refuses a lone surrogate: a message
// holding one would be refused on every redelivery, so the NUL is dropped and the surrogate
// becomes U+FFFD rather than the message being lost. A timestamp Postgres cannot hold (year 0,
// before the epoch, not a date) is replaced by the time it arrived.
const NUL = /\u0000/g;
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
function withWebAttachmentsOnly<T extends InboundMessageEvent>(event: T, logger: IngestDeps['logger'], channelId: string): T {
  const attachments = event.attachments ?? [];
  if (!attachments.length) return event;
  const kept: InboundMessageEvent['attachments'] = [];
  for (const a of attachments) {
    const url = webUrl(a?.url);
    if (url) kept.push({ ...a, url, ...(typeof a.contentType === 'string' && { contentType: a.contentType.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD') }) });
  }
  if (kept.length < attachments.length) logger.warn({ channelId, dropped: attachments.length - kept.length }, 'dropped inbound attachments whose links are not http(s)');
  return { ...event, attachments: kept };
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

async function storeMessage(tx: Executor, channel: IngestChannel, event: InboundMessageEvent, options: IngestOptions, taker: JobTaker | null): Promise<Stored> {
  const { contactId } = await upsertContactIdentity(tx, channel.workspaceId, channel.id, event);
  const conversation = await openConversation(tx, channel, contactId, event);

  const [message] = await tx
    .insert(messages)
    .values({
      workspaceId: channel.workspaceId,
      conversationId: conversation.id,
      channelId: channel.id,
      direction: 'in',
      author: 'contact',
      text: event.text,
      attachments: event.attachments,
      meta: inboundMeta(event),
      providerMessageId: event.providerMessageId,
      clientId: options.clientId ?? null,
      status: 'received',
    })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  if (!message) throw new DuplicateMessage();

  const sentAt = sentAtOf(event);
  await tx
    .update(conversations)
    .set({
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, now())`,
      lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${sentAt.toISOString()}::timestamptz)`,
      waitingSince: sql`coalesce(${conversations.waitingSince}, now())`,
      updatedAt: sql`now()`,
    })
    .where(eq(conversations.id, conversation.id));

  const payload: RouteEventPayload = {
    workspaceId: channel.workspaceId,
    conversationId: conversation.id,
    messageId: message.id,
    contactId,
    channelId: channel.id,
    kind: 'message',
    isFirstMessage: conversation.created,
    conversationOpened: conversation.created || conversation.reopened,
  };
  const job = await tx.execute<AddedJob>(sql`
    with ${addJobCtes(ROUTE_EVENT_TASK, sql`(select ${JSON.stringify(payload)}::json as payload, ${conversationQueue(conversation.id)}::text as queue_name) as source`, taker)}
    select ${ADDED_JOB_COLUMNS}`);
  return { messageId: message.id, conversationId: conversation.id, job: job.rows[0] };
}

/**
 * The conversation a new inbound message belongs to: one per customer and channel, reopened when
 * resolved; email threads by In-Reply-To, and a fresh email (no In-Reply-To) starts a new one.
 */
export async function openConversation(
  tx: Executor,
  channel: IngestChannel,
  contactId: string,
  event: Pick<InboundMessageEvent, 'threadRef' | 'providerMessageId'> = { providerMessageId: '' },
): Promise<{ id: string; created: boolean; reopened: boolean }> {
  const isEmail = channel.type === 'email';
  let found: typeof conversations.$inferSelect | undefined;
  if (isEmail && event.threadRef) {
    const [byMessage] = await tx
      .select({ conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, event.threadRef), eq(conversations.contactId, contactId)))
      .limit(1);
    found = byMessage?.conversation;
    if (!found) {
      [found] = await tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.channelId, channel.id), eq(conversations.contactId, contactId), eq(conversations.threadRef, event.threadRef)))
        .limit(1);
    }
  }
  if (!found && !(isEmail && event.providerMessageId)) {
    [found] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.contactId, contactId), eq(conversations.channelId, channel.id)))
      .orderBy(desc(conversations.createdAt))
      .limit(1)
      .for('update');
  }
  if (found) {
    if (found.status === 'open') return { id: found.id, created: false, reopened: false };
    const reopened = found.status === 'resolved';
    await tx
      .update(conversations)
      .set({
        status: 'open',
        resolvedAt: null,
        // A customer coming back after a resolved conversation starts with the bot again.
        ...(reopened && { handledBy: 'bot' as const }),
        updatedAt: sql`now()`,
      })
      .where(eq(conversations.id, found.id));
    return { id: found.id, created: false, reopened };
  }
  const [created] = await tx
    .insert(conversations)
    .values({
      workspaceId: channel.workspaceId,
      contactId,
      channelId: channel.id,
      status: 'open',
      threadRef: isEmail ? (event.threadRef ?? event.providerMessageId) || null : null,
      lastMessageAt: sql`now()`,
    })
    .returning({ id: conversations.id });
  return { id: created!.id, created: true, reopened: false };
}
