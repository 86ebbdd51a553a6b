import { sql, type SQL } from 'drizzle-orm';

/**
 * A subquery: some run of the conversation waits for the customer's reply (a message there resumes
 * it, so its routing takes the careful path). `conversationId` is a value or an SQL expression.
 */
export const waitingForReply = (conversationId: SQL | string) => sql`
  select 1 from run_waits w join workflow_runs r on r.id = w.run_id
  where w.conversation_id = ${conversationId} and w.kind = 'reply' and w.resolved_at is null and r.status = 'waiting'`;
