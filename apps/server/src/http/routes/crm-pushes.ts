import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { contactEvents, crmPushes } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { enqueueCrmPush } from '../../crm/record-push';
import { audit } from '../../services/audit';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const Params = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
  pushId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'pushId', in: 'path' } }),
});
const Push = z
  .object({ id: z.string().uuid(), target: z.string(), status: z.string(), recordId: z.string().nullable(), error: z.string().nullable() })
  .openapi('CrmPush');

const retryRoute = createRoute({
  method: 'post',
  path: '/{id}/crm-pushes/{pushId}/retry',
  tags: ['Contacts'],
  summary: 'Send a failed CRM push again (after fixing its credential or address)',
  security: cookieAuth,
  request: { params: Params },
  responses: { 200: json(Push), ...errors(401, 403, 404, 409) },
});

export function crmPushRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.use('/:id/crm-pushes/*', requireRole('admin'));
  return router.openapi(retryRoute, async (c) => {
    const { id, pushId } = c.req.valid('param');
    const { workspaceId } = c.var.auth;
    const row = await db.transaction(async (tx) => {
      const [push] = await tx
        .select()
        .from(crmPushes)
        .where(and(eq(crmPushes.id, pushId), eq(crmPushes.contactId, id), eq(crmPushes.workspaceId, workspaceId)))
        .for('update');
      if (!push) throw notFound('CRM push');
      if (push.status !== 'failed')
        throw new ApiError(409, 'conflict', `This push is ${push.status}; only a failed push can be sent again.`, { field: 'pushId' });
      const [queued] = await tx
        .update(crmPushes)
        .set({ status: 'queued', attempts: 0, error: null, updatedAt: new Date() })
        .where(eq(crmPushes.id, push.id))
        .returning();
      await tx
        .update(contactEvents)
        .set({ data: sql`(${contactEvents.data} - 'error') || '{"status":"queued"}'::jsonb` })
        .where(
          and(
            eq(contactEvents.contactId, id),
            eq(contactEvents.workspaceId, workspaceId),
            eq(contactEvents.kind, 'crm_push'),
            sql`${contactEvents.data}->>'pushId' = ${push.id}`,
          ),
        );
      await enqueueCrmPush(tx, push.id);
      await audit(tx, c.var.auth, 'crm_push.retried', { type: 'contact', id }, { fields: ['pushId'] });
      return queued!;
    });
    return c.json({ id: row.id, target: row.target, status: row.status, recordId: row.recordId, error: row.error }, 200);
  });
}
