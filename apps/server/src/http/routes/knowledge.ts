import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import { knowledgeEntries } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { audit } from '../../services/audit';
import { notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const Entry = z.object({ id: z.string(), question: z.string(), answer: z.string(), updatedAt: z.string() }).openapi('KnowledgeEntry');
const EntryInput = z.object({ question: z.string().trim().min(1).max(1_000), answer: z.string().trim().min(1).max(5_000) });
const tags = ['Knowledge'];
const security = cookieAuth;

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags,
    security,
    summary: 'FAQ entries the bot answers from',
    responses: { 200: json(z.object({ entries: z.array(Entry) })), ...errors(401) },
  }),
  create: createRoute({
    method: 'post',
    path: '/',
    tags,
    security,
    summary: 'Add a question and its answer',
    request: jsonBody(EntryInput),
    responses: { 201: json(Entry), ...errors(400, 401, 403) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    security,
    summary: 'Change an entry',
    request: { params: IdParam, ...jsonBody(EntryInput.partial()) },
    responses: { 200: json(Entry), ...errors(400, 401, 403, 404) },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    security,
    summary: 'Remove an entry',
    request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) },
  }),
};

type Row = typeof knowledgeEntries.$inferSelect;
const present = (r: Row) => ({ id: r.id, question: r.question, answer: r.answer, updatedAt: r.updatedAt.toISOString() });

export function knowledgeRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.use('*', async (c, next) => (c.req.method === 'GET' ? next() : requireRole('admin')(c, next)));
  return router
    .openapi(routes.list, async (c) => {
      const rows = await db
        .select()
        .from(knowledgeEntries)
        .where(eq(knowledgeEntries.workspaceId, c.var.auth.workspaceId))
        .orderBy(asc(knowledgeEntries.createdAt));
      return c.json({ entries: rows.map(present) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const [row] = await db
        .insert(knowledgeEntries)
        .values({ workspaceId: c.var.auth.workspaceId, ...c.req.valid('json') })
        .returning();
      await audit(db, c.var.auth, 'knowledge.created', { type: 'knowledge_entry', id: row!.id });
      return c.json(present(row!), 201);
    })
    .openapi(routes.update, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db
        .update(knowledgeEntries)
        .set({ ...c.req.valid('json'), updatedAt: new Date() })
        .where(and(eq(knowledgeEntries.id, id), eq(knowledgeEntries.workspaceId, c.var.auth.workspaceId)))
        .returning();
      if (!row) throw notFound('Knowledge entry');
      await audit(db, c.var.auth, 'knowledge.updated', { type: 'knowledge_entry', id }, { fields: Object.keys(c.req.valid('json')) });
      return c.json(present(row), 200);
    })
    .openapi(routes.delete, async (c) => {
      const { id } = c.req.valid('param');
      const rows = await db
        .delete(knowledgeEntries)
        .where(and(eq(knowledgeEntries.id, id), eq(knowledgeEntries.workspaceId, c.var.auth.workspaceId)))
        .returning({ id: knowledgeEntries.id });
      if (!rows.length) throw notFound('Knowledge entry');
      await audit(db, c.var.auth, 'knowledge.deleted', { type: 'knowledge_entry', id });
      return c.body(null, 204);
    });
}
