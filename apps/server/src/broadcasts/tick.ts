import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import { z } from 'zod';
import type { AppDeps } from '../context';
import { optedOutMessage } from '../consent/opt-outs';
import { DELIVERY_PRIORITY, deliverJobKey, outboundQueue, TASKS } from '../queue/names';
import { enqueueBroadcastTick } from './queue';
import { audienceQuery, type SegmentInput } from './segment';

export const BroadcastTickPayload = z.object({
  workspaceId: z.string().uuid(),
  broadcastId: z.string().uuid(),
  dueAt: z.iso.datetime(),
  /** When the previous slice started: this slice sends for the time since then. */
  previousAt: z.iso.datetime().optional(),
});

/** A slice after a stall sends for at most this long, so a late tick bursts at most 1.5 times the rate. */
const MAX_SLICE_S = 1.5;

/**
 * How many recipients this slice takes: the rate times the seconds since the previous slice
 * started, so the time a tick waits for a worker is made up by the next slice instead of slowing
 * the whole broadcast down; the first slice takes one second's worth.
 */
export function sliceSize(ratePerSecond: number, startedAt: number, previousAt: number | undefined): number {
  if (previousAt === undefined) return ratePerSecond;
  const seconds = Math.min(Math.max((startedAt - previousAt) / 1000, 0), MAX_SLICE_S);
  return Math.max(1, Math.round(ratePerSecond * seconds));
}

type BroadcastRow = {
  id: string;
  workspace_id: string;
  channel_id: string;
  channel_name: string;
  text: string;
  whatsapp_template: Record<string, unknown> | null;
  segment: SegmentInput;
  send_rate_per_second: number;
  status: string;
};

/**
 * broadcast_tick: one slice of a broadcast, about a second's worth. The first slice takes the
 * audience (one recipient row per contact, unique per broadcast: a contact gets the broadcast
 * once; those who opted out are skipped with the reason at once). Each slice claims the pending recipients due since the previous one (sliceSize), skips
 * those who opted out with the reason, and stores the others' messages with their delivery jobs,
 * all in one transaction; then it queues the next slice for one second after this one started. The deliver stage sends each
 * message once (it only sends a message still queued).
 */
export async function broadcastTick(deps: Pick<AppDeps, 'db'>, raw: unknown): Promise<{ claimed: number; done: boolean }> {
  const payload = BroadcastTickPayload.parse(raw);
  const due = new Date(payload.dueAt);
  const wait = due.getTime() - Date.now();
  if (wait > 0) await sleep(Math.min(wait, 1_000));
  const startedAt = Date.now();

  const broadcast = await loadBroadcast(deps.db, payload.workspaceId, payload.broadcastId);
  if (!broadcast || broadcast.status === 'completed' || broadcast.status === 'cancelled') return { claimed: 0, done: true };
  if (broadcast.status === 'scheduled') await takeAudience(deps.db, broadcast);

  const size = sliceSize(broadcast.send_rate_per_second, startedAt, payload.previousAt ? Date.parse(payload.previousAt) : undefined);
  return deps.db.transaction(async (tx) => {
    const claimed = await claimSlice(tx, broadcast, size);
    const left = await tx.execute<{ left: boolean }>(
      sql`select exists (select 1 from broadcast_recipients where broadcast_id = ${broadcast.id} and status = 'pending') as left`,
    );
    if (!left.rows[0]?.left) {
      await tx.execute(
        sql`update broadcasts set status = 'completed', finished_at = now(), updated_at = now() where id = ${broadcast.id} and status = 'sending'`,
      );
      return { claimed, done: true };
    }
    await enqueueBroadcastTick(tx, broadcast.workspace_id, broadcast.id, new Date(startedAt + 1_000), new Date(startedAt));
    return { claimed, done: false };
  });
}

async function loadBroadcast(db: Executor, workspaceId: string, broadcastId: string): Promise<BroadcastRow | undefined> {
  const { rows } = await db.execute<BroadcastRow>(sql`
    select b.id, b.workspace_id, b.channel_id, ch.name as channel_name, b.text, b.whatsapp_template, b.segment, b.send_rate_per_second, b.status
    from broadcasts b join channels ch on ch.id = b.channel_id
    where b.id = ${broadcastId} and b.workspace_id = ${workspaceId}`);
  return rows[0];
}

