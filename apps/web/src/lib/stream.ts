/**
 * One EventSource for the whole app (`/api/stream`), shared by every screen that wants live
 * updates. The browser reconnects on its own; screens refetch on `reconnect` to fill the gap.
 */
export type StreamEvent =
  | { type: 'message.created' | 'message.updated'; data: { conversationId: string; message: import('../api/types').Message } }
  | { type: 'conversation.updated'; data: { conversation: import('../api/types').Conversation } }
  | { type: 'conversation.typing'; data: { conversationId: string; who: 'agent' | 'customer'; name?: string } }
  | { type: 'reconnect'; data: null };

type Listener = (event: StreamEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let opened = false;

function emit(event: StreamEvent) {
  listeners.forEach((l) => l(event));
}

function connect() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/stream', { withCredentials: true });
  source.onopen = () => {
    if (opened) emit({ type: 'reconnect', data: null });
    opened = true;
  };
  for (const type of ['message.created', 'message.updated', 'conversation.updated', 'conversation.typing'] as const) {
    source.addEventListener(type, (e) => {
      try {
        emit({ type, data: JSON.parse((e as MessageEvent<string>).data) } as StreamEvent);
      } catch {
        /* a malformed event is skipped; the next refetch repairs the view */
      }
    });
  }
}

export function subscribeStream(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => {
    listeners.delete(listener);
  };
}

export function closeStream() {
  source?.close();
  source = null;
  opened = false;
}
