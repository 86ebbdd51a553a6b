import { sql } from 'drizzle-orm';
import type { AppDeps } from '../context';
import { egressFor } from '../egress';
import { adapterFor, ProviderError } from './adapters';
import { channelCache } from './channel-store';
import { publishTyping } from './typing-signals';

export type SignalOutcome = { sent: boolean; reason?: string };

/**
 * Tells the customer, through their channel, that an agent read their messages (blue ticks,
 * "Seen") or is typing. Uses the conversation's latest inbound message (WhatsApp ties both to it).
 * A channel without the signal, or a provider that refuses it, is an answer, not an error: these
 * are courtesies, and the reply itself is what matters.
 */
export async function signalCustomer(
  deps: Pick<AppDeps, 'db' | 'config' | 'events'>,
  workspaceId: string,
  conversationId: string,
  kind: 'read' | 'typing',
  agentUserId?: string | null,
): Promise<SignalOutcome | null> {
  const { rows } = await deps.db.execute<{
    channel_id: string;
    contact_id: string;
    agent_name: string | null;
    external_id: string | null;
    provider_message_id: string | null;
  }>(sql`
    select c.channel_id, c.contact_id,
      (select u.name from users u where u.id = ${agentUserId ?? null}::uuid) as agent_name,
      (select ci.external_id from contact_identities ci where ci.contact_id = c.contact_id and ci.channel_id = c.channel_id order by ci.created_at desc limit 1) as external_id,
      (select m.provider_message_id from messages m where m.conversation_id = c.id and m.direction = 'in' order by m.created_at desc limit 1) as provider_message_id
    from conversations c where c.id = ${conversationId} and c.workspace_id = ${workspaceId}`);
  const row = rows[0];
  if (!row) return null;
  const channel = await channelCache(deps).get(row.channel_id);
  // The website widget is ours: its visitor sees the agent typing through the widget's stream.
  if (channel && !channel.deleted && channel.type === 'webchat' && kind === 'typing') {
    await publishTyping(deps, workspaceId, {
      conversationId,
      channelId: row.channel_id,
      contactId: row.contact_id,
      who: 'agent',
      ...(row.agent_name && { name: row.agent_name }),
    });
    return { sent: true };
  }
  const adapter = channel && !channel.deleted ? adapterFor(channel.type) : null;
  if (!adapter?.signal) return { sent: false, reason: 'This channel has no read receipts or typing indicator' };
  if (!row.external_id) return { sent: false, reason: 'The contact has no address on this channel' };
  const config = adapter.configSchema.safeParse(channel!.config);
  if (!config.success) return { sent: false, reason: 'The channel settings are incomplete' };
  try {
    const sent = await adapter.signal(
      config.data,
      { kind, to: row.external_id, ...(row.provider_message_id && { providerMessageId: row.provider_message_id }) },
      { egress: egressFor(deps.config), timeoutMs: 5_000 },
    );
    return sent ? { sent } : { sent, reason: kind === 'read' ? 'This channel has no read receipts' : 'Nothing to show typing on yet' };
  } catch (err) {
    if (err instanceof ProviderError) return { sent: false, reason: err.message };
    throw err;
  }
}
