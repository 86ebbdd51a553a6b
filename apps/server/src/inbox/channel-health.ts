import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';

export interface ChannelHealth {
  /** When a customer last wrote on the channel (null: never). */
  lastInboundAt: string | null;
  /** The newest send the provider refused, with its words. */
  lastSendError: { error: string; at: string } | null;
}

/**
 * What a channel card shows of a channel's health, for these channels of one workspace: the last
 * message in (from its conversations, which the workspace index reaches) and the last failed send.
 */
export async function channelHealth(db: Executor, workspaceId: string, ids: string[]): Promise<Map<string, ChannelHealth>> {
  if (!ids.length) return new Map();
  const result = await db.execute<{ id: string; last_in: string | null; error: string | null; error_at: string | null }>(sql`
    select c.id,
      (select max(v.last_inbound_at) from conversations v where v.workspace_id = ${workspaceId} and v.channel_id = c.id)::text as last_in,
      f.error, f.created_at::text as error_at
    from channels c
    left join lateral (
      select m.error, m.created_at from messages m
      where m.channel_id = c.id and m.status = 'failed' and m.direction = 'out'
      order by m.created_at desc limit 1
    ) f on true
    where c.workspace_id = ${workspaceId} and c.id = any(${`{${ids.join(',')}}`}::uuid[])`);
  const iso = (value: string | null) => (value ? new Date(value).toISOString() : null);
  return new Map(
    result.rows.map((r) => [
      r.id,
      { lastInboundAt: iso(r.last_in), lastSendError: r.error_at ? { error: r.error ?? 'Not delivered', at: iso(r.error_at)! } : null },
    ]),
  );
}
