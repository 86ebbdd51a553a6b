/**
 * Queues that drain: a conversation handed to a person and not yet assigned waits in its team's
 * queue (or the workspace's, with no team). When an agent frees capacity (a conversation of theirs
 * resolved, closed or given to someone else) or becomes available, the longest-waiting queued
 * conversations they may take are assigned to them at once, up to their capacity.
 *
 * Exactly once across processes: each assignment is one transaction that first locks the agent's
 * membership (so their open count cannot move under it), then takes the oldest queued conversation
 * with `for update skip locked` (another process assigning a conversation at the same moment
 * holds its row, and this one takes the next). The lock order, membership then conversation with
 * skip locked, never waits on a conversation, so it cannot deadlock with assignConversation
 * (conversation, then memberships).
 */
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../context';
import { OPEN_STATUSES } from './assignment';
import { publishConversationUpdated } from './publish';

/** More than any capacity the members page allows: a bound on the loop, never reached in practice. */
const MAX_PER_DRAIN = 100;

/**
 * Assigns queued conversations to `userId` while they are available and under capacity, oldest
 * first. Returns the conversation ids assigned, in order.
 */
export async function drainQueueFor(
  deps: Pick<AppDeps, 'db' | 'events' | 'logger'>,
  workspaceId: string,
  userId: string,
): Promise<string[]> {
  const assigned: string[] = [];
  for (let i = 0; i < MAX_PER_DRAIN; i++) {
    const id = await assignOldestQueued(deps, workspaceId, userId);
    if (!id) break;
    assigned.push(id);
    await publishConversationUpdated(deps, workspaceId, id);
  }
  return assigned;
}

async function assignOldestQueued(deps: Pick<AppDeps, 'db'>, workspaceId: string, userId: string): Promise<string | null> {
  return deps.db.transaction(async (tx) => {
    const member = await tx.execute<{ max_conversations: number }>(sql`
      select m.max_conversations from memberships m
      where m.workspace_id = ${workspaceId} and m.user_id = ${userId} and m.available
      for update`);
    if (!member.rows[0]) return null;
    // A statement after the lock: it sees every assignment committed before the lock was ours.
    const taken = await tx.execute<{ id: string }>(sql`
      with next as (
        select c.id from conversations c
        where c.workspace_id = ${workspaceId} and c.assignee_id is null and c.handled_by = 'human'
          and c.status in (${sql.join(
            OPEN_STATUSES.map((s) => sql`${s}`),
            sql`, `,
          )})
          and (c.team_id is null or exists (select 1 from team_members tm where tm.team_id = c.team_id and tm.user_id = ${userId}))
          and (
            select count(*) from conversations mine
            where mine.workspace_id = ${workspaceId} and mine.assignee_id = ${userId} and mine.status in ('open', 'pending')
          ) < ${member.rows[0].max_conversations}
        order by coalesce(c.waiting_since, c.created_at), c.id
        limit 1
        for update of c skip locked
      )
      update conversations c set assignee_id = ${userId}, updated_at = now()
      from next where c.id = next.id and c.assignee_id is null
      returning c.id`);
    const id = taken.rows[0]?.id ?? null;
    if (id) {
      await tx.execute(
        sql`update memberships set last_assigned_at = clock_timestamp() where workspace_id = ${workspaceId} and user_id = ${userId}`,
      );
    }
    return id;
  });
}
