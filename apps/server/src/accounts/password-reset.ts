import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { memberships, passwordResetTokens, sessions, users, type Database } from '@switchboard/db';
import type { AuthContext } from '../context';
import { ApiError, conflict, forbidden, notFound } from '../http/errors';
import { audit } from '../services/audit';
import { randomToken, sha256 } from '../services/crypto';
import { hashPassword } from '../services/passwords';

const RESET_HOURS = 24;
const INVALID = 'This reset link is invalid, used or expired; ask for a new one';

export function resetUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/reset/${token}`;
}

/**
 * A one-time link that sets a new password for `userId`; older unused links of the account stop
 * working. `workspaceId` is the workspace whose admin made it (null: the operator's CLI).
 */
export async function createResetLink(db: Database, publicUrl: string, userId: string, workspaceId: string | null): Promise<{ url: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + RESET_HOURS * 3_600_000);
  await db.transaction(async (tx) => {
    await tx.update(passwordResetTokens).set({ usedAt: sql`now()` }).where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)));
    await tx.insert(passwordResetTokens).values({ tokenHash: sha256(token), userId, workspaceId, expiresAt });
  });
  return { url: resetUrl(publicUrl, token), expiresAt };
}

/**
 * An admin's reset link for a member. Whoever makes the link can use it, so an admin may only
 * make one for an account that is theirs to manage: a member of this workspace alone, and not
 * an owner unless the admin is one. Anything else is the operator's job (the CLI).
 */
export async function createMemberResetLink(db: Database, publicUrl: string, auth: AuthContext, userId: string) {
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, auth.workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!member) throw notFound('Member');
  if (member.role === 'owner' && auth.role !== 'owner') throw forbidden('Only an owner can make a reset link for an owner');
  const [elsewhere] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), ne(memberships.workspaceId, auth.workspaceId)))
    .limit(1);
  if (elsewhere) throw conflict('This account is also used in another workspace, so only the server operator can reset it (npm run user:reset-link -- EMAIL)');
  const link = await createResetLink(db, publicUrl, userId, auth.workspaceId);
  await audit(db, auth, 'member.reset_link_created', { type: 'user', id: userId });
  return link;
}

/** Sets the new password once, and signs the account out everywhere. */
export async function resetPassword(db: Database, token: string, password: string): Promise<void> {
  const tokenHash = sha256(token);
  const usable = and(eq(passwordResetTokens.tokenHash, tokenHash), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, new Date()));
  // Checked before hashing, so a made-up token costs no argon2 run.
  const [found] = await db.select({ userId: passwordResetTokens.userId }).from(passwordResetTokens).where(usable).limit(1);
  if (!found) throw new ApiError(404, 'not_found', INVALID);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [used] = await tx.update(passwordResetTokens).set({ usedAt: sql`now()` }).where(usable).returning({ userId: passwordResetTokens.userId, workspaceId: passwordResetTokens.workspaceId });
    if (!used) throw new ApiError(404, 'not_found', INVALID);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, used.userId));
    await tx.delete(sessions).where(eq(sessions.userId, used.userId));
    if (used.workspaceId) await audit(tx, { workspaceId: used.workspaceId, userId: used.userId, apiKeyId: null }, 'member.password_reset', { type: 'user', id: used.userId });
  });
}
