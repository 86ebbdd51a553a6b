import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { runSteps, workflowRuns, workflows, workspaces } from '@switchboard/db';
import { FlowDocument } from '@switchboard/flow';
import { simulateFlow } from '@switchboard/flow/runtime';
import type { AppDeps } from '../../context';
import { exportWorkflow, importDocument, withCredentialChecklist } from '../../flows/import-export';
import { remapReferences } from '../../flows/references';
import { audit } from '../../services/audit';
import { createFlowServices } from '../../flows/flow-services';
import { presentWorkspaceData } from '../../flows/run-context';
import { findWorkflow, presentWorkflow } from '../../flows/workflow-store';
import { ApiError, notFound } from '../errors';
import { bodyLimit } from '../middleware/body-limit/index';
import { withTestRunSlot } from '../test-run-slots';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { WorkflowDetail } from './workflows';

const tags = ['Flows'];
const security = cookieAuth;
/** Flow files may be large; the import route allows 5 MB, anything bigger is refused with 413. */
export const IMPORT_LIMIT_BYTES = 5 * 1024 * 1024;

const TestRunBody = z
  .object({
    messages: z.array(z.string().max(4_000)).max(50).default([]),
    contact: z
      .object({
        name: z.string().max(200).optional(),
        email: z.string().max(254).optional(),
        phone: z.string().max(40).optional(),
        attributes: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    channelType: z.string().max(30).optional(),
    trigger: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('TestRunRequest');

/** The simulator renders templates over its own pretend data, never the services' data getter. */
const notUsedBySimulator = (): never => {
  throw new Error('simulator data comes from simulateFlow');
};
const TestRunResult = z
  .object({
    status: z.enum(['completed', 'waiting', 'failed']),
    replies: z.array(z.object({ text: z.string(), quickReplies: z.array(z.string()).optional(), mediaUrl: z.string().optional() })),
    path: z.array(
      z.object({
        nodeId: z.string(),
        output: z.string().optional(),
        status: z.enum(['ok', 'waiting', 'error']),
        log: z.string().optional(),
        note: z
          .string()
          .optional()
          .openapi({ description: 'Set when the step answered with its sample response: "Sample response used (no request sent)"' }),
        afterReplies: z.number().int().optional().openapi({ description: 'With note: how many replies came before this step' }),
        name: z.string().optional().openapi({ description: "With note: the step's name" }),
      }),
    ),
    vars: z.record(z.string(), z.unknown()),
    contact: z.unknown(),
    conversation: z.unknown(),
    notes: z.array(z.string()),
    error: z.object({ nodeId: z.string().optional(), field: z.string().optional(), message: z.string() }).optional(),
  })
  .openapi('TestRunResult');

const routes = {
  testRun: createRoute({
    method: 'post',
    path: '/{id}/test-runs',
    tags,
    security,
    summary:
      'Run the draft against a pretend conversation; no real channel, HTTP and CRM steps answer with their samples; stopped after 25 s',
    request: { params: IdParam, ...jsonBody(TestRunBody) },
    responses: { 200: json(TestRunResult), ...errors(400, 401, 404, 422, 429) },
  }),
  stats: createRoute({
    method: 'get',
    path: '/{id}/stats',
    tags,
    security,
    summary: 'How many runs passed each node',
    request: { params: IdParam },
    responses: { 200: json(z.object({ nodes: z.record(z.string(), z.number()), runs: z.number() })), ...errors(401, 404) },
  }),
  export: createRoute({
    method: 'get',
    path: '/{id}/export',
    tags,
    security,
    summary: 'Download the flow as a file (no secrets; admins and owners)',
    request: { params: IdParam },
    responses: { 200: json(z.record(z.string(), z.unknown()), 'The flow file'), ...errors(401, 403, 404) },
  }),
  import: createRoute({
    method: 'post',
    path: '/import',
    tags,
    security,
    summary: 'Create a flow from a file; every problem is reported at once and nothing is created on error',
    request: jsonBody(z.object({ document: z.unknown(), name: z.string().max(200).optional() }).openapi('ImportRequest')),
    responses: { 201: json(z.object({ workflow: WorkflowDetail, requires: z.array(z.unknown()) })), ...errors(400, 401, 403, 413, 422) },
  }),
};

export function workflowToolRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();
  // Test runs make real AI calls (and GETs marked "call for real") with the workspace's keys,
  // imports create flows: every non-GET flow tool is for admins and owners, as the flows
  // themselves are (workflows.ts).
  router.use('*', async (c, next) => (c.req.method === 'GET' ? next() : requireRole('admin')(c, next)));
  // An export holds the whole flow (addresses, headers, bodies): admins and owners only.
  router.use('/:id/export', requireRole('admin'));
  router.use('/import', bodyLimit({ maxSize: IMPORT_LIMIT_BYTES }));
  return router
    .openapi(routes.testRun, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const row = await findWorkflow(db, c.var.auth.workspaceId, id);
      const parsed = FlowDocument.safeParse(row.draft);
      if (!parsed.success) throw new ApiError(422, 'flow_invalid', 'The draft is not a readable flow; fix it in the editor first');
      const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, c.var.auth.workspaceId));
      if (!workspace) throw notFound('Workspace');
      const services = createFlowServices({
        db,
        config,
        workspaceId: workspace.id,
        settings: workspace.settings,
        data: notUsedBySimulator,
      });
      // Stopped when the caller goes away or the deadline passes; a few at once per workspace.
      const result = await withTestRunSlot(workspace.id, c.req.raw.signal, (signal) =>
        simulateFlow(parsed.data, {
          messages: body.messages,
          ...(body.contact ? { contact: body.contact } : {}),
          workspace: presentWorkspaceData(workspace),
          ...(body.channelType ? { channelType: body.channelType } : {}),
          ...(body.trigger ? { trigger: body.trigger } : {}),
          // Real AI and knowledge; HTTP only for a GET step marked "call for real" (private addresses
          // still refused), every other call answered by the step's sample; never a real channel.
          services: {
            http: services.http,
            ai: services.ai,
            aiChat: services.aiChat,
            knowledge: services.knowledge,
            ...(services.credentials ? { credentials: services.credentials } : {}),
          },
          signal,
        }),
      );
      return c.json(result, 200);
    })
    .openapi(routes.stats, async (c) => {
      const { id } = c.req.valid('param');
      await findWorkflow(db, c.var.auth.workspaceId, id);
      const rows = await db
        .select({ nodeId: runSteps.nodeId, runs: sql<number>`count(distinct ${runSteps.runId})::int` })
        .from(runSteps)
        .innerJoin(workflowRuns, eq(workflowRuns.id, runSteps.runId))
        .where(and(eq(workflowRuns.workflowId, id), eq(runSteps.workspaceId, c.var.auth.workspaceId)))
        .groupBy(runSteps.nodeId);
      const [total] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(workflowRuns)
        .where(and(eq(workflowRuns.workflowId, id), eq(workflowRuns.workspaceId, c.var.auth.workspaceId)));
      return c.json({ nodes: Object.fromEntries(rows.map((r) => [r.nodeId, r.runs])), runs: total?.n ?? 0 }, 200);
    })
    .openapi(routes.export, async (c) => {
      const row = await findWorkflow(db, c.var.auth.workspaceId, c.req.valid('param').id);
      const file = exportWorkflow({ ...row, draft: exportable(row.draft) });
      c.header('Content-Disposition', `attachment; filename="${(file.slug ?? 'flow').replace(/[^a-z0-9-]/g, '')}.json"`);
      return c.json(file, 200);
    })
    .openapi(routes.import, async (c) => {
      const body = c.req.valid('json');
      const imported = importDocument(body.document);
      if (!imported.ok) throw new ApiError(422, 'flow_invalid', imported.message, { errors: imported.errors, warnings: [] });
      const remapped = await remapReferences(db, c.var.auth.workspaceId, imported.definition);
      const [row] = await db
        .insert(workflows)
        .values({
          workspaceId: c.var.auth.workspaceId,
          name: body.name ?? imported.name,
          description: imported.description ?? null,
          draft: remapped.definition,
        })
        .returning();
      await audit(db, c.var.auth, 'workflow.imported', { type: 'workflow', id: row!.id });
      const requires = await withCredentialChecklist(db, c.var.auth.workspaceId, remapped.definition, [
        ...imported.requires,
        ...remapped.requires,
      ]);
      return c.json({ workflow: await presentWorkflow(db, config, row!), requires }, 201);
    });
}

/**
 * A draft is saved as the editor sends it, so a node may lack `config` (or hold something else
 * there); the exporter reads every node's config, so those are given an empty one.
 */
function exportable(draft: unknown): typeof workflows.$inferSelect.draft {
  const doc = draft && typeof draft === 'object' && !Array.isArray(draft) ? (draft as Record<string, unknown>) : {};
  const nodes = Array.isArray(doc.nodes)
    ? doc.nodes.filter((n): n is Record<string, unknown> => !!n && typeof n === 'object' && !Array.isArray(n))
    : [];
  const isObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  return {
    ...doc,
    nodes: nodes.map((n) => (isObject(n.config) ? n : { ...n, config: {} })),
    edges: Array.isArray(doc.edges) ? doc.edges : [],
  } as typeof workflows.$inferSelect.draft;
}
