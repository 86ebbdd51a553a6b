import { sql, type SQL } from 'drizzle-orm';

/**
 * A subquery: some run of the conversation waits for the customer's reply (a message there resumes
 * it, so its routing takes the careful path). `conversationId` is a value or an SQL expression.
 */
export const waitingForReply = (conversationId: SQL | string) => sql`
  select 1 from run_waits w
  where w.conversation_id = ${conversationId} and w.kind = 'reply' and w.resolved_at is null and ${runIsWaiting('w')}`;

/**
 * The wait's run is waiting, read by the run's primary key. Not a join: a generic plan made before
 * the first ANALYZE joined run_waits to a sequential scan of workflow_runs, every run of every
 * workspace for each message in a conversation with a wait (seen: 3,283 scans in one ask phase).
 */
export const runIsWaiting = (wait: string) => sql`(select r.status from workflow_runs r where r.id = ${sql.raw(wait)}.run_id) = 'waiting'`;
