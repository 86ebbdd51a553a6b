import { and, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { apiKeys, invitations, passwordResetTokens, roles, type Database, type Role } from '@switchboard/db';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export const roleRank: Record<Role, number> = { agent: 1, admin: 2, owner: 3 };

/** Roles someone with `role` may hand out by invitation: none below admin, never above their own. */
export function invitableRoles(role: Role | null): Role[] {
  if (!role || roleRank[role] < roleRank.admin) return [];
  return roles.filter((r) => roleRank[r] <= roleRank[role]);
}

/**
 * A reset link is judged when it is made: this account, these memberships. Any change to them
 * (a new workspace, another role) voids the account's unused links, so a link made while it
 * belonged to one workspace cannot open it once it has joined another or become an owner.
 */
export async function voidResetLinksFor(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)));
}

/**
 * What a member made with their role lapses when they lose it. Runs in the transaction that
 * gives `userId` the role `newRole` in `workspaceId`, or removes them (`null`):
 * - reset links for them, and the unused reset links they made here, stop working;
 * - pending invitations they could not make now are revoked;
 * - removed: their API keys here are deleted (keys already follow their creator's current role,
 *   see the auth middleware; deleting them means rejoining later does not revive them).
 */
export async function onRoleChange(tx: Tx, workspaceId: string, userId: string, newRole: Role | null): Promise<void> {
  await voidResetLinksFor(tx, userId);
  await tx
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(passwordResetTokens.createdBy, userId), eq(passwordResetTokens.workspaceId, workspaceId), isNull(passwordResetTokens.usedAt)),
    );
  const keep = invitableRoles(newRole);
  await tx
    .delete(invitations)
    .where(
      and(
        eq(invitations.workspaceId, workspaceId),
        eq(invitations.invitedBy, userId),
        isNull(invitations.acceptedAt),
        keep.length ? notInArray(invitations.role, keep) : undefined,
      ),
    );
  if (!newRole) await tx.delete(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.createdBy, userId)));
}
