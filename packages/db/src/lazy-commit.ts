import { sql } from 'drizzle-orm';

/**
 * A condition, always true, that makes the statement it is in commit without waiting for its WAL
 * to reach the disk (`synchronous_commit = off` for that statement's own transaction only).
 *
 * Only for a statement whose loss in a Postgres crash is harmless because the work is redone:
 * the writes on the way from a stored message to its reply (routing it, a flow step, completing its
 * job). What the outside world sees stays durable first: the webhook is answered only after the
 * message's synchronous commit, and a reply is sent only after its attempt is counted in a
 * synchronous commit, which, WAL being one sequence, also makes every earlier lazy commit durable.
 * A crash in between loses at most the redoable part, as a process crash there already would.
 * Under load this takes a WAL flush wait (with the group-commit lock) off three of the message's
 * statements.
 */
export const commitsLazily = sql`(select set_config('synchronous_commit', 'off', true)) = 'off'`;