/** Moves a scheduled broadcast to sending and stores its recipients, once (the status guards it). */
async function takeAudience(db: Executor, broadcast: BroadcastRow): Promise<void> {
  await db.transaction(async (tx) => {
    const started = await tx.execute(
      sql`update broadcasts set status = 'sending', started_at = now(), updated_at = now() where id = ${broadcast.id} and status = 'scheduled' returning id`,
    );
    if (started.rows.length === 0) return;
    await tx.execute(sql`
      insert into broadcast_recipients (workspace_id, broadcast_id, contact_id)
      select ${broadcast.workspace_id}, ${broadcast.id}, audience.id from (${audienceQuery(broadcast.workspace_id, broadcast.channel_id, broadcast.segment)}) as audience
      on conflict (broadcast_id, contact_id) do nothing`);
    // Contacts who opted out are skipped now, so they take no room in the slices; a STOP that
    // arrives during the broadcast is still caught when its recipient's slice comes.
    const optedOut = await tx.execute<{ id: string; keyword: string }>(sql`
      select r.id, o.keyword from broadcast_recipients r
      join contact_opt_outs o on o.contact_id = r.contact_id and o.channel_id = ${broadcast.channel_id}
      where r.broadcast_id = ${broadcast.id}`);
    await skip(
      tx,
      optedOut.rows.map((r) => ({ id: r.id, reason: optedOutMessage(broadcast.channel_name, r.keyword) })),
    );
  });
  broadcast.status = 'sending';
}

async function skip(tx: Executor, recipients: { id: string; reason: string }[]): Promise<void> {
  if (recipients.length === 0) return;
  await tx.execute(sql`
    update broadcast_recipients r set status = 'skipped', reason = x.reason
    from jsonb_to_recordset(${JSON.stringify(recipients)}::jsonb) as x(id uuid, reason text) where r.id = x.id`);
}

/**
 * Claims the slice's recipients (skip locked, so two ticks never take the same one), skips the
 * opted-out with the reason, and for the others finds or opens their conversation on the channel
 * and stores the queued message and its delivery job. Returns how many messages it queued.
 */
async function claimSlice(tx: Executor, broadcast: BroadcastRow, size: number): Promise<number> {
  const picked = await tx.execute<{ id: string; contact_id: string; opted_out: string | null }>(sql`
    select r.id, r.contact_id, o.keyword as opted_out from broadcast_recipients r
    left join contact_opt_outs o on o.contact_id = r.contact_id and o.channel_id = ${broadcast.channel_id}
    where r.broadcast_id = ${broadcast.id} and r.status = 'pending'
    order by r.id limit ${size}
    for update of r skip locked`);
  await skip(
    tx,
    picked.rows
      .filter((r) => r.opted_out !== null)
      .map((r) => ({ id: r.id, reason: optedOutMessage(broadcast.channel_name, r.opted_out!) })),
  );
  const sendable = picked.rows.filter((r) => r.opted_out === null).map((r) => ({ id: r.id, contact_id: r.contact_id }));
  if (sendable.length === 0) return 0;
  const meta = { broadcastId: broadcast.id, ...(broadcast.whatsapp_template && { whatsappTemplate: broadcast.whatsapp_template }) };
  const { rows } = await tx.execute<{ queued: number }>(sql`
    with recipient as (
      select * from jsonb_to_recordset(${JSON.stringify(sendable)}::jsonb) as x(id uuid, contact_id uuid)
    ), existing as (
      select distinct on (cv.contact_id) cv.contact_id, cv.id from conversations cv
      where cv.channel_id = ${broadcast.channel_id} and cv.contact_id in (select contact_id from recipient)
      order by cv.contact_id, cv.created_at desc
    ), opened as (
      -- Resolved: a broadcast does not fill the inbox; the customer's answer reopens it.
      insert into conversations (workspace_id, contact_id, channel_id, status, last_message_at, resolved_at)
      select ${broadcast.workspace_id}, r.contact_id, ${broadcast.channel_id}, 'resolved', now(), now() from recipient r
      where not exists (select 1 from existing e where e.contact_id = r.contact_id)
      returning contact_id, id
    ), target as (
      select r.id as recipient_id, coalesce(e.id, o.id) as conversation_id from recipient r
      left join existing e on e.contact_id = r.contact_id left join opened o on o.contact_id = r.contact_id
    ), message as (
      insert into messages (workspace_id, conversation_id, channel_id, direction, author, text, meta, status)
      select ${broadcast.workspace_id}, t.conversation_id, ${broadcast.channel_id}, 'out', 'bot', ${broadcast.text}, ${JSON.stringify(meta)}::jsonb, 'queued' from target t
      returning id, conversation_id
    ), stamped as (
      update conversations set last_message_at = now(), updated_at = now() where id in (select conversation_id from message)
    ), claimed as (
      update broadcast_recipients r set status = 'sending', message_id = m.id
      from target t join message m on m.conversation_id = t.conversation_id
      where r.id = t.recipient_id
      returning m.id as message_id, m.conversation_id
    ), jobs as (
      select graphile_worker.add_job(${TASKS.deliverMessage}::text, json_build_object('messageId', c.message_id),
               queue_name => ${outboundQueue('')} || c.conversation_id, job_key => ${deliverJobKey('')} || c.message_id,
               run_at => clock_timestamp(), priority => ${DELIVERY_PRIORITY}::int)
      from claimed c
    )
    select count(*)::int as queued from jobs`);
  return rows[0]?.queued ?? 0;
}
