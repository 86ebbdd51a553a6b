import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { passwordResetTokens, sessions, users, type Database, type Role } from '@switchboard/db';
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
 * working. `workspaceId` and `createdBy` name the workspace and the admin who made it (both null:
 * the operator's CLI).
 */
export async function createResetLink(
  db: Database,
  publicUrl: string,
  userId: string,
  workspaceId: string | null,
  createdBy: string | null = null,
): Promise<{ url: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + RESET_HOURS * 3_600_000);
  await db.transaction(async (tx) => {
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)));
    await tx.insert(passwordResetTokens).values({ tokenHash: sha256(token), userId, workspaceId, createdBy, expiresAt });
  });
  return { url: resetUrl(publicUrl, token), expiresAt };
}

type Refusal = 'not_member' | 'owner' | 'elsewhere' | 'not_admin';

/**
 * Whether `creatorId` may give a reset link for `userId` in `workspaceId`, judged now. Whoever
 * makes the link can use it, so an admin may only make one for an account that is theirs to
 * manage: a member of this workspace alone, and not an owner unless the admin is one. Asked when
 * the link is made and again when it is used: memberships and roles change in between.
 */
async function refusal(
  db: Pick<Database, 'execute'>,
  workspaceId: string,
  userId: string,
  creatorId: string | null,
): Promise<Refusal | null> {
  const { rows } = await db.execute<{ target: Role | null; creator: Role | null; elsewhere: boolean }>(sql`
    select (select role from memberships where workspace_id = ${workspaceId} and user_id = ${userId}) as target,
           (select role from memberships where workspace_id = ${workspaceId} and user_id = ${creatorId}) as creator,
           exists (select 1 from memberships where user_id = ${userId} and workspace_id <> ${workspaceId}) as elsewhere`);
  const row = rows[0]!;
  if (!row.target) return 'not_member';
  if (row.creator !== 'admin' && row.creator !== 'owner') return 'not_admin';
  if (row.target === 'owner' && row.creator !== 'owner') return 'owner';
  return row.elsewhere ? 'elsewhere' : null;
}

/** An admin's reset link for a member (see `refusal` for who may have one). Anything else is the operator's job (the CLI). */
export async function createMemberResetLink(db: Database, publicUrl: string, auth: AuthContext, userId: string) {
  switch (await refusal(db, auth.workspaceId, userId, auth.principalId)) {
    case 'not_member':
      throw notFound('Member');
    case 'not_admin':
      throw forbidden('This needs the admin role or higher');
    case 'owner':
      throw forbidden('Only an owner can make a reset link for an owner');
    case 'elsewhere':
      throw conflict(
        'This account is also used in another workspace, so only the server operator can reset it (npm run user:reset-link -- EMAIL)',
      );
    case null:
      break;
  }
  const link = await createResetLink(db, publicUrl, userId, auth.workspaceId, auth.principalId);
  await audit(db, auth, 'member.reset_link_created', { type: 'user', id: userId });
  return link;
}

/** Sets the new password once, and signs the account out everywhere. */
export async function resetPassword(db: Database, token: string, password: string): Promise<void> {
  const tokenHash = sha256(token);
  const usable = and(
    eq(passwordResetTokens.tokenHash, tokenHash),
    isNull(passwordResetTokens.usedAt),
    gt(passwordResetTokens.expiresAt, new Date()),
  );
  // Checked before hashing, so a made-up token costs no argon2 run.
  const [found] = await db.select({ userId: passwordResetTokens.userId }).from(passwordResetTokens).where(usable).limit(1);
  if (!found) throw new ApiError(404, 'not_found', INVALID);
  const passwordHash = await hashPassword(password);
  const opened = await db.transaction(async (tx) => {
    const [used] = await tx.update(passwordResetTokens).set({ usedAt: sql`now()` }).where(usable).returning({
      userId: passwordResetTokens.userId,
      workspaceId: passwordResetTokens.workspaceId,
      createdBy: passwordResetTokens.createdBy,
    });
    if (!used) throw new ApiError(404, 'not_found', INVALID);
    // An admin's link opens the account only while the admin could still make it; one that no
    // longer could is spent all the same (the row lock orders this against a join or role change).
    if (used.workspaceId && (await refusal(tx, used.workspaceId, used.userId, used.createdBy))) return false;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, used.userId));
    await tx.delete(sessions).where(eq(sessions.userId, used.userId));
    if (used.workspaceId)
      await audit(tx, { workspaceId: used.workspaceId, userId: used.userId, apiKeyId: null }, 'member.password_reset', {
        type: 'user',
        id: used.userId,
      });
    return true;
  });
  if (!opened) throw new ApiError(404, 'not_found', INVALID);
}
