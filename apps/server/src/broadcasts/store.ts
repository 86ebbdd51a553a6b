import { and, desc, eq, sql } from 'drizzle-orm';
import { broadcasts, channels, type BroadcastTemplate, type Database } from '@switchboard/db';
import { enqueueBroadcastTick } from './queue';
import type { SegmentInput } from './segment';
import { sendRateFor } from './send-rate';

export interface NewBroadcast {
  name: string;
  channelId: string;
  text: string;
  whatsappTemplate?: BroadcastTemplate;
  segment: SegmentInput;
  /** When to start; now when absent. */
  scheduledAt?: Date;
  sendRatePerSecond?: number;
}

export class BroadcastProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Stores a broadcast and queues its first slice for its start time, in one transaction. */
export async function createBroadcast(db: Database, workspaceId: string, userId: string | null, input: NewBroadcast) {
  const [channel] = await db
    .select({ id: channels.id, type: channels.type, config: channels.config, deletedAt: channels.deletedAt })
    .from(channels)
    .where(and(eq(channels.id, input.channelId), eq(channels.workspaceId, workspaceId)));
  if (!channel || channel.deletedAt) throw new BroadcastProblem('channelId', 'No such channel in this workspace');
  if (channel.type === 'webchat')
    throw new BroadcastProblem('channelId', 'Website chat visitors cannot be messaged first; choose another channel');
  if (channel.type === 'whatsapp' && !input.whatsappTemplate) {
    throw new BroadcastProblem(
      'whatsappTemplate',
      'WhatsApp delivers messages to customers who have not written in 24 hours only as an approved template; choose one',
    );
  }
  if (!input.text.trim() && !input.whatsappTemplate) throw new BroadcastProblem('text', 'Write the message to send');
  const scheduledAt = input.scheduledAt ?? new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(broadcasts)
      .values({
        workspaceId,
        channelId: channel.id,
        name: input.name,
        text: input.text,
        whatsappTemplate: input.whatsappTemplate ?? null,
        segment: input.segment,
        sendRatePerSecond: sendRateFor(channel.type, channel.config, input.sendRatePerSecond),
        scheduledAt,
        createdBy: userId,
      })
      .returning();
    await enqueueBroadcastTick(tx, workspaceId, row!.id, scheduledAt);
    return row!;
  });
}

export interface BroadcastProgress {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
}

/**
 * Where each recipient stands: pending, skipped (with its reason), failed, or their message's own
 * status once it left (sent, then delivered and read as the provider reports them).
 */
export const recipientStatus = sql<string>`case
  when r.status in ('pending', 'skipped') then r.status
  when m.status in ('sent', 'delivered', 'read', 'failed') then m.status
  else 'sending' end`;

export async function progressOf(db: Database, workspaceId: string, broadcastIds: string[]): Promise<Map<string, BroadcastProgress>> {
  const result = new Map<string, BroadcastProgress>();
  if (broadcastIds.length === 0) return result;
  const { rows } = await db.execute<{ broadcast_id: string; status: string; n: number }>(sql`
    select r.broadcast_id, ${recipientStatus} as status, count(*)::int as n
    from broadcast_recipients r left join messages m on m.id = r.message_id
    where r.workspace_id = ${workspaceId} and r.broadcast_id in (select jsonb_array_elements_text(${JSON.stringify(broadcastIds)}::jsonb)::uuid)
    group by 1, 2`);
  for (const id of broadcastIds)
    result.set(id, { total: 0, pending: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 });
  for (const row of rows) {
    const progress = result.get(row.broadcast_id)!;
    progress[row.status as keyof BroadcastProgress] += row.n;
    progress.total += row.n;
  }
  return result;
}

export async function listBroadcasts(db: Database, workspaceId: string) {
  return db.select().from(broadcasts).where(eq(broadcasts.workspaceId, workspaceId)).orderBy(desc(broadcasts.createdAt)).limit(200);
}

export async function findBroadcast(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(broadcasts)
    .where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, workspaceId)));
  return row;
}

/** One page of recipients, oldest first, with each one's status and reason. */
export async function recipientsOf(
  db: Database,
  workspaceId: string,
  broadcastId: string,
  opts: { status?: string; after?: string; limit: number },
) {
  const { rows } = await db.execute<{
    id: string;
    contact_id: string;
    name: string | null;
    status: string;
    reason: string | null;
    message_id: string | null;
  }>(sql`
    select * from (
      select r.id, r.contact_id, c.name, ${recipientStatus} as status, coalesce(r.reason, m.error) as reason, r.message_id
      from broadcast_recipients r join contacts c on c.id = r.contact_id left join messages m on m.id = r.message_id
      where r.broadcast_id = ${broadcastId} and r.workspace_id = ${workspaceId} ${opts.after ? sql`and r.id > ${opts.after}::uuid` : sql``}
      order by r.id
    ) page ${opts.status ? sql`where page.status = ${opts.status}` : sql``}
    limit ${opts.limit}`);
  return rows;
}

/** Stops a broadcast: recipients not reached yet are skipped with the reason. */
export async function cancelBroadcast(db: Database, workspaceId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const stopped = await tx.execute(sql`
      update broadcasts set status = 'cancelled', finished_at = now(), updated_at = now()
      where id = ${id} and workspace_id = ${workspaceId} and status in ('scheduled', 'sending') returning id`);
    if (stopped.rows.length === 0) return false;
    await tx.execute(
      sql`update broadcast_recipients set status = 'skipped', reason = 'The broadcast was cancelled' where broadcast_id = ${id} and status = 'pending'`,
    );
    return true;
  });
}
