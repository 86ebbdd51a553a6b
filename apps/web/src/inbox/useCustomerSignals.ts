import { useCallback, useEffect, useRef } from 'react';
import { api } from '../api/client';

/** The provider shows "typing…" for a few seconds; one signal per this often keeps it up. */
const TYPING_EVERY_MS = 5_000;

/**
 * Opening a conversation marks the customer's messages read with their channel (WhatsApp,
 * Messenger, Instagram); the returned function, called as the agent types, shows them a typing
 * indicator. Both are courtesies: a channel without them answers `sent: false`, quietly.
 */
export function useCustomerSignals(conversationId: string): () => void {
  const lastTyping = useRef(0);
  useEffect(() => {
    lastTyping.current = 0;
    api.post(`/api/conversations/${conversationId}/read`, {}).catch(() => undefined);
  }, [conversationId]);
  return useCallback(() => {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    api.post(`/api/conversations/${conversationId}/typing`, {}).catch(() => undefined);
  }, [conversationId]);
}
