import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { deleteCookie, setCookie } from 'hono/cookie';
import { memberships, sessions, users, workspaces, type Database } from '@switchboard/db';
import { isTimeZone } from '@switchboard/flow';
import type { AppDeps } from '../../context';
import { randomToken, sha256 } from '../../services/crypto';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../services/passwords';
import { ApiError, conflict } from '../errors';
import { authenticate, SESSION_COOKIE } from '../middleware/auth/index';
import { cookieAuth, errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { Me, loadMe } from './me-schema';

const SESSION_DAYS = 30;

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
  responses: { 201: json(Me, 'Signed up and signed in'), ...errors(400, 409, 429) },
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
  const secure = config.publicUrl.startsWith('https://');

  const startSession = async (c: Parameters<typeof setCookie>[0], userId: string, workspaceId: string) => {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await db.insert(sessions).values({ tokenHash: sha256(token), userId, workspaceId, expiresAt });
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires: expiresAt });
  };

  const router = createRouter();
  router.use('/logout', authenticate({ db }));
  return router
    .openapi(signupRoute, async (c) => {
      const body = c.req.valid('json');
      const timezone = body.timezone && isTimeZone(body.timezone) ? body.timezone : 'UTC';
      const passwordHash = await hashPassword(body.password);
      const created = await db.transaction(async (tx) => {
        const [user] = await tx.insert(users).values({ email: body.email, name: body.name, passwordHash }).onConflictDoNothing().returning();
        if (!user) return null;
        const [workspace] = await tx.insert(workspaces).values({ name: body.workspaceName, timezone, businessHours: defaultHours() }).returning();
        await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user.id, role: 'owner' });
        return { userId: user.id, workspaceId: workspace!.id };
      });
      if (!created) throw conflict('An account with this email already exists; sign in instead');
      await startSession(c, created.userId, created.workspaceId);
      return c.json(await loadMe(db, created.userId, created.workspaceId), 201);
    })
    .openapi(loginRoute, async (c) => {
      const body = c.req.valid('json');
      const [user] = await db.select().from(users).where(eq(users.email, body.email)).limit(1);
      const ok = user ? await verifyPassword(user.passwordHash, body.password) : await verifyAgainstDummy(body.password);
      // One message for both cases: a login form must not reveal which emails have accounts.
      if (!user || !ok) throw new ApiError(401, 'unauthorized', 'Email or password is incorrect');
      const membership = await pickMembership(db, user.id, body.workspaceId);
      if (!membership) throw new ApiError(401, 'unauthorized', 'This account has no access to that workspace');
      await startSession(c, user.id, membership.workspaceId);
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
  const where = workspaceId ? and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)) : eq(memberships.userId, userId);
  const [row] = await db.select().from(memberships).where(where).orderBy(sql`${memberships.createdAt} asc`).limit(1);
  return row;
}

function defaultHours() {
  const day: [string, string][] = [['09:00', '17:00']];
  return { mon: day, tue: day, wed: day, thu: day, fri: day };
}
