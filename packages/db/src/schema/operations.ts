import { pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns';

/**
 * Live Graphile worker ids and when each last said so. Jobs locked by an id that went
 * quiet (a process killed with -9) are unlocked by the reaper instead of waiting for
 * Graphile's 4-hour lock timeout. Not a tenant table: it describes processes.
 */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  workerId: text('worker_id').primaryKey(),
  lastSeen: tstz('last_seen').notNull().defaultNow(),
});
