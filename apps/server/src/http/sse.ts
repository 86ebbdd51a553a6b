import type { Context } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import type { BusEvent } from '../events/bus';

export interface BusStreamOptions {
  /** The SSE message for a bus event this listener may see, or null to skip it. */
  select: (event: BusEvent) => SSEMessage | null;
  /** Comment line interval that keeps proxies from closing an idle stream. */
  pingMs?: number;
  /** Called once when the stream ends, however it ends (frees the holder's stream slot). */
  onClose?: () => void;
}

/** Starts a subscription to events (the bus, or the live inbox feed); returns how to end it. */
export type Subscribe = (listener: (event: BusEvent) => void) => () => void;

/**
 * Server-sent events fed by a subscription to cross-process events: events are queued as they
 * arrive and written in order; the subscription and the ping timer end with the client.
 */
export function busEventStream(c: Context, subscribe: Subscribe, options: BusStreamOptions) {
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const queue: SSEMessage[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = subscribe((event) => {
      const message = options.select(event);
      if (!message) return;
      queue.push(message);
      wake?.();
    });
    const ping = setInterval(() => void stream.write(': ping\n\n').catch(() => undefined), options.pingMs ?? 25_000);
    const done = new Promise<void>((resolve) => stream.onAbort(resolve));
    try {
      await stream.write(': connected\n\n');
      while (!stream.aborted && !stream.closed) {
        const message = queue.shift();
        if (message) {
          await stream.writeSSE(message);
          continue;
        }
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), done]);
        wake = null;
      }
    } finally {
      clearInterval(ping);
      unsubscribe();
      options.onClose?.();
    }
  });
}
