import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { channels, conversations, messages, runWaits, workflowRuns, type Executor } from '@switchboard/db';
import { z } from 'zod';
import type { AppDeps } from '../context';
import type { ActiveFlowCache } from '../flows/active-flows';
import { advanceRun } from '../flows/advance';
import { flowsForMessage, flowsForTags } from '../flows/match-triggers';
import { startRun } from '../flows/start-run';

export const RouteEventPayload = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    workspaceId: z.string().uuid(),
    conversationId: z.string().uuid(),
    messageId: z.string().uuid(),
    contactId: z.string().uuid(),
    channelId: z.string().uuid(),
    isFirstMessage: z.boolean().default(false),
    conversationOpened: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('tag_added'),
    workspaceId: z.string().uuid(),
    contactId: z.string().uuid(),
    conversationId: z.string().uuid().nullable(),
    tags: z.array(z.string()),
    sourceRunId: z.string().uuid().optional(),
  }),
]);
export type RouteEventPayload = z.infer<typeof RouteEventPayload>;

/**
 * route_event: what does this event start or resume? A run waiting for this
 * conversation's reply resumes; otherwise every matching published flow starts a run.
 * The routing decision commits first (the message is marked routed in the same
 * transaction), then the runs advance inline in this job, which keeps one conversation's
 * events strictly ordered by its queue. A retried job finds the message routed and only
 * advances the conversation's runs that are still running.
 */
export async function routeEvent(deps: AppDeps, cache: ActiveFlowCache, raw: unknown): Promise<string[]> {
  const payload = RouteEventPayload.parse(raw);
  const runIds = payload.kind === 'message' ? await routeMessage(deps, cache, payload) : await routeTags(deps, cache, payload);
  const pending = payload.conversationId ? await runningRuns(deps.db, payload.conversationId) : runIds;
  for (const runId of new Set([...runIds, ...pending])) await advanceRun(deps, runId);
  return runIds;
}

async function routeMessage(deps: AppDeps, cache: ActiveFlowCache, payload: Extract<RouteEventPayload, { kind: 'message' }>) {
  const flows = await cache.get(payload.workspaceId);
  return deps.db.transaction(async (tx) => {
    const claimed = await tx
      .update(messages)
      .set({ routedAt: new Date() })
      .where(and(eq(messages.id, payload.messageId), isNull(messages.routedAt), eq(messages.direction, 'in')))
      .returning({ text: messages.text });
    if (!claimed.length) return [];
    const [conversation] = await tx
      .select({ handledBy: conversations.handledBy, channelType: channels.type })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(and(eq(conversations.id, payload.conversationId), eq(conversations.workspaceId, payload.workspaceId)));
    if (!conversation) return [];

    const resumed = await resumeWaitingRun(tx, payload.conversationId, payload.messageId, conversation.handledBy, flows);
    if (resumed !== undefined) return resumed ? [resumed] : [];

    const matched = flowsForMessage(flows, {
      channelType: conversation.channelType,
      channelId: payload.channelId,
      text: claimed[0]!.text,
      isFirstMessage: payload.isFirstMessage,
      conversationOpened: payload.conversationOpened,
      handledBy: conversation.handledBy,
    });
    const ids: string[] = [];
    for (const flow of matched) {
      ids.push(
        await startRun(tx, {
          workspaceId: payload.workspaceId,
          flow,
          contactId: payload.contactId,
          conversationId: payload.conversationId,
          trigger: { kind: 'message', messageId: payload.messageId, channelId: payload.channelId },
        }),
      );
    }
    return ids;
  });
}

/**
 * Resumes the run waiting for this conversation's reply. Returns its id, null when the
 * wait was cancelled because a person took over, or undefined when nothing waits.
 */
async function resumeWaitingRun(tx: Executor, conversationId: string, messageId: string, handledBy: 'bot' | 'human', flows: { workflowId: string; trigger: { type: string; config: unknown } }[]) {
  const [wait] = await tx
    .select({ id: runWaits.id, runId: runWaits.runId, workflowId: workflowRuns.workflowId })
    .from(runWaits)
    .innerJoin(workflowRuns, eq(workflowRuns.id, runWaits.runId))
    .where(and(eq(runWaits.conversationId, conversationId), eq(runWaits.kind, 'reply'), isNull(runWaits.resolvedAt), eq(workflowRuns.status, 'waiting')))
    .orderBy(asc(runWaits.createdAt))
    .limit(1)
    .for('update', { of: runWaits });
  if (!wait) return undefined;
  await tx.update(runWaits).set({ resolvedAt: new Date() }).where(eq(runWaits.id, wait.id));
  await tx.execute(sql`select graphile_worker.remove_job(${`wait:${wait.runId}`})`);
  const flow = flows.find((f) => f.workflowId === wait.workflowId);
  // Only customer-started flows step back when a person takes over; a webhook, schedule or
  // tag flow that asked a question on purpose still hears the answer.
  const onlyWhenBot = flow?.trigger.type === 'trigger.message_received' && (flow.trigger.config as { onlyWhenBot?: boolean }).onlyWhenBot !== false;
  if (handledBy === 'human' && onlyWhenBot) {
    await tx
      .update(workflowRuns)
      .set({ status: 'cancelled', error: 'A person took over the conversation', finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(workflowRuns.id, wait.runId));
    return null;
  }
  await tx
    .update(workflowRuns)
    .set({ status: 'running', resume: { kind: 'reply', messageId }, updatedAt: new Date() })
    .where(eq(workflowRuns.id, wait.runId));
  return wait.runId;
}

async function routeTags(deps: AppDeps, cache: ActiveFlowCache, payload: Extract<RouteEventPayload, { kind: 'tag_added' }>) {
  const flows = flowsForTags(await cache.get(payload.workspaceId), payload.tags);
  if (!flows.length) return [];
  return deps.db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const flow of flows) {
      // No self-triggering: a run that added the tag does not restart its own flow.
      if (payload.sourceRunId && (await runWorkflow(tx, payload.sourceRunId)) === flow.workflowId) continue;
      ids.push(
        await startRun(tx, {
          workspaceId: payload.workspaceId,
          flow,
          contactId: payload.contactId,
          conversationId: payload.conversationId,
          trigger: { kind: 'tag_added', tags: payload.tags },
        }),
      );
    }
    return ids;
  });
}

async function runWorkflow(tx: Executor, runId: string) {
  const [row] = await tx.select({ workflowId: workflowRuns.workflowId }).from(workflowRuns).where(eq(workflowRuns.id, runId));
  return row?.workflowId;
}

async function runningRuns(db: Executor, conversationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.conversationId, conversationId), inArray(workflowRuns.status, ['running'])));
  return rows.map((r) => r.id);
}
