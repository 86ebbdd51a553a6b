/**
 * Whether the workspace's AI is connected (its last "Test connection" passed with the settings in
 * force now), for the AI settings page, the AI steps on the canvas and the flow checklist. The
 * checklist opens Settings → AI in another tab: a change there is announced to the app's other
 * tabs, which reload the session, so the editor stops saying "AI not connected" by itself.
 */
import { useEffect } from 'react';
import { useSession } from '../auth/session';

type Refresh = () => Promise<void>;
// One refresh per tab however many AI steps listen: they all hold the session's same function.
const listeners = new Set<Refresh>();
let channel: BroadcastChannel | null | undefined;

function tabs(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('switchboard-ai-settings');
    if (channel) channel.onmessage = () => listeners.forEach((refresh) => void refresh());
  }
  return channel;
}

/** Tells the app's other tabs that the AI settings changed. */
export function announceAiChange(): void {
  tabs()?.postMessage('changed');
}

/** True while the AI is connected; stays current when another tab changes the AI settings. */
export function useAiConnected(): boolean {
  const { me, refresh } = useSession();
  useEffect(() => {
    tabs();
    listeners.add(refresh);
    return () => void listeners.delete(refresh);
  }, [refresh]);
  return Boolean(me.workspace.settings.ai?.testedOkAt);
}
