import { z } from 'zod';
import type { AppDeps } from '../context';
import { advanceRun } from '../flows/advance';
import type { RunRow } from '../flows/start-run';
import type { FlowContext } from '../flows/run-context';
import type { DeferFinalWrite } from './inline-job-statements';

export const AdvanceRunPayload = z.object({ runId: z.string().uuid() });

/** A run as the statement that started it stored it, with the flow context that statement read (see flows/start-webhook-run.ts). */
export type StartedRun = { run: RunRow; context: FlowContext };

/**
 * advance_run: continues a run started outside route_event (webhook, schedule) or left running by a
 * crash. The process that started the run may hand it over in memory (`started`): the first step
 * then reads neither the run nor its context.
 */
export async function advanceRunTask(deps: AppDeps, raw: unknown, deferFinalWrite?: DeferFinalWrite, started?: StartedRun) {
  const { runId } = AdvanceRunPayload.parse(raw);
  return advanceRun(deps, runId, started?.run.id === runId ? started : undefined, deferFinalWrite);
}
