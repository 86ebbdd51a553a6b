import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../context';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Contacts'],
  summary: 'Every tag in use on a contact, alphabetically',
  security: cookieAuth,
  responses: { 200: json(z.object({ tags: z.array(z.string()) })), ...errors(401) },
});

export function tagRoutes(deps: AppDeps) {
  return createRouter().openapi(listRoute, async (c) => {
    const result = await deps.db.execute<{ tag: string }>(sql`
      select distinct unnest(tags) as tag from contacts
      where workspace_id = ${c.var.auth.workspaceId} and deleted_at is null
      order by 1 limit 1000`);
    return c.json({ tags: result.rows.map((r) => r.tag) }, 200);
  });
}
