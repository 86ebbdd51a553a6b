import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { deleteCookie } from 'hono/cookie';
import { memberships, sessions, users, workspaces, type Database } from '@switchboard/db';
import { isTimeZone } from '@switchboard/flow';
import { resetPassword } from '../../accounts/password-reset';
import { startSession } from '../../accounts/sessions';
import { lockFirstSignup, signupOpen } from '../../accounts/signup-policy';
import type { AppDeps } from '../../context';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../services/passwords';
import { ApiError, conflict } from '../errors';
import { authenticate, SESSION_COOKIE } from '../middleware/auth/index';
import { cookieAuth, errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { Me, loadMe } from './me-schema';

const SIGNUP_CLOSED = 'Sign-up is closed: ask a workspace admin for an invitation (the operator can set SIGNUP=open)';

const Signup = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    password: z.string().min(8, 'Use at least 8 characters').max(200),
    name: z.string().trim().min(1).max(120),
    workspaceName: z.string().trim().min(1).max(120),
    timezone: z.string().max(64).optional(),
  })
  .openapi('SignupRequest');

const Login = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    password: z.string().min(1).max(200),
    workspaceId: z.string().uuid().optional(),
  })
  .openapi('LoginRequest');

const signupRoute = createRoute({
  method: 'post',
  path: '/signup',
  tags: ['Auth'],
  summary: 'Create an account, its workspace and an owner session',
  request: jsonBody(Signup),
  responses: { 201: json(Me, 'Signed up and signed in'), ...errors(400, 403, 409, 429) },
});

const signupStatusRoute = createRoute({
  method: 'get',
  path: '/signup-status',
  tags: ['Auth'],
  summary: 'Whether public sign-up is open (closed once a workspace exists, unless SIGNUP=open)',
  responses: { 200: json(z.object({ open: z.boolean() }).openapi('SignupStatus')) },
});

const resetRoute = createRoute({
  method: 'post',
  path: '/reset',
  tags: ['Auth'],
  summary: 'Set a new password with a one-time reset link; signs the account out everywhere',
  request: jsonBody(
    z
      .object({ token: z.string().min(1).max(200), password: z.string().min(8, 'Use at least 8 characters').max(200) })
      .openapi('PasswordReset'),
  ),
  responses: { 204: { description: 'Password changed; sign in with it' }, ...errors(400, 404, 429) },
});

const loginRoute = createRoute({
  method: 'post',
  path: '/login',
  tags: ['Auth'],
  summary: 'Sign in; sets an httpOnly session cookie',
  request: jsonBody(Login),
  responses: { 200: json(Me, 'Signed in'), ...errors(400, 401, 429) },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['Auth'],
  summary: 'End the current session',
  security: cookieAuth,
  responses: { 204: { description: 'Signed out' }, ...errors(401) },
});

export function authRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const closed = () => new ApiError(403, 'signup_closed', SIGNUP_CLOSED, { setting: 'SIGNUP=open' });

  const router = createRouter();
  router.use('/logout', authenticate({ db }));
  return router
    .openapi(signupRoute, async (c) => {
      const body = c.req.valid('json');
      const timezone = body.timezone && isTimeZone(body.timezone) ? body.timezone : 'UTC';
      // Asked before anything else, so a closed sign-up reveals nothing about existing accounts.
      if (!(await signupOpen(db, config))) throw closed();
      const passwordHash = await hashPassword(body.password);
      const created = await db.transaction(async (tx) => {
        if (config.signup !== 'open') {
          await lockFirstSignup(tx);
          if (!(await signupOpen(tx, config))) throw closed();
        }
        const [user] = await tx
          .insert(users)
          .values({ email: body.email, name: body.name, passwordHash })
          .onConflictDoNothing()
          .returning();
        if (!user) return null;
        const [workspace] = await tx
          .insert(workspaces)
          .values({ name: body.workspaceName, timezone, businessHours: defaultHours() })
          .returning();
        await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user.id, role: 'owner' });
        return { userId: user.id, workspaceId: workspace!.id };
      });
      if (!created) throw conflict('An account with this email already exists; sign in instead');
      await startSession(c, db, config.publicUrl, created.userId, created.workspaceId);
      return c.json(await loadMe(db, created.userId, created.workspaceId), 201);
    })
    .openapi(signupStatusRoute, async (c) => c.json({ open: await signupOpen(db, config) }, 200))
    .openapi(resetRoute, async (c) => {
      const body = c.req.valid('json');
      await resetPassword(db, body.token, body.password);
      return c.body(null, 204);
    })
    .openapi(loginRoute, async (c) => {
      const body = c.req.valid('json');
      const [user] = await db.select().from(users).where(eq(users.email, body.email)).limit(1);
      const ok = user ? await verifyPassword(user.passwordHash, body.password) : await verifyAgainstDummy(body.password);
      // One message for both cases: a login form must not reveal which emails have accounts.
      if (!user || !ok) throw new ApiError(401, 'unauthorized', 'Email or password is incorrect');
      const membership = await pickMembership(db, user.id, body.workspaceId);
      if (!membership) throw new ApiError(401, 'unauthorized', 'This account has no access to that workspace');
      await startSession(c, db, config.publicUrl, user.id, membership.workspaceId);
      return c.json(await loadMe(db, user.id, membership.workspaceId), 200);
    })
    .openapi(logoutRoute, async (c) => {
      const { sessionTokenHash } = c.var.auth;
      if (sessionTokenHash) await db.delete(sessions).where(eq(sessions.tokenHash, sessionTokenHash));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
}

async function pickMembership(db: Database, userId: string, workspaceId?: string) {
  const where = workspaceId
    ? and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId))
    : eq(memberships.userId, userId);
  const [row] = await db.select().from(memberships).where(where).orderBy(sql`${memberships.createdAt} asc`).limit(1);
  return row;
}

function defaultHours() {
  const day: [string, string][] = [['09:00', '17:00']];
  return { mon: day, tue: day, wed: day, thu: day, fri: day };
}
