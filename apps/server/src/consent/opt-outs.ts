import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';

/** Why nothing may be sent to this conversation's contact on its channel; null when they have not opted out. */
export async function optOutReason(db: Executor, conversationId: string): Promise<string | null> {
  const { rows } = await db.execute<{ keyword: string; channel: string }>(sql`
    select o.keyword, ch.name as channel from conversations c
    join contact_opt_outs o on o.contact_id = c.contact_id and o.channel_id = c.channel_id
    join channels ch on ch.id = c.channel_id
    where c.id = ${conversationId}`);
  const row = rows[0];
  return row ? optedOutMessage(row.channel, row.keyword) : null;
}

export const optedOutMessage = (channelName: string, keyword: string) =>
  `The contact opted out of messages on ${channelName} (they sent ${keyword})`;

/** A SQL condition: `contactId` opted out on `channelId` (both SQL expressions). */
export const isOptedOut = (contactId: ReturnType<typeof sql>, channelId: ReturnType<typeof sql>) =>
  sql`exists (select 1 from contact_opt_outs o where o.contact_id = ${contactId} and o.channel_id = ${channelId})`;
