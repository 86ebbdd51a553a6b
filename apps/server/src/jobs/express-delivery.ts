import { sql } from 'drizzle-orm';
import { enqueueJob } from '@switchboard/db';
import type { AppDeps } from '../context';
import { adapterFor } from '../inbox/adapters';
import { channelCache } from '../inbox/channel-store';
import { DELIVER_MESSAGE_TASK, deliverJobKey, outboundQueue, type OutboundRow } from '../inbox/outbound';
import { buildOutbound, sendAndRecord } from './deliver-message';

/** Channels whose replies are sent right after the step commits; email (SMTP can take minutes) keeps its job. */
export const expressChannel = (channelType: string | undefined) => channelType !== undefined && channelType !== 'email';

export interface ExpressContext {
  channelType: string;
  contactId: string;
  lastInboundAt: Date | null;
}

type ExpressDeps = Pick<AppDeps, 'db' | 'config' | 'events' | 'logger'>;

/**
 * Sends the replies a flow step just committed, from the job that ran the step, instead of through
 * a delivery job of their own: two statements around the provider call instead of a job's claim and
 * completion, three reads and two writes. The delivery job was stored with the message but held back
 * (EXPRESS_GRACE_MS), so a process that dies before sending still gets the reply out, just late.
 *
 * Order per conversation holds: a message is only sent here when no earlier reply of its
 * conversation is still queued (say, one a dead process left behind, or one waiting on a retry).
 * Otherwise it joins the conversation's delivery queue behind them.
 */
export async function expressDeliver(deps: ExpressDeps, messages: OutboundRow[], context: ExpressContext): Promise<void> {
  for (const [i, message] of messages.entries()) {
    let outcome: 'settled' | 'declined' | 'unknown';
    try {
      outcome = await expressOne(deps, message, context);
    } catch (err) {
      // Perhaps sent, perhaps not: its held-back job settles it after the grace period (a resend
      // carries the same message id). Releasing it now could send it twice within milliseconds.
      deps.logger.warn({ err, messageId: message.id }, 'express delivery failed; the delivery job will settle it');
      outcome = 'unknown';
    }
    if (outcome === 'settled') continue;
    // The rest go through the queue too, behind this one, so they cannot overtake it.
    for (const later of messages.slice(outcome === 'declined' ? i : i + 1)) {
      await handToQueue(deps, later).catch((err: unknown) => deps.logger.warn({ err, messageId: later.id }, 'could not release a delivery job'));
    }
    return;
  }
}

/** `settled` when sent, failed for good or rescheduled as a retry; `declined` when left to the job untouched. */
async function expressOne(deps: ExpressDeps, message: OutboundRow, context: ExpressContext): Promise<'settled' | 'declined'> {
  const channel = await channelCache(deps).get(message.channelId);
  const adapter = channel && !channel.deleted ? adapterFor(channel.type) : null;
  const config = adapter?.configSchema.safeParse(channel!.config);
  // Anything unusual (a deleted channel, settings now incomplete) is the delivery job's to explain.
  if (!adapter || !config?.success) return 'declined';

  // The claim counts the attempt before the call, reads the customer's address, and refuses when
  // an earlier reply of the conversation is still queued.
  const claim = await deps.db.execute<{ attempts: number; external_id: string | null }>(sql`
    with claimed as (
      update messages set attempts = attempts + 1
      where id = ${message.id} and status = 'queued'
        and not exists (
          select 1 from messages earlier
          where earlier.conversation_id = ${message.conversationId} and earlier.direction = 'out' and earlier.status = 'queued'
            and not earlier.private and (earlier.created_at, earlier.id) < (${message.createdAt.toISOString()}::timestamptz, ${message.id}::uuid)
        )
      returning attempts
    )
    select claimed.attempts, (
      select external_id from contact_identities
      where contact_id = ${context.contactId} and channel_id = ${message.channelId}
      order by created_at desc limit 1
    ) as external_id
    from claimed`);
  const claimed = claim.rows[0];
  if (!claimed) return 'declined';
  if (!claimed.external_id) {
    // Counted but not sent: give the attempt back and let the job record why it cannot be sent.
    await deps.db.execute(sql`update messages set attempts = attempts - 1 where id = ${message.id}`);
    return 'declined';
  }

  const outbound = await buildOutbound(deps, message, claimed.external_id, context.lastInboundAt, context.channelType);
  const outcome = await sendAndRecord(deps, { adapter, config: config.data, outbound, attempt: claimed.attempts, removeJob: true });
  if (outcome.kind === 'retry') await rescheduleJob(deps, message, new Date(Date.now() + outcome.delayMs));
  return 'settled';
}

/** Moves the held-back job to now, or just behind the conversation's latest pending delivery. */
async function handToQueue(deps: ExpressDeps, message: OutboundRow): Promise<void> {
  const queue = outboundQueue(message.conversationId);
  const latest = await deps.db.execute<{ run_at: string | null }>(sql`
    select max(run_at)::text as run_at from graphile_worker.jobs
    where queue_name = ${queue} and key is distinct from ${deliverJobKey(message.id)} and run_at > now()`);
  const after = latest.rows[0]?.run_at;
  await rescheduleJob(deps, message, after ? new Date(new Date(after).getTime() + 1) : new Date());
}

function rescheduleJob(deps: ExpressDeps, message: OutboundRow, runAt: Date) {
  // Same job key: Graphile replaces the pending job's run_at rather than adding a second one.
  return enqueueJob(deps.db, DELIVER_MESSAGE_TASK, { messageId: message.id }, { queueName: outboundQueue(message.conversationId), jobKey: deliverJobKey(message.id), runAt });
}
