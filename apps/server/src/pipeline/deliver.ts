import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { channels, contactIdentities, conversations, messages } from '@switchboard/db';
import type { AppDeps } from '../context';
import { egressFor } from '../egress';
import { adapterFor, ProviderError, type OutboundMessage } from '../inbox/adapters';
import { toLoaded } from '../inbox/channel-store';
import { locationOf, outboundFiles } from '../media/outbound-files';
import { drawQrCodes } from '../media/qr-code';
import { publishMessageUpdated } from '../inbox/publish';
import { enqueueLater } from '../queue/enqueue';
import { deliveryJob, TASKS } from '../queue/names';

export const DeliverMessagePayload = z.object({ messageId: z.string().uuid() });
export type DeliverMessagePayload = z.infer<typeof DeliverMessagePayload>;

/** Attempts before a message is marked failed, the first one included. */
export const MAX_DELIVERY_ATTEMPTS = 6;
const WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

export type DeliveryOutcome =
  | { kind: 'sent'; providerMessageId: string; status: 'sent' | 'delivered' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'retry'; delayMs: number; error: string; conversationId: string }
  | { kind: 'failed'; error: string };

/** 1 s, 2 s, 4 s... with ±20% jitter, capped at 5 minutes; a provider's Retry-After wins. */
export function retryDelay(attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_BACKOFF_MS);
  const base = Math.min(1000 * 2 ** Math.max(attempt - 1, 0), MAX_BACKOFF_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Sends one queued outbound message through its channel's adapter and records the outcome.
 * Idempotent: a message no longer `queued` is left alone. Passing provider faults come back as
 * `retry` with the delay to wait; the task reschedules itself (honouring Retry-After) instead of
 * leaning on Graphile's own backoff, which knows nothing of the provider's wishes.
 */
export async function deliverMessage(
  deps: Pick<AppDeps, 'db' | 'config' | 'events' | 'logger'>,
  messageId: string,
): Promise<DeliveryOutcome> {
  const { db } = deps;
  // Counted before the call, in the statement that reads what the send needs: a crash mid-send
  // still uses up an attempt, and a message no longer queued matches nothing.
  const [row] = await db
    .update(messages)
    .set({ attempts: sql`${messages.attempts} + 1` })
    .from(channels)
    .where(
      and(
        eq(messages.id, messageId),
        eq(channels.id, messages.channelId),
        eq(messages.direction, 'out'),
        eq(messages.private, false),
        eq(messages.status, 'queued'),
      ),
    )
    .returning({
      message: messages,
      channel: channels,
      lastInboundAt:
        sql`(select ${conversations.lastInboundAt} from ${conversations} where ${conversations.id} = ${messages.conversationId})`.mapWith(
          conversations.lastInboundAt,
        ),
      // The address the customer last wrote from on this channel.
      externalId: sql<string | null>`(
        select ci.external_id from ${contactIdentities} ci join ${conversations} c on c.contact_id = ci.contact_id
         where c.id = ${messages.conversationId} and ci.channel_id = ${messages.channelId}
         order by ci.created_at desc limit 1)`,
    });
  if (!row) return { kind: 'skipped', reason: 'message is not a queued reply' };
  const { message, channel } = row;

  const fail = async (error: string): Promise<DeliveryOutcome> => {
    await db
      .update(messages)
      .set({ status: 'failed', error })
      .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
    await publishMessageUpdated(deps, messageId);
    return { kind: 'failed', error };
  };

  const adapter = adapterFor(channel.type);
  if (channel.deletedAt) return fail('The channel was deleted');
  if (!adapter) return fail(`No adapter for channel type ${channel.type}`);
  if (!row.externalId) return fail('The contact has no address on this channel');

  const config = adapter.configSchema.safeParse(toLoaded(deps.config.appSecret, channel).config);
  if (!config.success) return fail(`The channel settings are incomplete: ${config.error.issues[0]?.message ?? 'invalid'}`);
  const attempt = message.attempts;

  message.attachments = await drawQrCodes(deps, message);
  const outbound = await buildOutbound(deps, message, row.externalId, row.lastInboundAt, channel.type);
  return sendAndRecord(deps, { adapter, config: config.data, outbound, attempt, conversationId: message.conversationId });
}

/** One counted attempt: sends, then records sent, failed, or the error of a retry to come. */
async function sendAndRecord(
  deps: Pick<AppDeps, 'db' | 'config' | 'events' | 'logger'>,
  {
    adapter,
    config,
    outbound,
    attempt,
    conversationId,
  }: {
    adapter: NonNullable<ReturnType<typeof adapterFor>>;
    config: unknown;
    outbound: OutboundMessage;
    attempt: number;
    conversationId: string;
  },
): Promise<DeliveryOutcome> {
  const { db } = deps;
  const messageId = outbound.id;
  const settle = async (set: { status: 'sent' | 'delivered' | 'failed'; providerMessageId?: string; error: string | null }) => {
    await db
      .update(messages)
      .set(set)
      .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
    await publishMessageUpdated(deps, messageId);
  };
  try {
    // Every provider call goes through the process's egress guard (EGRESS_ALLOW applied).
    const result = await adapter.send(outbound, config, { egress: egressFor(deps.config) });
    const status = result.status === 'delivered' ? 'delivered' : 'sent';
    await settle({ status, providerMessageId: result.providerMessageId, error: null });
    return { kind: 'sent', providerMessageId: result.providerMessageId, status };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    if (!err.retryable || attempt >= MAX_DELIVERY_ATTEMPTS) {
      deps.logger.warn({ messageId, attempt, err: err.message }, 'delivery failed');
      await settle({ status: 'failed', error: err.message });
      return { kind: 'failed', error: err.message };
    }
    await db.update(messages).set({ error: err.message }).where(eq(messages.id, messageId));
    return { kind: 'retry', delayMs: retryDelay(attempt, err.retryAfterMs), error: err.message, conversationId };
  }
}

async function buildOutbound(
  deps: Pick<AppDeps, 'db' | 'config'>,
  message: typeof messages.$inferSelect,
  to: string,
  lastInboundAt: Date | null,
  channelType: string,
): Promise<OutboundMessage> {
  const meta = message.meta as Record<string, any>;
  const outbound: OutboundMessage = {
    id: message.id,
    to,
    text: message.text,
    windowOpen: lastInboundAt !== null && Date.now() - lastInboundAt.getTime() < WINDOW_MS,
    humanAgent: message.author === 'agent',
    statusCallbackUrl: `${deps.config.publicUrl}/webhooks/channels/${message.channelId}`,
  };
  const files = outboundFiles(deps.config, message.attachments);
  if (files.length) {
    outbound.attachments = files;
    outbound.mediaUrl = files[0]!.url;
  }
  const location = locationOf(message.meta);
  if (location) outbound.location = location;
  if (message.quickReplies?.length) outbound.quickReplies = message.quickReplies;
  if (meta.whatsappTemplate) outbound.whatsappTemplate = meta.whatsappTemplate;
  if (typeof meta.subject === 'string') outbound.subject = meta.subject;
  if (typeof meta.inReplyTo === 'string') outbound.inReplyTo = meta.inReplyTo;
  if (channelType === 'email' && (!outbound.inReplyTo || !outbound.subject)) {
    // Email: answer the customer's latest mail, in its thread and under its subject.
    const [lastIn] = await deps.db
      .select({ providerMessageId: messages.providerMessageId, meta: messages.meta })
      .from(messages)
      .where(and(eq(messages.conversationId, message.conversationId), eq(messages.direction, 'in')))
      .orderBy(desc(messages.createdAt))
      .limit(1);
    if (lastIn?.providerMessageId) outbound.inReplyTo ??= lastIn.providerMessageId;
    const subject = lastIn?.meta.subject;
    if (typeof subject === 'string' && subject) outbound.subject ??= /^re:/i.test(subject) ? subject : `Re: ${subject}`;
  }
  return outbound;
}

/** The deliver_message task: one delivery attempt, and the next one scheduled when the provider asks for a retry. */
export async function deliverMessageTask(deps: AppDeps, payload: unknown): Promise<void> {
  const { messageId } = DeliverMessagePayload.parse(payload);
  const outcome = await deliverMessage(deps, messageId);
  if (outcome.kind !== 'retry') return;
  deps.logger.info({ messageId, delayMs: outcome.delayMs, err: outcome.error }, 'delivery will retry');
  await enqueueLater(
    deps.db,
    TASKS.deliverMessage,
    { messageId },
    new Date(Date.now() + outcome.delayMs),
    deliveryJob(outcome.conversationId, messageId),
  );
}
