import { useEffect } from 'react';
import { api } from '../api/client';
import type { Conversation } from '../api/types';
import { useSession } from '../auth/session';
import { guideOpen, saveSetup, setupRecord } from './guide';

/**
 * Ticks the guide's last step: the first time the owner opens the inbox while a conversation is
 * in it. A visit to an empty inbox does not count; the server records the time.
 */
export function InboxVisitRecorder({ path }: { path: string }) {
  const { me, refresh } = useSession();
  const waiting = guideOpen(me) && !setupRecord(me).inboxSeenAt && path.startsWith('/inbox');
  useEffect(() => {
    if (!waiting) return;
    let cancelled = false;
    void (async () => {
      const { conversations } = await api.get<{ conversations: Conversation[] }>('/api/conversations?limit=1');
      if (cancelled || conversations.length === 0) return;
      await saveSetup({ inboxSeen: true });
      await refresh();
    })().catch(() => undefined); // the guide's tick is not worth an error on the inbox
    return () => {
      cancelled = true;
    };
  }, [waiting, path, refresh]);
  return null;
}
