import type { AppDeps } from '../../context';
import { liveFeed } from '../../inbox/live-feed';
import { CONVERSATION_TYPING, withTyping } from '../../inbox/typing-signals';
import { ApiError } from '../errors';
import { busEventStream } from '../sse';
import { StreamSlots } from '../stream-slots';
import { createRouter } from '../router';

/** Bus events the live inbox shows; the rest (cache invalidations...) stay internal. */
const INBOX_EVENTS = new Set(['message.created', 'message.updated', 'conversation.updated', CONVERSATION_TYPING]);
const PING_MS = 25_000;
/** Open streams per session or API key: a few browser tabs, not thousands of sockets. */
export const MAX_STREAMS_PER_HOLDER = 5;

/** `GET /api/stream`: the caller's workspace's inbox events as server-sent events. */
export function streamRoutes(deps: AppDeps, options: { pingMs?: number } = {}) {
  const pingMs = options.pingMs ?? PING_MS;
  const slots = new StreamSlots(MAX_STREAMS_PER_HOLDER);
  const router = createRouter();
  router.get('/', (c) => {
    const { workspaceId, sessionTokenHash, apiKeyId, userId } = c.var.auth;
    const release = slots.take(sessionTokenHash ? `session:${sessionTokenHash}` : apiKeyId ? `key:${apiKeyId}` : `user:${userId}`);
    if (!release) {
      throw new ApiError(
        429,
        'rate_limited',
        `At most ${MAX_STREAMS_PER_HOLDER} live streams may be open per session or API key; close another tab first.`,
        undefined,
        { 'Retry-After': '10' },
      );
    }
    return busEventStream(
      c,
      withTyping(deps, (listener) => liveFeed(deps).subscribe(workspaceId, listener)),
      {
        pingMs,
        onClose: release,
        select: (event) =>
          event.workspaceId === workspaceId && INBOX_EVENTS.has(event.type)
            ? { event: event.type, data: JSON.stringify(event.data ?? {}) }
            : null,
      },
    );
  });
  return router;
}
