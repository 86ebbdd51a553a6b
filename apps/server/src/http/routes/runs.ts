import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { runSteps, workflowRuns, workflowVersions } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { credentialMask } from '../../flows/credential-vault';
import { notFound } from '../errors';
import { cookieAuth, errors, IdParam, json } from '../openapi-helpers';
import { createRouter } from '../router';

const RunStatus = z.enum(['running', 'waiting', 'completed', 'failed', 'cancelled']);
const Run = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    versionNumber: z.number(),
    status: RunStatus,
    conversationId: z.string().nullable(),
    contactId: z.string().nullable(),
    currentNodeId: z.string().nullable(),
    trigger: z.unknown(),
    variables: z.unknown(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Run');
const Step = z
  .object({
    seq: z.number(),
    nodeId: z.string(),
    nodeType: z.string(),
    status: z.string(),
    input: z.unknown(),
    output: z.unknown(),
    error: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('RunStep');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags: ['Runs'],
    security: cookieAuth,
    summary: 'Recent runs, newest first',
    request: {
      query: z.object({
        workflowId: z.string().uuid().optional(),
        status: RunStatus.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: { 200: json(z.object({ runs: z.array(Run) })), ...errors(400, 401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Runs'],
    security: cookieAuth,
    summary: 'A run with every step it took',
    request: { params: IdParam },
    responses: { 200: json(z.object({ run: Run, steps: z.array(Step) })), ...errors(401, 404) },
  }),
};

type RunRow = typeof workflowRuns.$inferSelect;
const present = (row: RunRow, versionNumber: number) => ({
  id: row.id,
  workflowId: row.workflowId,
  versionNumber,
  status: row.status,
  conversationId: row.conversationId,
  contactId: row.contactId,
  currentNodeId: row.currentNodeId,
  trigger: row.trigger,
  variables: row.variables,
  error: row.error,
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
});

export function runRoutes(deps: AppDeps) {
  const { db, config } = deps;
  return createRouter()
    .openapi(routes.list, async (c) => {
      const { workflowId, status, limit } = c.req.valid('query');
      const filters: SQL[] = [eq(workflowRuns.workspaceId, c.var.auth.workspaceId)];
      if (workflowId) filters.push(eq(workflowRuns.workflowId, workflowId));
      if (status) filters.push(eq(workflowRuns.status, status));
      const rows = await db
        .select({ run: workflowRuns, number: workflowVersions.number })
        .from(workflowRuns)
        .innerJoin(workflowVersions, eq(workflowVersions.id, workflowRuns.versionId))
        .where(and(...filters))
        .orderBy(desc(workflowRuns.createdAt))
        .limit(limit);
      const mask = await credentialMask(db, config.appSecret, c.var.auth.workspaceId);
      return c.json({ runs: rows.map((r) => mask(present(r.run, r.number))) }, 200);
    })
    .openapi(routes.get, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db
        .select({ run: workflowRuns, number: workflowVersions.number })
        .from(workflowRuns)
        .innerJoin(workflowVersions, eq(workflowVersions.id, workflowRuns.versionId))
        .where(and(eq(workflowRuns.id, id), eq(workflowRuns.workspaceId, c.var.auth.workspaceId)));
      if (!row) throw notFound('Run');
      const steps = await db
        .select()
        .from(runSteps)
        .where(and(eq(runSteps.runId, id), eq(runSteps.workspaceId, c.var.auth.workspaceId)))
        .orderBy(asc(runSteps.seq));
      const mask = await credentialMask(db, config.appSecret, c.var.auth.workspaceId);
      return c.json(
        {
          run: mask(present(row.run, row.number)),
          steps: steps.map((s) => mask({ ...s, startedAt: s.startedAt.toISOString(), finishedAt: s.finishedAt?.toISOString() ?? null })),
        },
        200,
      );
    });
}
