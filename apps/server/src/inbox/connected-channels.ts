import { and, eq, isNull } from 'drizzle-orm';
import { channels, type Executor } from '@switchboard/db';
import type { ConnectedChannel } from '@switchboard/flow';

/**
 * The workspace's connected channels as flow validation needs them: their messaging-window rules
 * come from the type, and for a Twilio number from its public settings (an SMS or WhatsApp
 * sender). Secrets are never read.
 */
export async function connectedChannels(db: Executor, workspaceId: string): Promise<ConnectedChannel[]> {
  return db
    .select({ id: channels.id, type: channels.type, config: channels.config })
    .from(channels)
    .where(and(eq(channels.workspaceId, workspaceId), isNull(channels.deletedAt)));
}
