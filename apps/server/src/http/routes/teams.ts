import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, inArray } from 'drizzle-orm';
import { memberships, teamMembers, teams, type Executor } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { audit } from '../../services/audit';
import { badRequest, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const Team = z.object({ id: z.string().uuid(), name: z.string(), memberIds: z.array(z.string().uuid()) }).openapi('Team');
const TeamInput = z.object({ name: z.string().trim().min(1).max(120), memberIds: z.array(z.string().uuid()).max(500).default([]) });

const tags = ['Team'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Teams',
  security: cookieAuth,
  responses: { 200: json(z.object({ teams: z.array(Team) })), ...errors(401) },
});
const createTeamRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a team (admin)',
  security: cookieAuth,
  request: jsonBody(TeamInput.openapi('CreateTeam')),
  responses: { 201: json(Team), ...errors(400, 401, 403) },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Rename or set members (admin)',
  security: cookieAuth,
  request: {
    params: IdParam,
    ...jsonBody(
      z
        .object({ name: z.string().trim().min(1).max(120).optional(), memberIds: z.array(z.string().uuid()).max(500).optional() })
        .openapi('TeamPatch'),
    ),
  },
  responses: { 200: json(Team), ...errors(400, 401, 403, 404) },
});
const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a team (admin)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
});

async function setMembers(tx: Executor, workspaceId: string, teamId: string, memberIds: string[]) {
  const ids = [...new Set(memberIds)];
  if (ids.length) {
    const found = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, ids)));
    if (found.length !== ids.length) throw badRequest('memberIds must all be members of this workspace');
  }
  await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (ids.length) await tx.insert(teamMembers).values(ids.map((userId) => ({ workspaceId, teamId, userId })));
}

export function teamRoutes(deps: AppDeps) {
  const { db } = deps;
  const list = async (workspaceId: string, id?: string) => {
    const rows = await db
      .select()
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), id ? eq(teams.id, id) : undefined))
      .orderBy(teams.name);
    const members = rows.length
      ? await db
          .select()
          .from(teamMembers)
          .where(
            inArray(
              teamMembers.teamId,
              rows.map((r) => r.id),
            ),
          )
      : [];
    return rows.map((t) => ({ id: t.id, name: t.name, memberIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId) }));
  };
  const one = async (workspaceId: string, id: string) => {
    const [team] = await list(workspaceId, id);
    if (!team) throw notFound('Team');
    return team;
  };

  const router = createRouter();
  router.on(['POST', 'PATCH', 'DELETE'], '*', requireRole('admin'));
  return router
    .openapi(listRoute, async (c) => c.json({ teams: await list(c.var.auth.workspaceId) }, 200))
    .openapi(createTeamRoute, async (c) => {
      const body = c.req.valid('json');
      const auth = c.var.auth;
      const id = await db.transaction(async (tx) => {
        const [team] = await tx.insert(teams).values({ workspaceId: auth.workspaceId, name: body.name }).returning({ id: teams.id });
        await setMembers(tx, auth.workspaceId, team!.id, body.memberIds);
        await audit(tx, auth, 'team.created', { type: 'team', id: team!.id }, { fields: Object.keys(body) });
        return team!.id;
      });
      return c.json(await one(auth.workspaceId, id), 201);
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const auth = c.var.auth;
      await one(auth.workspaceId, id);
      await db.transaction(async (tx) => {
        if (body.name) await tx.update(teams).set({ name: body.name }).where(eq(teams.id, id));
        if (body.memberIds) await setMembers(tx, auth.workspaceId, id, body.memberIds);
        await audit(tx, auth, 'team.updated', { type: 'team', id }, { fields: Object.keys(body) });
      });
      return c.json(await one(auth.workspaceId, id), 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param');
      const auth = c.var.auth;
      await one(auth.workspaceId, id);
      await db.transaction(async (tx) => {
        await tx.delete(teams).where(eq(teams.id, id));
        await audit(tx, auth, 'team.deleted', { type: 'team', id });
      });
      return c.body(null, 204);
    });
}
