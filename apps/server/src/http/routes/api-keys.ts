import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq } from 'drizzle-orm';
import { apiKeys } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { audit } from '../../services/audit';
import { randomToken, sha256 } from '../../services/crypto';
import { notFound } from '../errors';
import { API_KEY_PREFIX, requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const ApiKey = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string(),
    role: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ApiKey');
const CreatedApiKey = ApiKey.extend({ key: z.string().openapi({ description: 'Shown once; store it now' }) }).openapi('CreatedApiKey');

const createKeyRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['API keys'],
  summary: 'Create an API key (shown once)',
  security: cookieAuth,
  request: jsonBody(
    z.object({ name: z.string().trim().min(1).max(100), role: z.enum(['admin', 'agent']).default('admin') }).openapi('CreateApiKey'),
  ),
  responses: { 201: json(CreatedApiKey), ...errors(400, 401, 403) },
});

const listKeysRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['API keys'],
  summary: 'List API keys (never the keys themselves)',
  security: cookieAuth,
  responses: { 200: json(z.object({ apiKeys: z.array(ApiKey) })), ...errors(401, 403) },
});

const deleteKeyRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404) },
});

type Row = typeof apiKeys.$inferSelect;
const present = (row: Row) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  role: row.role,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export function apiKeyRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.use('*', requireRole('admin'));
  return router
    .openapi(createKeyRoute, async (c) => {
      const { name, role } = c.req.valid('json');
      const key = `${API_KEY_PREFIX}${randomToken(24)}`;
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(apiKeys)
          .values({
            workspaceId: c.var.auth.workspaceId,
            name,
            role,
            prefix: key.slice(0, 10),
            keyHash: sha256(key),
            createdBy: c.var.auth.principalId,
          })
          .returning();
        await audit(tx, c.var.auth, 'api_key.created', { type: 'api_key', id: created!.id }, { fields: ['name', 'role'] });
        return created!;
      });
      return c.json({ ...present(row), key }, 201);
    })
    .openapi(listKeysRoute, async (c) => {
      const rows = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, c.var.auth.workspaceId)).orderBy(desc(apiKeys.createdAt));
      return c.json({ apiKeys: rows.map(present) }, 200);
    })
    .openapi(deleteKeyRoute, async (c) => {
      const { id } = c.req.valid('param');
      const deleted = await db.transaction(async (tx) => {
        const rows = await tx
          .delete(apiKeys)
          .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, c.var.auth.workspaceId)))
          .returning({ id: apiKeys.id });
        if (rows.length) await audit(tx, c.var.auth, 'api_key.revoked', { type: 'api_key', id });
        return rows.length;
      });
      if (!deleted) throw notFound('API key');
      return c.body(null, 204);
    });
}
