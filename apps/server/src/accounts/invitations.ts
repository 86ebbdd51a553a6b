import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { invitations, memberships, users, workspaces, type Database, type Role } from '@switchboard/db';
import type { AuthContext } from '../context';
import { ApiError, conflict, forbidden, notFound } from '../http/errors';
import { audit } from '../services/audit';
import { randomToken, sha256 } from '../services/crypto';
import { hashPassword } from '../services/passwords';
import { invitableRoles, voidResetLinksFor } from './standing';

const INVITATION_DAYS = 7;
const INVALID = 'This invitation link is invalid, used or expired; ask for a new one';

export type Invitation = typeof invitations.$inferSelect;

/** The link an invitee opens; the token in it is stored only as its SHA-256. */
export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/invite/${token}`;
}

/**
 * Makes a one-time link to join the workspace. It never looks at accounts outside the
 * workspace: the answer is the same whether the address has an account or not.
 */
export async function createInvitation(
  db: Database,
  auth: AuthContext,
  input: { email: string; role: Role },
): Promise<{ invitation: Invitation; token: string }> {
  if (input.role === 'owner' && auth.role !== 'owner') throw forbidden('Only an owner can invite an owner');
  const token = randomToken();
  const invitation = await db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, auth.workspaceId), eq(users.email, input.email)))
      .limit(1);
    if (member) throw conflict('This person is already a member');
    // Inviting the same address again replaces its pending link.
    await tx
      .delete(invitations)
      .where(and(eq(invitations.workspaceId, auth.workspaceId), eq(invitations.email, input.email), isNull(invitations.acceptedAt)));
    const [row] = await tx
      .insert(invitations)
      .values({
        workspaceId: auth.workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: auth.principalId,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      })
      .returning();
    await audit(tx, auth, 'invitation.created', { type: 'invitation', id: row!.id }, { fields: ['email', 'role'] });
    return row!;
  });
  return { invitation, token };
}

/** Pending invitations of a workspace, newest first (expired ones too, so they can be re-sent). */
export function listInvitations(db: Database, workspaceId: string): Promise<Invitation[]> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt)))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(db: Database, auth: AuthContext, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(invitations)
      .where(and(eq(invitations.id, id), eq(invitations.workspaceId, auth.workspaceId), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (!removed.length) throw notFound('Invitation');
    await audit(tx, auth, 'invitation.revoked', { type: 'invitation', id });
  });
}

/** A usable invitation and its workspace's name, or a 404 that is the same for every reason. */
export async function findInvitation(db: Database, token: string): Promise<{ invitation: Invitation; workspaceName: string }> {
  const [row] = await db
    .select({ invitation: invitations, workspaceName: workspaces.name, inviterRole: memberships.role })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(memberships, and(eq(memberships.workspaceId, invitations.workspaceId), eq(memberships.userId, invitations.invitedBy)))
    .where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
    .limit(1);
  if (!row || !invitableRoles(row.inviterRole).includes(row.invitation.role)) throw new ApiError(404, 'not_found', INVALID);
  return { invitation: row.invitation, workspaceName: row.workspaceName };
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Locks the invitation for this transaction: two accepts of one link cannot both succeed. It
 * works only while whoever made it could still make it (an admin or owner of the workspace,
 * with a role at least the one it grants); demotion and removal also revoke such invitations.
 */
async function claim(tx: Tx, token: string): Promise<Invitation> {
  const [row] = await tx
    .select({ invitation: invitations, inviterRole: memberships.role })
    .from(invitations)
    .leftJoin(memberships, and(eq(memberships.workspaceId, invitations.workspaceId), eq(memberships.userId, invitations.invitedBy)))
    .where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
    .for('update', { of: invitations })
    .limit(1);
  if (!row || !invitableRoles(row.inviterRole).includes(row.invitation.role)) throw new ApiError(404, 'not_found', INVALID);
  return row.invitation;
}

async function join(tx: Tx, invitation: Invitation, userId: string): Promise<void> {
  await tx.insert(memberships).values({ workspaceId: invitation.workspaceId, userId, role: invitation.role }).onConflictDoNothing();
  await tx.update(invitations).set({ acceptedAt: sql`now()` }).where(eq(invitations.id, invitation.id));
  // A reset link made while the account belonged elsewhere only must not open this workspace.
  await voidResetLinksFor(tx, userId);
  const actor = { workspaceId: invitation.workspaceId, userId, apiKeyId: null };
  await audit(tx, actor, 'invitation.accepted', { type: 'invitation', id: invitation.id }, { fields: ['role'] });
}

/**
 * The invitee has no account yet: it is created with the password they chose. An address that
 * already has an account is never given a new password here; its owner signs in and accepts.
 */
export async function acceptAsNewAccount(
  db: Database,
  token: string,
  input: { name: string; password: string },
): Promise<{ userId: string; workspaceId: string }> {
  await findInvitation(db, token);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const invitation = await claim(tx, token);
    const [user] = await tx
      .insert(users)
      .values({ email: invitation.email, name: input.name, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) throw conflict('This address already has an account: sign in, then open the link again to accept');
    await join(tx, invitation, user.id);
    return { userId: user.id, workspaceId: invitation.workspaceId };
  });
}

/** A signed-in account accepts: only the account the invitation was addressed to. */
export async function acceptAsSignedIn(db: Database, token: string, userId: string): Promise<{ userId: string; workspaceId: string }> {
  return db.transaction(async (tx) => {
    const invitation = await claim(tx, token);
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
    if (!user || user.email !== invitation.email) throw forbidden('This invitation was sent to another address; sign in with that one');
    await join(tx, invitation, userId);
    return { userId, workspaceId: invitation.workspaceId };
  });
}
