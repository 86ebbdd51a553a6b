import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import type { AppDeps } from '../context';
import { adapterFor } from '../inbox/adapters';
import { channelCache } from '../inbox/channel-store';
import { customerAddress, DELIVER_MESSAGE_TASK, deliverJobKey, outboundQueue, type OutboundRow } from '../inbox/outbound';
import type { ExpressClaim } from '../flows/commit-reply-step';
import type { DeferFinalWrite } from './inline-job-statements';
import { buildOutbound, sendAndRecord } from './deliver-message';

/** Channels whose replies are sent right after the step commits; email (SMTP can take minutes) keeps its job. */
export const expressChannel = (channelType: string | undefined) => channelType !== undefined && channelType !== 'email';

/**
 * An express reply still queued this long after it was stored lost its sender (a crash): the sweep
 * gives it a delivery job. Longer than a provider call may take (10 s deadline), so the sweep never
 * races a send in flight.
 */
export const STRANDED_AFTER_MS = 30_000;

export interface ExpressContext {
  channelType: string;
  contactId: string;
  lastInboundAt: Date | null;
  /** A reply the step's own commit already claimed (commitReplyStep): sent without claiming again. */
  claimed?: ExpressClaim | null;
  /** Nothing follows these replies in the job: the last one's outcome may go with the job's completion. */
  deferFinalWrite?: DeferFinalWrite;
}

type ExpressDeps = Pick<AppDeps, 'db' | 'config' | 'events' | 'logger'>;

/**
 * Sends the replies a flow step just committed, from the job that ran the step, instead of through
 * a delivery job each: a claim and an outcome around the provider call instead of adding a job,
 * claiming it, completing it, three reads and two writes (and a reply-only step's commit makes the
 * claim itself, see commitReplyStep). The job that ran the step holds the
 * conversation's queue meanwhile, so one conversation's replies still leave one at a time.
 *
 * Order per conversation holds: a reply is only sent here when no earlier reply of its
 * conversation is still queued (one a dead process left behind, one waiting on a retry).
 * Otherwise this conversation's unsent replies get delivery jobs, in order, behind those.
 */
export async function expressDeliver(deps: ExpressDeps, messages: OutboundRow[], context: ExpressContext): Promise<void> {
  for (const [i, message] of messages.entries()) {
    let outcome: 'settled' | 'declined';
    try {
      outcome = await expressOne(deps, message, context, i === messages.length - 1 ? context.deferFinalWrite : undefined);
    } catch (err) {
      // Perhaps sent, perhaps not (the database failed around the call): the sweep settles this
      // reply and the ones after it, in order, once they are STRANDED_AFTER_MS old. Handing it to
      // a job now could send it twice within milliseconds.
      deps.logger.warn({ err, messageId: message.id }, 'express delivery failed; the sweep will hand it to a delivery job');
      return;
    }
    if (outcome === 'declined') {
      await queueUnsentReplies(deps.db, message.conversationId).catch((err: unknown) => deps.logger.warn({ err, messageId: message.id }, 'could not queue delivery jobs'));
      return;
    }
  }
}

/** `settled` when sent, failed for good or rescheduled as a retry; `declined` when left to a delivery job. */
async function expressOne(deps: ExpressDeps, message: OutboundRow, context: ExpressContext, deferFinalWrite: DeferFinalWrite | undefined): Promise<'settled' | 'declined'> {
  const preclaimed = context.claimed?.messageId === message.id ? context.claimed : undefined;
  const channel = await channelCache(deps).get(message.channelId);
  const adapter = channel && !channel.deleted ? adapterFor(channel.type) : null;
  const config = adapter?.configSchema.safeParse(channel!.config);
  // Anything unusual (a deleted channel, settings now incomplete) is the delivery job's to explain.
  if (!adapter || !config?.success) {
    if (preclaimed) await giveAttemptBack(deps.db, message.id);
    return 'declined';
  }
  const claimed = preclaimed ? { attempts: message.attempts, external_id: preclaimed.to } : await claim(deps.db, message, context);
  if (!claimed) return 'declined';
  if (!claimed.external_id) {
    // Counted but not sent: give the attempt back and let the job record why it cannot be sent.
    await giveAttemptBack(deps.db, message.id);
    return 'declined';
  }

  const outbound = await buildOutbound(deps, message, claimed.external_id, context.lastInboundAt, context.channelType);
  const outcome = await sendAndRecord(deps, { adapter, config: config.data, outbound, attempt: claimed.attempts }, deferFinalWrite);
  if (outcome.kind === 'retry') await queueUnsentReplies(deps.db, message.conversationId, new Date(Date.now() + outcome.delayMs));
  return 'settled';
}

/**
 * Counts the attempt before the call and reads the customer's address; refuses (null) when an
 * earlier reply of the conversation is still queued.
 */
async function claim(db: Executor, message: OutboundRow, context: ExpressContext): Promise<{ attempts: number; external_id: string | null } | undefined> {
  const claim = await db.execute<{ attempts: number; external_id: string | null }>(sql`
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
    select claimed.attempts, (${customerAddress(context.contactId, message.channelId)}) as external_id
    from claimed`);
  return claim.rows[0];
}

async function giveAttemptBack(db: Executor, messageId: string): Promise<void> {
  await db.execute(sql`update messages set attempts = attempts - 1 where id = ${messageId}`);
}

/**
 * Gives every queued reply of a conversation that has no delivery job one, behind the
 * conversation's pending deliveries (and not before `notBefore`), each 1 ms after the one before:
 * get_job orders by priority and run_at only, so jobs with equal run_at could go in any order
 * (a crash test once saw a resent reply arrive after the next one).
 */
export async function queueUnsentReplies(db: Executor, conversationId: string, notBefore = new Date()): Promise<void> {
  const queue = outboundQueue(conversationId);
  await db.execute(sql`
    with after as (
      select greatest(${notBefore.toISOString()}::timestamptz, max(run_at) + interval '1 millisecond') as run_at
      from graphile_worker.jobs where queue_name = ${queue}
    )
    select graphile_worker.add_job(${DELIVER_MESSAGE_TASK}, json_build_object('messageId', m.id), queue_name => ${queue},
             run_at => (select run_at from after) + (m.n - 1) * interval '1 millisecond',
             job_key => ${deliverJobKey('')} || m.id, job_key_mode => 'unsafe_dedupe')
    from (
      select m.id, row_number() over (order by m.created_at, m.id) as n from messages m
      where m.conversation_id = ${conversationId} and m.status = 'queued' and m.direction = 'out' and not m.private
        and not exists (select 1 from graphile_worker._private_jobs j where j.key = ${deliverJobKey('')} || m.id)
    ) m`);
}

/**
 * The sweep: express replies whose sender died before sending (kill -9, lost database) get their
 * delivery jobs, oldest first. Run by every worker process's reaper; job keys keep it to one job each.
 */
export async function queueStrandedReplies(db: Executor): Promise<number> {
  const result = await db.execute<{ conversation_id: string }>(sql`
    select distinct m.conversation_id from messages m
    where m.status = 'queued' and m.direction = 'out' and not m.private
      and m.created_at < now() - make_interval(secs => ${STRANDED_AFTER_MS / 1000})
      and not exists (select 1 from graphile_worker._private_jobs j where j.key = ${deliverJobKey('')} || m.id)
    limit 200`);
  for (const { conversation_id } of result.rows) await queueUnsentReplies(db, conversation_id);
  return result.rows.length;
}
