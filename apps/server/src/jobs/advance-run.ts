import { z } from 'zod';
import type { AppDeps } from '../context';
import { advanceRun } from '../flows/advance';
import type { DeferFinalWrite } from './inline-job-statements';

export const AdvanceRunPayload = z.object({ runId: z.string().uuid() });

/** advance_run: continues a run started outside route_event (webhook, schedule) or left running by a crash. */
export async function advanceRunTask(deps: AppDeps, raw: unknown, deferFinalWrite?: DeferFinalWrite) {
  const { runId } = AdvanceRunPayload.parse(raw);
  return advanceRun(deps, runId, undefined, deferFinalWrite);
}
