import { sql } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { WorkerUtils } from 'graphile-worker';
import type { Logger } from '../logger';

/** How often this process says its lock holders are alive, and how long silence means dead. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
export const STALE_AFTER_MS = 10_000;

/**
 * Graphile Worker keeps the jobs a killed process held locked for 4 hours. Every lock holder of
 * this process (its worker pool's id, which locks the local queue's batches, and each worker's id)
 * beats in worker_heartbeats; a holder that went quiet for STALE_AFTER_MS is dead, and its jobs
 * and queues are freed with the library's own `forceUnlockWorkers`. Each process sweeps for all:
 * the last one alive frees the others' jobs.
 */
export function startHeartbeat(db: Database, utils: WorkerUtils, logger: Logger, holderIds: () => string[]) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const beat = async () => {
    const ids = holderIds();
    if (ids.length) {
      await db.execute(sql`
        insert into worker_heartbeats (worker_id, last_seen)
        select unnest(${sql`array[${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )}]::text[]`}), now()
        on conflict (worker_id) do update set last_seen = excluded.last_seen`);
    }
    const stale = await db.execute<{ worker_id: string }>(sql`
      select worker_id from worker_heartbeats where last_seen < now() - make_interval(secs => ${STALE_AFTER_MS / 1000})`);
    const dead = stale.rows.map((r) => r.worker_id);
    if (!dead.length) return;
    await utils.forceUnlockWorkers(dead);
    // Forgotten only once its jobs are free: a failed unlock is tried again on the next beat.
    await db.execute(
      sql`delete from worker_heartbeats where worker_id = any(${sql`array[${sql.join(
        dead.map((id) => sql`${id}`),
        sql`, `,
      )}]::text[]`})`,
    );
    logger.warn({ workers: dead }, 'freed the jobs of job runners that stopped answering');
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
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
