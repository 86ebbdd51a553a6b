import { z } from 'zod';
import type { AppDeps } from '../../context';
import { advanceRun } from './advance';

export const AdvanceRunPayload = z.object({ runId: z.string().uuid() });

/** The advance_run task: continues a run started outside routing (webhook, schedule) or left running by a crash. */
export async function advanceRunTask(deps: AppDeps, raw: unknown) {
  const { runId } = AdvanceRunPayload.parse(raw);
  return advanceRun(deps, runId);
}
