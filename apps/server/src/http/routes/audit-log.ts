import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { badRequest } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const AuditEntry = z
  .object({
    id: z.string().uuid(),
    action: z.string().openapi({ example: 'channel.deleted' }),
    targetType: z.string(),
    targetId: z.string().nullable(),
    actorUserId: z.string().uuid().nullable(),
    actorApiKeyId: z.string().uuid().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi('AuditEntry');

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Workspace'],
  summary: 'Who changed what, newest first (admin)',
  security: cookieAuth,
  request: {
    query: z.object({
      targetType: z.string().max(50).optional(),
      targetId: z.string().max(100).optional(),
      before: z.string().datetime({ offset: true }).optional().openapi({ description: 'Entries older than this (paging)' }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(z.object({ entries: z.array(AuditEntry) })), ...errors(400, 401, 403) },
});

export function auditLogRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.use('*', requireRole('admin'));
  return router.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const where: SQL[] = [eq(auditLog.workspaceId, c.var.auth.workspaceId)];
    if (q.targetType) where.push(eq(auditLog.targetType, q.targetType));
    if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
    if (q.before) {
      const before = new Date(q.before);
      if (Number.isNaN(before.getTime())) throw badRequest('before: not a date');
      where.push(lt(auditLog.createdAt, before));
    }
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.createdAt))
      .limit(q.limit);
    return c.json({ entries: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
  });
}
