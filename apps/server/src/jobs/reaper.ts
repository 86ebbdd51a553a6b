import { sql } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { Logger } from '../logger';
import { queueStrandedReplies } from './express-delivery';
import type { InlineJobs } from './inline-jobs';

/** How long a worker id may stay silent before its locked jobs are handed to others. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
export const STALE_AFTER_MS = 10_000;
/** Every 5th beat (10 s): look for express replies whose sender died (see express-delivery.ts). */
const SWEEP_EVERY_BEATS = 5;

/**
 * Keeps this process's Graphile worker ids (and its inline jobs' id) alive in worker_heartbeats, unlocks jobs held by ids
 * that went quiet, and queues the express replies a dead process did not send. Graphile alone would leave a job locked by a process killed
 * with -9 for 4 hours; here it is retried within about STALE_AFTER_MS.
 */
export function startReaper(db: Database, logger: Logger, workerIds: () => string[], inlineJobs?: InlineJobs) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let beats = 0;
  const beat = async () => {
    const ids = workerIds();
    if (ids.length) {
      await db.execute(sql`
        insert into worker_heartbeats (worker_id, last_seen)
        select unnest(${sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::text[]`}), now()
        on conflict (worker_id) do update set last_seen = excluded.last_seen`);
    }
    const stale = await db.execute<{ locked_by: string }>(sql`
      select distinct j.locked_by from graphile_worker._private_jobs j
      where j.locked_by is not null
        and not exists (
          select 1 from worker_heartbeats h
          where h.worker_id = j.locked_by and h.last_seen > now() - make_interval(secs => ${STALE_AFTER_MS / 1000}))`);
    const dead = stale.rows.map((r) => r.locked_by);
    if (dead.length) {
      await db.execute(sql`select graphile_worker.force_unlock_workers(${sql`array[${sql.join(dead.map((id) => sql`${id}`), sql`, `)}]::text[]`})`);
      logger.warn({ workers: dead }, 'unlocked jobs held by workers that stopped answering');
    }
    await db.execute(sql`delete from worker_heartbeats where last_seen < now() - interval '1 hour'`);
    const orphans = (await inlineJobs?.releaseOrphans()) ?? 0;
    if (orphans) logger.warn({ jobs: orphans }, 'released inline jobs whose end could not be recorded');
    if (++beats % SWEEP_EVERY_BEATS === 0) {
      const conversations = await queueStrandedReplies(db);
      if (conversations) logger.warn({ conversations }, 'queued delivery jobs for replies a stopped process did not send');
    }
  };
  const loop = () => {
    if (stopped) return;
    beat()
      .catch((err) => logger.warn({ err: (err as Error).message }, 'heartbeat failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, HEARTBEAT_INTERVAL_MS);
      });
  };
  loop();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
