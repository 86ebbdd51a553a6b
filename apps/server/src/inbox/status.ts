import { sql } from 'drizzle-orm';
import type { AppDeps } from '../context';
import type { InboundStatusEvent, InboundWatermarkEvent } from './adapters';
import { publishMessages } from './publish';

type StatusDeps = Pick<AppDeps, 'db' | 'events' | 'logger'>;

/**
 * Providers deliver status callbacks out of order (a `delivered` after the `read`); a status only
 * ever moves forward. `failed` may follow queued or sent, never a delivered or read message.
 */
const rank = (column: ReturnType<typeof sql>) =>
  sql`(case ${column} when 'queued' then 0 when 'sent' then 1 when 'delivered' then 2 when 'failed' then 2 when 'read' then 3 else 9 end)`;

/** Applies a status callback to our message with that provider id; returns the ids it changed. */
export async function applyStatus(deps: StatusDeps, channelId: string, event: InboundStatusEvent): Promise<string[]> {
  const result = await deps.db.execute<{ id: string }>(sql`
    update messages set
      status = ${event.status},
      error = ${event.status === 'failed' ? (event.error ?? 'The provider reported the message as failed') : null}
    where channel_id = ${channelId}
      and provider_message_id = ${event.providerMessageId}
      and direction = 'out'
      and ${rank(sql`status`)} < ${rank(sql`${event.status}::text`)}
    returning id`);
  const ids = result.rows.map((r) => r.id);
  void publishMessages(deps, 'message.updated', ids);
  return ids;
}

/** Messenger's "everything up to this time was delivered/read", applied to that person's messages. */
export async function applyWatermark(deps: StatusDeps, channelId: string, event: InboundWatermarkEvent): Promise<string[]> {
  const result = await deps.db.execute<{ id: string }>(sql`
    update messages m set status = ${event.status}
    from conversations c, contact_identities ci
    where m.channel_id = ${channelId}
      and m.direction = 'out'
      and m.private = false
      and m.status in ('sent', 'delivered')
      and m.created_at <= ${event.timestamp.toISOString()}::timestamptz
      and c.id = m.conversation_id
      and ci.contact_id = c.contact_id
      and ci.channel_id = m.channel_id
      and ci.external_id = ${event.externalId}
      and ${rank(sql`m.status`)} < ${rank(sql`${event.status}::text`)}
    returning m.id`);
  const ids = result.rows.map((r) => r.id);
  void publishMessages(deps, 'message.updated', ids.slice(0, 50));
  return ids;
}
