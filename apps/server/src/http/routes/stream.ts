import type { AppDeps } from '../../context';
import { liveFeed } from '../../inbox/live-feed';
import { busEventStream } from '../sse';
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
    return busEventStream(c, (listener) => liveFeed(deps).subscribe(workspaceId, listener), {
      pingMs,
      select: (event) =>
        event.workspaceId === workspaceId && INBOX_EVENTS.has(event.type) ? { event: event.type, data: JSON.stringify(event.data ?? {}) } : null,
    });
  });
  return router;
}
