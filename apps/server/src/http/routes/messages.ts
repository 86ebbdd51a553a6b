import { createRoute } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { messages } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { enqueue } from '../../queue/enqueue';
import { deliveryJob, TASKS } from '../../queue/names';
import { loadMessages } from '../../inbox/present';
import { mediaLinks } from '../../media/attachment-view';
import { publishMessageUpdated } from '../../inbox/publish';
import { audit } from '../../services/audit';
import { conflict, notFound } from '../errors';
import { cookieAuth, errors, IdParam, json } from '../openapi-helpers';
import { createRouter } from '../router';
import { MessageSchema } from './inbox-schemas';

const retryRoute = createRoute({
  method: 'post',
  path: '/{id}/retry',
  tags: ['Inbox'],
  summary: 'Send a failed message again',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(MessageSchema), ...errors(401, 404, 409) },
});

export function messageRoutes(deps: AppDeps) {
  const { db } = deps;
  return createRouter().openapi(retryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { workspaceId } = c.var.auth;
    const requeued = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(messages)
        .set({ status: 'queued', error: null, attempts: 0 })
        .where(
          and(eq(messages.id, id), eq(messages.workspaceId, workspaceId), eq(messages.direction, 'out'), eq(messages.status, 'failed')),
        )
        .returning({ conversationId: messages.conversationId });
      if (!row) return null;
      await enqueue(tx, TASKS.deliverMessage, { messageId: id }, deliveryJob(row.conversationId, id));
      await audit(tx, c.var.auth, 'message.retried', { type: 'message', id });
      return row;
    });
    if (!requeued) {
      const [exists] = await db
        .select({ status: messages.status })
        .from(messages)
        .where(and(eq(messages.id, id), eq(messages.workspaceId, workspaceId)));
      if (!exists) throw notFound('Message');
      throw conflict(`Only failed outbound messages can be retried; this one is ${exists.status}`);
    }
    await publishMessageUpdated(deps, id);
    const [view] = await loadMessages(db, eq(messages.id, id), { links: mediaLinks(deps.config) });
    return c.json(view!, 200);
  });
}
