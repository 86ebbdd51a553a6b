import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { conversations, memberships, roles, users } from '@switchboard/db';
import { createMemberResetLink } from '../../accounts/password-reset';
import { onRoleChange } from '../../accounts/standing';
import type { AppDeps } from '../../context';
import { drainQueueFor } from '../../inbox/queue-drain';
import { audit } from '../../services/audit';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, ErrorBody, errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { memberInvitationRoutes } from './member-invitations';

const Member = z
  .object({
    userId: z.string().uuid(),
    name: z.string(),
    email: z.string(),
    role: z.enum(roles),
    maxConversations: z.number().int(),
    available: z.boolean(),
    openConversations: z.number().int(),
  })
  .openapi('Member');
const UserParam = z.object({
  userId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'userId', in: 'path' } }),
});

const tags = ['Team'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Workspace members with their load',
  security: cookieAuth,
  responses: { 200: json(z.object({ members: z.array(Member) })), ...errors(401) },
});
// Adding a member with an admin-chosen password (or enrolling an existing account) is gone:
// people join through invitations, setting their own password.
const createMemberRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  deprecated: true,
  summary: 'Gone: invite people with POST /api/members/invitations',
  security: cookieAuth,
  responses: {
    410: { description: 'Use POST /api/members/invitations', content: { 'application/json': { schema: ErrorBody } } },
    ...errors(401, 403),
  },
});
const resetLinkRoute = createRoute({
  method: 'post',
  path: '/{userId}/reset-link',
  tags,
  summary: 'A one-time password reset link for a member (admin; owners only for owners; accounts of this workspace alone)',
  security: cookieAuth,
  request: { params: UserParam },
  responses: { 201: json(z.object({ url: z.string(), expiresAt: z.string() }).openapi('ResetLink')), ...errors(401, 403, 404, 409, 429) },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/{userId}',
  tags,
  summary: 'Change role, capacity or availability (agents: only their own availability)',
  security: cookieAuth,
  request: {
    params: UserParam,
    ...jsonBody(
      z
        .object({
          role: z.enum(roles).optional(),
          maxConversations: z.number().int().min(0).max(1000).optional(),
          available: z.boolean().optional(),
        })
        .strict()
        .openapi('MemberPatch'),
    ),
  },
  responses: { 200: json(Member), ...errors(400, 401, 403, 404) },
});
const deleteRoute = createRoute({
  method: 'delete',
  path: '/{userId}',
  tags,
  summary: 'Remove a member (admin)',
  security: cookieAuth,
  request: { params: UserParam },
  responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404, 409) },
});

export function memberRoutes(deps: AppDeps) {
  const { db } = deps;

  const list = async (workspaceId: string, userId?: string) => {
    const rows = await db
      .select({
        userId: memberships.userId,
        name: users.name,
        email: users.email,
        role: memberships.role,
        maxConversations: memberships.maxConversations,
        available: memberships.available,
        openConversations: sql<number>`(select count(*)::int from ${conversations} c where c.workspace_id = ${memberships.workspaceId} and c.assignee_id = ${memberships.userId} and c.status in ('open', 'pending'))`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), userId ? eq(memberships.userId, userId) : undefined))
      .orderBy(users.name);
    return rows;
  };
  const one = async (workspaceId: string, userId: string) => {
    const [member] = await list(workspaceId, userId);
    if (!member) throw notFound('Member');
    return member;
  };
  const ownerCount = async (workspaceId: string) => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
    return row?.n ?? 0;
  };

  const router = createRouter();
  router.on(['POST', 'DELETE'], '*', requireRole('admin'));
  router.route('/invitations', memberInvitationRoutes(deps));
  return router
    .openapi(listRoute, async (c) => c.json({ members: await list(c.var.auth.workspaceId) }, 200))
    .openapi(createMemberRoute, () => {
      throw new ApiError(410, 'gone', 'Members are no longer added with a password: invite them with POST /api/members/invitations');
    })
    .openapi(resetLinkRoute, async (c) => {
      const link = await createMemberResetLink(db, deps.config.publicUrl, c.var.auth, c.req.valid('param').userId);
      return c.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 201);
    })
    .openapi(patchRoute, async (c) => {
      const { userId } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = c.var.auth;
      const target = await one(auth.workspaceId, userId);
      const self = auth.userId === userId;
      if (auth.role === 'agent' && (!self || body.role !== undefined || body.maxConversations !== undefined)) {
        throw forbidden('Agents can only change their own availability');
      }
      if (body.role !== undefined && body.role !== target.role) {
        if ((body.role === 'owner' || target.role === 'owner') && auth.role !== 'owner')
          throw forbidden('Only an owner can grant or remove the owner role');
        if (target.role === 'owner' && (await ownerCount(auth.workspaceId)) <= 1) throw badRequest('A workspace needs at least one owner');
      }
      const set = {
        ...(body.role !== undefined && { role: body.role }),
        ...(body.maxConversations !== undefined && { maxConversations: body.maxConversations }),
        ...(body.available !== undefined && { available: body.available }),
      };
      // An empty patch changes nothing (an UPDATE with no columns is an error, not a no-op).
      if (!Object.keys(set).length) return c.json(target, 200);
      await db.transaction(async (tx) => {
        await tx
          .update(memberships)
          .set(set)
          .where(and(eq(memberships.workspaceId, auth.workspaceId), eq(memberships.userId, userId)));
        if (body.role !== undefined && body.role !== target.role) await onRoleChange(tx, auth.workspaceId, userId, body.role);
        await audit(tx, auth, 'member.updated', { type: 'user', id: userId }, { fields: Object.keys(body) });
      });
      // Back, or with more room: the queue they may take drains to them at once.
      if (body.available === true || body.maxConversations !== undefined) await drainQueueFor(deps, auth.workspaceId, userId);
      return c.json(await one(auth.workspaceId, userId), 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { userId } = c.req.valid('param');
      const auth = c.var.auth;
      const target = await one(auth.workspaceId, userId);
      if (target.role === 'owner') {
        if (auth.role !== 'owner') throw forbidden('Only an owner can remove an owner');
        if ((await ownerCount(auth.workspaceId)) <= 1) throw conflict('A workspace needs at least one owner');
      }
      await db.transaction(async (tx) => {
        // Their conversations go back to the queue rather than waiting on someone who left.
        await tx
          .update(conversations)
          .set({ assigneeId: null, updatedAt: new Date() })
          .where(and(eq(conversations.workspaceId, auth.workspaceId), eq(conversations.assigneeId, userId)));
        await tx.execute(sql`delete from team_members where workspace_id = ${auth.workspaceId} and user_id = ${userId}`);
        await tx.delete(memberships).where(and(eq(memberships.workspaceId, auth.workspaceId), eq(memberships.userId, userId)));
        await tx.execute(sql`delete from sessions where workspace_id = ${auth.workspaceId} and user_id = ${userId}`);
        // Their keys, invitations and reset links go with them.
        await onRoleChange(tx, auth.workspaceId, userId, null);
        await audit(tx, auth, 'member.removed', { type: 'user', id: userId });
      });
      return c.body(null, 204);
    });
}
