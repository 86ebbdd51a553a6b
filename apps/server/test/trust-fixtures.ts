import { memberships, users } from '@switchboard/db';
import { hashPassword } from '../src/services/passwords';
import { call, cookieFrom, type Session, type TestContext } from './helpers';

type Fetchable = Parameters<typeof call>[0];

/**
 * An agent of the workspace, signed in through the real login route. The membership row is made
 * directly (how people join is another test's subject); everything after is HTTP.
 */
export async function agentSession(ctx: TestContext, app: Fetchable, workspaceId: string, name = 'Agent'): Promise<Session> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const password = 'agent password 123';
  const [user] = await ctx.database.db
    .insert(users)
    .values({ email, name, passwordHash: await hashPassword(password) })
    .returning({ id: users.id });
  await ctx.database.db.insert(memberships).values({ workspaceId, userId: user!.id, role: 'agent' });
  const login = await call(app, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`agent login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { cookie: cookieFrom(login.res), userId: user!.id, workspaceId, email };
}

/** An API key of the given role, made by an admin through the API. */
export async function apiKey(
  app: Fetchable,
  admin: Session,
  role: 'agent' | 'admin',
  name = `${role} key`,
): Promise<{ id: string; key: string }> {
  const res = await call(app, 'POST', '/api/api-keys', { cookie: admin.cookie, body: { name, role } });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, key: res.body.key };
}
