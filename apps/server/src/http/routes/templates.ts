import { createRoute, z } from '@hono/zod-openapi';
import { workflows } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { importDocument, withCredentialChecklist } from '../../flows/import-export';
import { loadTemplates } from '../../flows/template-library';
import { presentWorkflow } from '../../flows/workflow-store';
import { audit } from '../../services/audit';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';
import { WorkflowDetail } from './workflows';

const Template = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    category: z.string(),
    requires: z.array(z.unknown()),
    definition: z.unknown(),
  })
  .openapi('Template');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags: ['Templates'],
    security: cookieAuth,
    summary: 'Ready-made flows to start from',
    responses: { 200: json(z.object({ templates: z.array(Template) })), ...errors(401) },
  }),
  import: createRoute({
    method: 'post',
    path: '/{slug}/import',
    tags: ['Templates'],
    security: cookieAuth,
    summary: 'Create a draft flow from a template; answers with the checklist of what to fill in',
    request: {
      params: z.object({
        slug: z
          .string()
          .max(100)
          .openapi({ param: { name: 'slug', in: 'path' } }),
      }),
    },
    responses: { 201: json(z.object({ workflow: WorkflowDetail, requires: z.array(z.unknown()) })), ...errors(401, 403, 404, 422) },
  }),
};

export function templateRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();
  router.use('/:slug/import', requireRole('admin'));
  return router
    .openapi(routes.list, (c) =>
      c.json(
        {
          templates: loadTemplates().map((t) => ({
            slug: t.slug,
            name: t.name,
            description: t.description,
            category: t.category,
            requires: t.requires,
            definition: { schemaVersion: t.document.schemaVersion, nodes: t.document.nodes, edges: t.document.edges },
          })),
        },
        200,
      ),
    )
    .openapi(routes.import, async (c) => {
      const { slug } = c.req.valid('param');
      const template = loadTemplates().find((t) => t.slug === slug);
      if (!template) throw notFound('Template');
      const imported = importDocument(template.document);
      if (!imported.ok) throw new ApiError(422, 'flow_invalid', imported.message, { errors: imported.errors });
      const [row] = await db
        .insert(workflows)
        .values({
          workspaceId: c.var.auth.workspaceId,
          name: imported.name,
          description: imported.description ?? null,
          draft: imported.definition,
        })
        .returning();
      await audit(db, c.var.auth, 'workflow.imported', { type: 'workflow', id: row!.id });
      const requires = await withCredentialChecklist(db, c.var.auth.workspaceId, imported.definition, imported.requires);
      return c.json({ workflow: await presentWorkflow(db, config, row!), requires }, 201);
    });
}
