import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, max } from 'drizzle-orm';
import { workflows, workflowVersions } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { FlowDocument } from '@switchboard/flow';
import { WORKFLOWS_CHANGED } from '../../flows/active-flows';
import { FlowOrderError, setFlowOrder } from '../../flows/flow-order';
import { foreignReferences } from '../../flows/references';
import { definitionFor } from '../../flows/literal-secrets';
import { nameSteps, publishedOrderConflicts, publishRefusal } from '../../flows/publish-problems';
import { sampleDetailsError, sampleDetailsLeft } from '../../flows/sample-details';
import { EMPTY_FLOW, findWorkflow, listWorkflows, presentWorkflow, triggerOf, validateDraft } from '../../flows/workflow-store';
import { audit } from '../../services/audit';
import { randomToken } from '../../services/crypto';
import { ApiError, badRequest, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { optionalJsonBody } from '../middleware/optional-json/index';
import { createRouter } from '../router';

const Issue = z
  .object({
    nodeId: z.string().optional(),
    step: z.string().optional().openapi({ description: 'The step as the canvas names it' }),
    field: z.string().optional(),
    message: z.string(),
    code: z.string(),
  })
  .openapi('FlowIssue');
/** null clears the description: the editor sends what it has, a new flow has none. */
const Description = z.string().max(2000).nullable().optional();
/** Drafts are stored even when invalid: the editor autosaves work in progress. */
export const DraftDefinition = z
  .object({
    schemaVersion: z.number().int(),
    nodes: z.array(z.record(z.string(), z.unknown())).max(5_000),
    edges: z.array(z.record(z.string(), z.unknown())).max(20_000),
  })
  .passthrough()
  .openapi('FlowDefinition');
const Summary = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.string(),
    triggerType: z.string().nullable(),
    activeVersion: z.number().nullable(),
    position: z.number().openapi({ description: "Place in the owner's order; lower answers first" }),
    answers: z
      .string()
      .nullable()
      .openapi({ description: 'What a message flow answers, in words ("Messages saying “hours”"); null for other triggers' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WorkflowSummary');
export const WorkflowDetail = Summary.extend({
  definition: z.unknown(),
  activeVersion: z.object({ id: z.string(), number: z.number() }).nullable(),
  webhookUrl: z.string().nullable().optional(),
  validation: z.object({ errors: z.array(Issue), warnings: z.array(Issue) }),
}).openapi('Workflow');

const tags = ['Flows'];
const security = cookieAuth;
const VersionParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
  versionId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'versionId', in: 'path' } }),
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags,
    security,
    summary: 'List flows',
    responses: { 200: json(z.object({ workflows: z.array(Summary) })), ...errors(401) },
  }),
  create: createRoute({
    method: 'post',
    path: '/',
    tags,
    security,
    summary: 'Create a flow (draft)',
    request: jsonBody(
      z.object({ name: z.string().trim().min(1).max(200), description: Description, definition: DraftDefinition.optional() }),
    ),
    responses: { 201: json(WorkflowDetail), ...errors(400, 401, 403) },
  }),
  order: createRoute({
    method: 'put',
    path: '/order',
    tags,
    security,
    summary:
      "Set the flows' order: for each message, the first matching message flow in this order answers (flows not listed follow, in their current order)",
    request: jsonBody(
      z
        .object({ ids: z.array(z.string().uuid()).max(1000) })
        .strict()
        .openapi('FlowOrder'),
    ),
    responses: { 200: json(z.object({ workflows: z.array(Summary) })), ...errors(400, 401, 403) },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    security,
    summary: 'A flow with its draft and validation',
    request: { params: IdParam },
    responses: { 200: json(WorkflowDetail), ...errors(401, 404) },
  }),
  put: createRoute({
    method: 'put',
    path: '/{id}',
    tags,
    security,
    summary: 'Save the draft (kept even with errors; validation returned). A blank name keeps the current one.',
    // An autosave must never be refused for a detail: a name being retyped is blank for a moment.
    request: {
      params: IdParam,
      ...jsonBody(z.object({ name: z.string().trim().max(200).optional(), description: Description, definition: DraftDefinition })),
    },
    responses: { 200: json(WorkflowDetail), ...errors(400, 401, 403, 404) },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    security,
    summary: 'Delete a flow (soft: stops it, keeps its history)',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
  }),
  publish: createRoute({
    method: 'post',
    path: '/{id}/publish',
    tags,
    security,
    summary:
      "Publish the draft as a new immutable version (422 while it has errors, or while it holds a template's sample details unless allowSamples)",
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z
              .object({
                allowSamples: z.boolean().optional().openapi({
                  description:
                    'Publish even though template sample details (prices, delivery terms) are left: the owner\'s "Publish anyway"',
                }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: json(
        z.object({ workflow: WorkflowDetail, version: z.object({ id: z.string(), number: z.number() }), warnings: z.array(Issue) }),
      ),
      ...errors(401, 403, 404, 422),
    },
  }),
  pause: createRoute({
    method: 'post',
    path: '/{id}/pause',
    tags,
    security,
    summary: 'Stop starting new runs',
    request: { params: IdParam },
    responses: { 200: json(WorkflowDetail), ...errors(401, 403, 404) },
  }),
  versions: createRoute({
    method: 'get',
    path: '/{id}/versions',
    tags,
    security,
    summary: 'Published versions, newest first',
    request: { params: IdParam },
    responses: {
      200: json(z.object({ versions: z.array(z.object({ id: z.string(), number: z.number(), createdAt: z.string() })) })),
      ...errors(401, 404),
    },
  }),
  version: createRoute({
    method: 'get',
    path: '/{id}/versions/{versionId}',
    tags,
    security,
    summary: 'One published version with its definition (to restore it)',
    request: { params: VersionParams },
    responses: {
      200: json(z.object({ id: z.string(), number: z.number(), definition: z.unknown(), createdAt: z.string() })),
      ...errors(401, 404),
    },
  }),
};

export function workflowRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const changed = async (workspaceId: string) => {
    deps.activeFlows.invalidate(workspaceId);
    await deps.events.publish({ workspaceId, type: WORKFLOWS_CHANGED });
  };
  const router = createRouter();
  // Agents answer conversations; building and publishing flows is for admins and owners.
  router.use('*', async (c, next) => (c.req.method === 'GET' ? next() : requireRole('admin')(c, next)));
  router.use('/:id/publish', optionalJsonBody());
  return (
    router
      .openapi(routes.list, async (c) => c.json({ workflows: await listWorkflows(db, c.var.auth.workspaceId) }, 200))
      // Before `/{id}`: "order" is not a flow id.
      .openapi(routes.order, async (c) => {
        const { workspaceId } = c.var.auth;
        try {
          await setFlowOrder(db, workspaceId, c.req.valid('json').ids);
        } catch (error) {
          if (error instanceof FlowOrderError) throw badRequest(error.message);
          throw error;
        }
        await audit(db, c.var.auth, 'workflow.reordered', { type: 'workspace', id: workspaceId });
        await changed(workspaceId);
        return c.json({ workflows: await listWorkflows(db, workspaceId) }, 200);
      })
      .openapi(routes.create, async (c) => {
        const body = c.req.valid('json');
        const [row] = await db
          .insert(workflows)
          .values({
            workspaceId: c.var.auth.workspaceId,
            name: body.name,
            description: body.description ?? null,
            draft: body.definition ?? { ...EMPTY_FLOW },
          })
          .returning();
        await audit(db, c.var.auth, 'workflow.created', { type: 'workflow', id: row!.id }, { fields: Object.keys(body) });
        return c.json(await presentWorkflow(db, config, row!), 201);
      })
      .openapi(routes.get, async (c) => {
        const row = await findWorkflow(db, c.var.auth.workspaceId, c.req.valid('param').id);
        const shown = await presentWorkflow(db, config, row, c.var.auth.role);
        return c.json({ ...shown, definition: definitionFor(c.var.auth.role, shown.definition) }, 200);
      })
      .openapi(routes.put, async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        await findWorkflow(db, c.var.auth.workspaceId, id);
        const [row] = await db
          .update(workflows)
          .set({
            draft: body.definition,
            ...(body.name ? { name: body.name } : {}),
            ...(body.description !== undefined ? { description: body.description || null } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(workflows.id, id), eq(workflows.workspaceId, c.var.auth.workspaceId)))
          .returning();
        await audit(db, c.var.auth, 'workflow.draft_saved', { type: 'workflow', id }, { fields: Object.keys(body) });
        return c.json(await presentWorkflow(db, config, row!), 200);
      })
      .openapi(routes.delete, async (c) => {
        const { id } = c.req.valid('param');
        await findWorkflow(db, c.var.auth.workspaceId, id);
        await db.transaction(async (tx) => {
          await tx
            .update(workflows)
            .set({ deletedAt: new Date(), status: 'paused', updatedAt: new Date() })
            .where(and(eq(workflows.id, id), eq(workflows.workspaceId, c.var.auth.workspaceId)));
          await audit(tx, c.var.auth, 'workflow.deleted', { type: 'workflow', id });
        });
        await changed(c.var.auth.workspaceId);
        return c.body(null, 204);
      })
      .openapi(routes.publish, async (c) => {
        const { id } = c.req.valid('param');
        const { workspaceId } = c.var.auth;
        const result = await db.transaction(async (tx) => {
          const row = await findWorkflow(tx, workspaceId, id, { lock: true });
          const validation = await validateDraft(tx, workspaceId, row);
          const parsed = FlowDocument.safeParse(row.draft);
          if (!validation.errors.length && parsed.success) {
            // Agent, team and channel ids must be this workspace's (a draft saved through the API may hold any).
            for (const ref of await foreignReferences(tx, workspaceId, parsed.data))
              validation.errors.push({ ...ref, code: 'foreign_reference' });
          }
          if (validation.errors.length) {
            const named = { errors: nameSteps(row.draft, validation.errors), warnings: nameSteps(row.draft, validation.warnings) };
            throw new ApiError(422, 'flow_invalid', publishRefusal(named.errors), named);
          }
          const samples = c.req.valid('json')?.allowSamples ? [] : sampleDetailsLeft(row.draft);
          if (samples.length) throw sampleDetailsError(samples);
          const [last] = await tx
            .select({ n: max(workflowVersions.number) })
            .from(workflowVersions)
            .where(eq(workflowVersions.workflowId, id));
          const [version] = await tx
            .insert(workflowVersions)
            .values({ workspaceId, workflowId: id, number: (last?.n ?? 0) + 1, definition: row.draft, createdBy: c.var.auth.userId })
            .returning({ id: workflowVersions.id, number: workflowVersions.number });
          const needsToken = triggerOf(row.draft)?.type === 'trigger.webhook' && !row.webhookToken;
          const [updated] = await tx
            .update(workflows)
            .set({
              status: 'active',
              activeVersionId: version!.id,
              ...(needsToken ? { webhookToken: randomToken(24) } : {}),
              updatedAt: new Date(),
            })
            .where(eq(workflows.id, id))
            .returning();
          await audit(tx, c.var.auth, 'workflow.published', { type: 'workflow', id });
          return { updated: updated!, version: version!, warnings: validation.warnings };
        });
        await changed(workspaceId);
        const warnings = [...result.warnings, ...(await publishedOrderConflicts(deps, workspaceId, id))];
        return c.json({ workflow: await presentWorkflow(db, config, result.updated), version: result.version, warnings }, 200);
      })
      .openapi(routes.pause, async (c) => {
        const { id } = c.req.valid('param');
        await findWorkflow(db, c.var.auth.workspaceId, id);
        const [row] = await db
          .update(workflows)
          .set({ status: 'paused', updatedAt: new Date() })
          .where(and(eq(workflows.id, id), eq(workflows.workspaceId, c.var.auth.workspaceId)))
          .returning();
        await audit(db, c.var.auth, 'workflow.paused', { type: 'workflow', id });
        await changed(c.var.auth.workspaceId);
        return c.json(await presentWorkflow(db, config, row!), 200);
      })
      .openapi(routes.versions, async (c) => {
        const { id } = c.req.valid('param');
        await findWorkflow(db, c.var.auth.workspaceId, id);
        const rows = await db
          .select({ id: workflowVersions.id, number: workflowVersions.number, createdAt: workflowVersions.createdAt })
          .from(workflowVersions)
          .where(and(eq(workflowVersions.workflowId, id), eq(workflowVersions.workspaceId, c.var.auth.workspaceId)))
          .orderBy(desc(workflowVersions.number));
        return c.json({ versions: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
      })
      .openapi(routes.version, async (c) => {
        const { id, versionId } = c.req.valid('param');
        const [row] = await db
          .select()
          .from(workflowVersions)
          .where(
            and(
              eq(workflowVersions.id, versionId),
              eq(workflowVersions.workflowId, id),
              eq(workflowVersions.workspaceId, c.var.auth.workspaceId),
            ),
          );
        if (!row) throw notFound('Version');
        return c.json(
          {
            id: row.id,
            number: row.number,
            definition: definitionFor(c.var.auth.role, row.definition),
            createdAt: row.createdAt.toISOString(),
          },
          200,
        );
      })
  );
}
