import { and, eq, gt } from 'drizzle-orm';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sessions, type Database } from '@switchboard/db';
import { randomToken, sha256 } from '../services/crypto';
import { SESSION_COOKIE } from '../http/middleware/auth/index';

const SESSION_DAYS = 30;

/** Opens a session in one workspace and sets its httpOnly cookie; only the token's hash is stored. */
export async function startSession(c: Context, db: Database, publicUrl: string, userId: string, workspaceId: string): Promise<void> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.insert(sessions).values({ tokenHash: sha256(token), userId, workspaceId, expiresAt });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: publicUrl.startsWith('https://'),
    path: '/',
    expires: expiresAt,
  });
}

/** The signed-in user of a request's session cookie, on routes that also serve anonymous callers. */
export async function sessionUser(c: Context, db: Database): Promise<{ userId: string; tokenHash: string } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const tokenHash = sha256(token);
  const [row] = await db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row ? { userId: row.userId, tokenHash } : null;
}
