import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context';
import { signalCustomer } from '../../inbox/chat-signals';
import { notFound } from '../errors';
import { cookieAuth, errors, IdParam, json } from '../openapi-helpers';
import { createRouter } from '../router';

const Outcome = z.object({ sent: z.boolean(), reason: z.string().optional() }).openapi('ChatSignalOutcome');

const readRoute = createRoute({
  method: 'post',
  path: '/{id}/read',
  tags: ['Conversations'],
  summary: "Mark the customer's messages read with the provider (WhatsApp, Messenger, Instagram)",
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Outcome), ...errors(401, 404) },
});
const typingRoute = createRoute({
  method: 'post',
  path: '/{id}/typing',
  tags: ['Conversations'],
  summary: 'Show the customer that an agent is typing (website chat, WhatsApp, Messenger, Instagram, Telegram)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Outcome), ...errors(401, 404) },
});

export function conversationSignalRoutes(deps: AppDeps) {
  const signal = async (workspaceId: string, id: string, kind: 'read' | 'typing', userId?: string | null) => {
    const outcome = await signalCustomer(deps, workspaceId, id, kind, userId);
    if (!outcome) throw notFound('Conversation');
    return outcome;
  };
  return createRouter()
    .openapi(readRoute, async (c) => c.json(await signal(c.var.auth.workspaceId, c.req.valid('param').id, 'read'), 200))
    .openapi(typingRoute, async (c) =>
      c.json(await signal(c.var.auth.workspaceId, c.req.valid('param').id, 'typing', c.var.auth.userId), 200),
    );
}
