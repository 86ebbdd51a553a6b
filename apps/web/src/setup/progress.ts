/** Reads the real state behind each step of the setup guide. */
import { api, qs } from '../api/client';
import type { Channel, Conversation, WorkflowSummary } from '../api/types';
import type { SetupRecord } from './guide';

export interface SetupProgress {
  /** The website chat the guide works with (the first one added). */
  webchat: Channel | undefined;
  /** The flow to publish next: the newest one not live yet, else the newest live one. */
  flow: WorkflowSummary | undefined;
  hasFlow: boolean;
  published: boolean;
  /** A conversation arrived through website chat (someone said hello on the preview page or the site). */
  tried: boolean;
  /** The owner opened the inbox once a conversation was there. */
  seen: boolean;
}

export async function loadProgress(record: SetupRecord): Promise<SetupProgress> {
  const [channels, flows] = await Promise.all([
    api.get<{ channels: Channel[] }>('/api/channels').then((r) => r.channels),
    api.get<{ workflows: WorkflowSummary[] }>('/api/workflows').then((r) => r.workflows),
  ]);
  const webchats = channels.filter((c) => c.type === 'webchat').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const conversations = await Promise.all(
    webchats.map((c) =>
      api
        .get<{ conversations: Conversation[] }>(`/api/conversations${qs({ channelId: c.id, limit: '1' })}`)
        .then((r) => r.conversations.length),
    ),
  );
  const newest = [...flows].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const tried = conversations.some((n) => n > 0);
  return {
    webchat: webchats[0],
    flow: newest.find((f) => f.status !== 'active') ?? newest[0],
    hasFlow: flows.length > 0,
    published: flows.some((f) => f.status === 'active'),
    tried,
    seen: tried && !!record.inboxSeenAt,
  };
}
