import { useEffect, useState } from 'react';
import { subscribeStream } from '../lib/stream';

/** The customer's typing shows this long after their last signal (the widget repeats every 4 s). */
const SHOWN_MS = 6_000;

/**
 * "Customer is typing…" under the thread while the website visitor types. Their message, when it
 * arrives, ends it.
 */
export function CustomerTyping({ conversationId }: { conversationId: string }) {
  const [typing, setTyping] = useState(false);
  useEffect(() => {
    setTyping(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribeStream((event) => {
      if (event.type === 'conversation.typing' && event.data.conversationId === conversationId && event.data.who === 'customer') {
        clearTimeout(timer);
        setTyping(true);
        timer = setTimeout(() => setTyping(false), SHOWN_MS);
      } else if (
        event.type === 'message.created' &&
        event.data.conversationId === conversationId &&
        event.data.message.direction === 'in'
      ) {
        clearTimeout(timer);
        setTyping(false);
      }
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [conversationId]);
  return typing ? (
    <p className="muted small customer-typing" role="status" data-testid="customer-typing">
      Customer is typing…
    </p>
  ) : null;
}
