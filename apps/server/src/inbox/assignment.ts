import { and, eq, sql } from 'drizzle-orm';
import { conversations, memberships, teams, type Executor } from '@switchboard/db';

export interface AssignInput {
  workspaceId: string;
  conversationId: string;
  /** `anyone`: an available member of the whole workspace, whatever their teams. */
  to: 'anyone' | 'agent' | 'team' | 'unassign';
  /** A named agent: assigned directly, whatever their load (a person chose them). */
  userId?: string | null;
  teamId?: string | null;
  strategy?: 'round_robin' | 'least_busy';
}

/** An agent or team id that is not the workspace's: never assigned, whoever asked. */
export class NotInWorkspaceError extends Error {
  override name = 'NotInWorkspaceError';
  constructor(
    readonly field: 'userId' | 'teamId',
    id: string,
  ) {
    super(`${field === 'userId' ? 'The agent' : 'The team'} ${id} is not part of this workspace`);
  }
}

/** Conversations that count against an agent's capacity. */
export const OPEN_STATUSES = ['open', 'pending'] as const;

/**
 * Assigns a conversation. `to: 'agent'` with a userId assigns that member; without one,
 * `to: 'anyone'` and `to: 'team'` pick among available members (of the team, when given; `anyone`
 * never narrows to a team, so a business without teams is served) whose open conversations
 * are under their capacity: round robin by who was assigned longest ago, or least busy. Candidate
 * memberships are locked in a fixed order, so concurrent assignments never exceed a capacity and
 * never deadlock. Returns the assignee's user id, or null: nobody free (the conversation waits,
 * unassigned, in the team's queue) or unassigned on purpose.
 */
export async function assignConversation(tx: Executor, input: AssignInput): Promise<string | null> {
  const [conversation] = await tx
    .select({ id: conversations.id, teamId: conversations.teamId })
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.workspaceId, input.workspaceId)))
    .for('update');
  if (!conversation) throw new Error(`conversation ${input.conversationId} not found in workspace`);
  // A flow published before its team was deleted, or a caller's id: never another tenant's team.
  if (input.teamId && input.teamId !== conversation.teamId) {
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.id, input.teamId), eq(teams.workspaceId, input.workspaceId)));
    if (!team) throw new NotInWorkspaceError('teamId', input.teamId);
  }

  if (input.to === 'unassign') {
    await setAssignee(tx, input.conversationId, null, input.teamId === undefined ? conversation.teamId : input.teamId);
    return null;
  }

  const teamId =
    input.to === 'anyone'
      ? null
      : input.teamId === undefined || input.teamId === null
        ? input.to === 'team'
          ? conversation.teamId
          : null
        : input.teamId;
  if (input.to === 'agent' && input.userId) {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)))
      .for('update');
    if (!member) throw new NotInWorkspaceError('userId', input.userId);
    await setAssignee(tx, input.conversationId, member.userId, teamId ?? conversation.teamId);
    await touchMember(tx, input.workspaceId, member.userId);
    return member.userId;
  }

  const chosen = await pickAgent(tx, input.workspaceId, input.conversationId, teamId, input.strategy ?? 'round_robin');
  await setAssignee(tx, input.conversationId, chosen, teamId ?? conversation.teamId);
  if (chosen) await touchMember(tx, input.workspaceId, chosen);
  return chosen;
}

async function pickAgent(
  tx: Executor,
  workspaceId: string,
  conversationId: string,
  teamId: string | null,
  strategy: 'round_robin' | 'least_busy',
) {
  const teamFilter = teamId
    ? sql`and exists (select 1 from team_members tm where tm.team_id = ${teamId} and tm.user_id = m.user_id)`
    : sql``;
  // Lock first (fixed order), count second: the counts are then stable until we commit.
  await tx.execute(sql`
    select m.id from memberships m
    where m.workspace_id = ${workspaceId} and m.available ${teamFilter}
    order by m.id
    for update`);
  const order =
    strategy === 'least_busy'
      ? sql`open_count asc, m.last_assigned_at asc nulls first, m.user_id`
      : sql`m.last_assigned_at asc nulls first, open_count asc, m.user_id`;
  const result = await tx.execute<{ user_id: string }>(sql`
    select m.user_id, (
      select count(*) from conversations c
      where c.workspace_id = m.workspace_id and c.assignee_id = m.user_id
        and c.status in ('open', 'pending') and c.id <> ${conversationId}
    ) as open_count
    from memberships m
    where m.workspace_id = ${workspaceId} and m.available ${teamFilter}
      and (
        select count(*) from conversations c
        where c.workspace_id = m.workspace_id and c.assignee_id = m.user_id
          and c.status in ('open', 'pending') and c.id <> ${conversationId}
      ) < m.max_conversations
    order by ${order}
    limit 1`);
  return result.rows[0]?.user_id ?? null;
}

async function setAssignee(tx: Executor, conversationId: string, assigneeId: string | null, teamId: string | null) {
  await tx.update(conversations).set({ assigneeId, teamId, updatedAt: sql`now()` }).where(eq(conversations.id, conversationId));
}

async function touchMember(tx: Executor, workspaceId: string, userId: string) {
  await tx
    .update(memberships)
    .set({ lastAssignedAt: sql`clock_timestamp()` })
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
}
