import type { Executor } from '@switchboard/db';
import { enqueue } from '../queue/enqueue';
import { TASKS } from '../queue/names';

/** One broadcast's slices run one at a time, in order. */
const broadcastQueue = (broadcastId: string) => `broadcast:${broadcastId}`;

/**
 * Queues the broadcast's next slice. A slice due within a second is queued to run now (the worker
 * is notified at once) and waits for its moment itself: a job due a second later would be found
 * only at the worker's next poll, and the pace would drift.
 */
export async function enqueueBroadcastTick(
  db: Executor,
  workspaceId: string,
  broadcastId: string,
  dueAt: Date,
  previousAt?: Date,
): Promise<void> {
  const soon = dueAt.getTime() - Date.now() <= 1_000;
  await enqueue(
    db,
    TASKS.broadcastTick,
    { workspaceId, broadcastId, dueAt: dueAt.toISOString(), ...(previousAt && { previousAt: previousAt.toISOString() }) },
    {
      queueName: broadcastQueue(broadcastId),
      jobKey: broadcastQueue(broadcastId),
      ...(!soon && { runAt: dueAt }),
      maxAttempts: 10,
    },
  );
}
