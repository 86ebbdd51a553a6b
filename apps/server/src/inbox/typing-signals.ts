import type { AppDeps } from '../context';
import type { BusEvent } from '../events/bus';
import type { Subscribe } from '../http/sse';

/** Bus event: someone in a website-chat conversation is typing (agent → widget, visitor → inbox). */
export const CONVERSATION_TYPING = 'conversation.typing';

export interface TypingSignal {
  conversationId: string;
  channelId: string;
  contactId: string;
  who: 'agent' | 'customer';
  /** The agent's name, shown to the visitor; never set for customers. */
  name?: string;
}

/** How long a typing indicator stays up after a signal; senders repeat well within it. */
export const TYPING_SHOWN_MS = 6_000;
/** One signal per sender per this often reaches the bus, however fast a client posts. */
const MIN_GAP_MS = 2_000;
const MAX_TRACKED = 10_000;

const lastSent = new Map<string, number>();

/** Whether a sender's signal goes out now; repeats inside the gap are dropped, not queued. */
function due(key: string, now = Date.now()): boolean {
  const last = lastSent.get(key);
  if (last !== undefined && now - last < MIN_GAP_MS) return false;
  // Old entries only matter within the gap; a full map is simply started over.
  if (lastSent.size >= MAX_TRACKED) lastSent.clear();
  lastSent.set(key, now);
  return true;
}

/** Announces typing to every process; returns whether it was sent (false when throttled). */
export async function publishTyping(deps: Pick<AppDeps, 'events'>, workspaceId: string, signal: TypingSignal): Promise<boolean> {
  if (!due(`${signal.who}:${signal.conversationId}`)) return false;
  await deps.events.publish({ workspaceId, type: CONVERSATION_TYPING, data: { ...signal } });
  return true;
}

export function typingSignalOf(event: BusEvent): TypingSignal | null {
  return event.type === CONVERSATION_TYPING && event.data ? (event.data as unknown as TypingSignal) : null;
}

/**
 * A subscription that also hears typing signals, straight from the bus: they carry everything a
 * listener shows, so they skip the live feed's database reads.
 */
export function withTyping(deps: Pick<AppDeps, 'events'>, subscribe: Subscribe): Subscribe {
  return (listener) => {
    const offFeed = subscribe(listener);
    const offTyping = deps.events.subscribe((event) => {
      if (event.type === CONVERSATION_TYPING) listener(event);
    });
    return () => {
      offFeed();
      offTyping();
    };
  };
}
