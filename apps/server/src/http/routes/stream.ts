import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../../context';
import type { BusEvent } from '../../events/bus';
import { createRouter } from '../router';

/** Bus events the live inbox shows; the rest (cache invalidations...) stay internal. */
const INBOX_EVENTS = new Set(['message.created', 'message.updated', 'conversation.updated']);
const PING_MS = 25_000;

/** `GET /api/stream`: the caller's workspace's inbox events as server-sent events. */
export function streamRoutes(deps: AppDeps, options: { pingMs?: number } = {}) {
  const pingMs = options.pingMs ?? PING_MS;
  const router = createRouter();
  router.get('/', (c) => {
    const { workspaceId } = c.var.auth;
    c.header('Cache-Control', 'no-cache, no-transform');
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: BusEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.events.subscribe((event) => {
        if (event.workspaceId !== workspaceId || !INBOX_EVENTS.has(event.type)) return;
        queue.push(event);
        wake?.();
      });
      const ping = setInterval(() => void stream.write(': ping\n\n').catch(() => undefined), pingMs);
      const done = new Promise<void>((resolve) => stream.onAbort(resolve));
      try {
        await stream.write(': connected\n\n');
        while (!stream.aborted && !stream.closed) {
          const event = queue.shift();
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data ?? {}) });
            continue;
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), done]);
          wake = null;
        }
      } finally {
        clearInterval(ping);
        unsubscribe();
      }
    });
  });
  return router;
}
