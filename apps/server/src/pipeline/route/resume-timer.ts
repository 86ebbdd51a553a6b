import { and, eq, isNull } from 'drizzle-orm';
import { runWaits, workflowRuns } from '@switchboard/db';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { advanceRun } from '../advance/advance';

export const ResumeWaitPayload = z.object({ runId: z.string().uuid(), waitId: z.string().uuid() });

/**
 * The resume_wait task, the route stage's timer side: a delay elapsed or a question timed out. The wait row is resolved under
 * a guard, so a reply that resolved it first wins and this timer does nothing.
 */
export async function resumeTimerTask(deps: AppDeps, raw: unknown) {
  const { runId, waitId } = ResumeWaitPayload.parse(raw);
  const resumed = await deps.db.transaction(async (tx) => {
    const [wait] = await tx
      .update(runWaits)
      .set({ resolvedAt: new Date() })
      .where(and(eq(runWaits.id, waitId), eq(runWaits.runId, runId), isNull(runWaits.resolvedAt)))
      .returning({ kind: runWaits.kind });
    if (!wait) return false;
    const updated = await tx
      .update(workflowRuns)
      .set({ status: 'running', resume: { kind: wait.kind === 'delay' ? 'delay_done' : 'timeout' }, updatedAt: new Date() })
      .where(and(eq(workflowRuns.id, runId), eq(workflowRuns.status, 'waiting')))
      .returning({ id: workflowRuns.id });
    return updated.length > 0;
  });
  // Also advance when not resumed here: a crash after the commit above leaves the run running.
  if (resumed || !(await isWaiting(deps, runId))) await advanceRun(deps, runId);
}

async function isWaiting(deps: AppDeps, runId: string) {
  const [run] = await deps.db.select({ status: workflowRuns.status }).from(workflowRuns).where(eq(workflowRuns.id, runId));
  return run?.status === 'waiting';
}
