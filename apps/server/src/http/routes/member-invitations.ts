import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { roles, workspaces } from '@switchboard/db';
import { createInvitation, invitationUrl, listInvitations, revokeInvitation, type Invitation } from '../../accounts/invitations';
import { mailInvitation } from '../../accounts/invitation-mail';
import type { AppDeps } from '../../context';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const InvitationView = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    role: z.enum(roles),
    expiresAt: z.string(),
    expired: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Invitation');
const CreatedInvitation = InvitationView.extend({
  url: z.string().openapi({ description: 'The one-time link; shown once, copy it now' }),
  emailed: z.boolean().openapi({ description: 'Also mailed through the workspace email channel' }),
}).openapi('CreatedInvitation');

const tags = ['Team'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Pending invitations (admin)',
  security: cookieAuth,
  responses: { 200: json(z.object({ invitations: z.array(InvitationView) })), ...errors(401, 403) },
});
const createInvitationRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Invite someone by email (admin): a one-time link to copy, also mailed when the workspace has an email channel',
  security: cookieAuth,
  request: jsonBody(
    z
      .object({ email: z.string().trim().toLowerCase().email().max(254), role: z.enum(roles).default('agent') })
      .strict()
      .openapi('CreateInvitation'),
  ),
  responses: { 201: json(CreatedInvitation), ...errors(400, 401, 403, 409, 429) },
});
const revokeRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Revoke a pending invitation (admin)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404) },
});

const present = (row: Invitation) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  expiresAt: row.expiresAt.toISOString(),
  expired: row.expiresAt.getTime() <= Date.now(),
  createdAt: row.createdAt.toISOString(),
});

/** Mounted under /api/members/invitations; admins only. */
export function memberInvitationRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();
  router.use('*', requireRole('admin'));
  return router
    .openapi(listRoute, async (c) => c.json({ invitations: (await listInvitations(db, c.var.auth.workspaceId)).map(present) }, 200))
    .openapi(createInvitationRoute, async (c) => {
      const auth = c.var.auth;
      const { invitation, token } = await createInvitation(db, auth, c.req.valid('json'));
      const url = invitationUrl(config.publicUrl, token);
      const [workspace] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, auth.workspaceId)).limit(1);
      const emailed = await mailInvitation(deps, invitation, {
        url,
        workspaceName: workspace?.name ?? 'a workspace',
        role: invitation.role,
      });
      return c.json({ ...present(invitation), url, emailed }, 201);
    })
    .openapi(revokeRoute, async (c) => {
      await revokeInvitation(db, c.var.auth, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
