import { and, eq, gt, sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { apiKeys, memberships, sessions, type Database, type Role } from '@switchboard/db';
import { roleRank } from '../../../accounts/standing';
import type { AppEnv, AuthContext } from '../../../context';
import { sha256 } from '../../../services/crypto';
import { forbidden, unauthorized } from '../../errors';

export const SESSION_COOKIE = 'sb_session';
export const API_KEY_PREFIX = 'sb_';

export interface AuthOptions {
  db: Database;
}

/**
 * Resolves the caller's workspace once per request, from the session cookie or an
 * `Authorization: Bearer sb_...` API key. Every route after it reads `c.var.auth`
 * and scopes its queries to `auth.workspaceId`.
 */
export function authenticate(options: AuthOptions): MiddlewareHandler<AppEnv> {
  const { db } = options;
  return async (c, next) => {
    const header = c.req.header('authorization');
    const auth = header ? await fromApiKey(db, header) : await fromSession(db, getCookie(c, SESSION_COOKIE));
    if (!auth) throw unauthorized(header ? 'The API key is invalid or revoked' : 'Sign in or send an API key');
    c.set('auth', auth);
    await next();
  };
}

/** Refuses callers whose role is below `minimum` (owner > admin > agent). */
export function requireRole(minimum: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (roleRank[c.var.auth.role] < roleRank[minimum]) throw forbidden(`This needs the ${minimum} role or higher`);
    await next();
  };
}

async function fromSession(db: Database, token: string | undefined): Promise<AuthContext | null> {
  if (!token) return null;
  const tokenHash = sha256(token);
  const [row] = await db
    .select({ userId: sessions.userId, workspaceId: sessions.workspaceId, role: memberships.role })
    .from(sessions)
    .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row ? { ...row, apiKeyId: null, sessionTokenHash: tokenHash, principalId: row.userId } : null;
}

/** The token of an `Authorization: Bearer <token>` header (any case, any spacing), or null. */
export function bearerToken(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

/**
 * A key acts with its creator's authority, never more: its role is the lower of the role it was
 * made with and its creator's role in the workspace now, and it stops working when the creator
 * is no longer a member (or unknown). One query: the membership comes with the key.
 */
async function fromApiKey(db: Database, header: string): Promise<AuthContext | null> {
  const token = bearerToken(header);
  if (!token?.startsWith(API_KEY_PREFIX)) return null;
  const [row] = await db
    .select({
      id: apiKeys.id,
      workspaceId: apiKeys.workspaceId,
      role: apiKeys.role,
      creatorId: memberships.userId,
      creatorRole: memberships.role,
    })
    .from(apiKeys)
    .innerJoin(memberships, and(eq(memberships.userId, apiKeys.createdBy), eq(memberships.workspaceId, apiKeys.workspaceId)))
    .where(eq(apiKeys.keyHash, sha256(token)))
    .limit(1);
  if (!row) return null;
  // Touch last_used_at at most once a minute: a write per request would cost more than the lookup.
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.id, row.id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`));
  const role = roleRank[row.creatorRole] < roleRank[row.role] ? row.creatorRole : row.role;
  return { workspaceId: row.workspaceId, role, userId: null, apiKeyId: row.id, sessionTokenHash: null, principalId: row.creatorId };
}
