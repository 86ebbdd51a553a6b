/**
 * A message arriving while an AI agent's run of the conversation is working (its tool steps are
 * running; it is not waiting for a reply) and the bot has the conversation belongs to that run: no other flow starts for it, and the
 * agent hears it at its next model call (hear-customer.ts). Only another live flow's exact keyword
 * takes it instead, as it would from a waiting question: the agent's run ends "Interrupted by
 * <flow>" and that flow starts.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import type { ActiveFlow } from './active-flows';
import { chooseFlow, interruptedBy, type MessageEvent, type WaitingRun } from './choose-flow';
import { LEFT_FOR_RUN } from './hear-customer';
import { startRun, type RunRow, type StartRunInput } from './start-run';

/** The SQL condition "run `r` stands on an AI agent node of its flow version" (for routing's read). */
export const standsOnAiAgent = (run: string) =>
  sql.raw(`exists (select 1 from workflow_versions v, jsonb_array_elements(v.definition->'nodes') n
                   where v.id = ${run}.version_id and n->>'id' = ${run}.current_node_id and n->>'type' = 'action.ai_agent')`);

/**
 * Routes a message (claimed by the caller's transaction `tx`) to the conversation's working agent
 * run: left for it, or, on another flow's exact keyword, the run interrupted and that flow started.
 */
export async function routeToWorkingAgent(
  tx: Executor,
  flows: readonly ActiveFlow[],
  event: MessageEvent,
  agent: WaitingRun,
  messageId: string,
  runInput: (flow: ActiveFlow) => StartRunInput,
): Promise<RunRow[]> {
  const choice = chooseFlow(flows, event, agent);
  if (!choice.interrupt) {
    await tx.execute(
      sql`update messages set meta = meta || jsonb_build_object(${LEFT_FOR_RUN}::text, ${agent.runId}::text) where id = ${messageId}`,
    );
    return [];
  }
  const ended = await tx.execute(sql`
    update workflow_runs set status = 'cancelled', error = ${interruptedBy(choice.interrupt.byName)}, finished_at = now(), updated_at = now()
    where id = ${agent.runId} and status = 'running'`);
  if (!ended.rowCount) {
    // The run ended meanwhile: the message is left for nobody, so the flows it picks start.
    return startAll(tx, chooseFlow(flows, event, null).start, runInput);
  }
  return startAll(tx, choice.start, runInput);
}

async function startAll(tx: Executor, flows: ActiveFlow[], runInput: (flow: ActiveFlow) => StartRunInput): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const flow of flows) rows.push(await startRun(tx, runInput(flow)));
  return rows;
}
