import { createRoute, z } from '@hono/zod-openapi';
import { roles } from '@switchboard/db';
import { acceptAsNewAccount, acceptAsSignedIn, findInvitation } from '../../accounts/invitations';
import { sessionUser, startSession } from '../../accounts/sessions';
import type { AppDeps } from '../../context';
import { ApiError } from '../errors';
import { errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { Me, loadMe } from './me-schema';

const TokenParam = z.object({
  token: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'token', in: 'path' } }),
});
const tags = ['Team'];

const showRoute = createRoute({
  method: 'get',
  path: '/{token}',
  tags,
  summary: 'What an invitation link offers: the workspace name and role, nothing about any account',
  request: { params: TokenParam },
  responses: {
    200: json(z.object({ workspaceName: z.string(), role: z.enum(roles), expiresAt: z.string() }).openapi('InvitationPreview')),
    ...errors(404, 429),
  },
});

const acceptRoute = createRoute({
  method: 'post',
  path: '/{token}/accept',
  tags,
  summary:
    'Accept an invitation: with a session cookie the signed-in account joins; without one, a new account is made with {name, password}',
  request: {
    params: TokenParam,
    ...jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(120).optional(),
          password: z.string().min(8, 'Use at least 8 characters').max(200).optional(),
        })
        .openapi('AcceptInvitation'),
    ),
  },
  responses: { 200: json(Me, 'Joined and signed in to the workspace'), ...errors(400, 403, 404, 409, 429) },
});

/** Public invitation routes: the token in the path is the only credential. */
export function invitationRoutes(deps: AppDeps) {
  const { db, config } = deps;
  return createRouter()
    .openapi(showRoute, async (c) => {
      const { invitation, workspaceName } = await findInvitation(db, c.req.valid('param').token);
      return c.json({ workspaceName, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() }, 200);
    })
    .openapi(acceptRoute, async (c) => {
      const { token } = c.req.valid('param');
      const body = c.req.valid('json');
      const signedIn = await sessionUser(c, db);
      let joined: { userId: string; workspaceId: string };
      if (signedIn) joined = await acceptAsSignedIn(db, token, signedIn.userId);
      else {
        const missing = [!body.name && 'name', !body.password && 'password'].filter((f): f is string => Boolean(f));
        if (missing.length)
          throw new ApiError(
            400,
            'validation_failed',
            `${missing.join(' and ')}: required to create your account`,
            missing.map((field) => ({ field, message: 'Required' })),
          );
        joined = await acceptAsNewAccount(db, token, { name: body.name!, password: body.password! });
      }
      // The session moves to the workspace just joined.
      await startSession(c, db, config.publicUrl, joined.userId, joined.workspaceId);
      return c.json(await loadMe(db, joined.userId, joined.workspaceId), 200);
    });
}
