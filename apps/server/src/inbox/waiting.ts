/**
 * Conversations waiting for a person (inbox/unanswered.ts marks them; a person's reply or resolving
 * clears the mark) and what the customer said since: the inbox's unread badges, the tab title and
 * browser notifications read this.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';

export interface WaitingConversation {
  id: string;
  contactName: string | null;
  waitingForPersonSince: string;
  /** The customer's messages since the conversation began waiting for a person. */
  unread: number;
}

const LISTED = 50;

/** The workspace's open conversations waiting for a person, longest waiting first, and how many there are. */
export async function waitingForPerson(
  db: Executor,
  workspaceId: string,
): Promise<{ count: number; conversations: WaitingConversation[] }> {
  const result = await db.execute<{ id: string; contact_name: string | null; since: string; unread: number; total: number }>(sql`
    select c.id, ct.name as contact_name, c.waiting_for_person_since::text as since,
      (select count(*) from messages m where m.conversation_id = c.id and m.direction = 'in' and m.created_at >= c.waiting_for_person_since)::int as unread,
      count(*) over ()::int as total
    from conversations c join contacts ct on ct.id = c.contact_id
    where c.workspace_id = ${workspaceId} and c.waiting_for_person_since is not null and c.status in ('open', 'pending')
    order by c.waiting_for_person_since, c.id
    limit ${LISTED}`);
  return {
    count: result.rows[0]?.total ?? 0,
    conversations: result.rows.map((r) => ({
      id: r.id,
      contactName: r.contact_name,
      waitingForPersonSince: new Date(r.since).toISOString(),
      unread: Math.max(1, r.unread),
    })),
  };
}
