import { and, asc, eq, isNull } from 'drizzle-orm';
import { channels } from '@switchboard/db';
import type { AppDeps } from '../context';
import { egressFor } from '../egress/index';
import { adapterFor } from '../inbox/adapters';
import { toLoaded } from '../inbox/channel-store';

/**
 * Mails the invitation link through the workspace's email channel, when it has one, with the
 * same adapter that sends replies. Best effort: the admin always gets the link to copy, so a
 * mail that fails is reported as not sent rather than failing the invitation.
 */
export async function mailInvitation(
  deps: Pick<AppDeps, 'db' | 'config' | 'logger'>,
  invitation: { id: string; workspaceId: string; email: string },
  content: { url: string; workspaceName: string; role: string },
): Promise<boolean> {
  const [row] = await deps.db
    .select()
    .from(channels)
    .where(and(eq(channels.workspaceId, invitation.workspaceId), eq(channels.type, 'email'), isNull(channels.deletedAt)))
    .orderBy(asc(channels.createdAt))
    .limit(1);
  const adapter = adapterFor('email');
  if (!row || !adapter) return false;
  try {
    const config = adapter.configSchema.parse(toLoaded(deps.config.appSecret, row).config);
    const text = [
      `You have been invited to join ${content.workspaceName} on Switchboard as ${content.role === 'agent' ? 'an agent' : `an ${content.role}`}.`,
      '',
      `Open this link to accept (it works once, for 7 days):`,
      content.url,
      '',
      'If you did not expect this, you can ignore this message.',
    ].join('\n');
    await adapter.send(
      {
        id: `invitation-${invitation.id}`,
        to: invitation.email,
        text,
        subject: `Join ${content.workspaceName} on Switchboard`,
        windowOpen: true,
      },
      config,
      { timeoutMs: 10_000, egress: egressFor(deps.config) },
    );
    return true;
  } catch (err) {
    deps.logger.warn(
      { invitationId: invitation.id, channelId: row.id, err: err instanceof Error ? err.message : String(err) },
      'invitation mail not sent',
    );
    return false;
  }
}
