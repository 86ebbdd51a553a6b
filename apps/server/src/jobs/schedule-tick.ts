import { and, arrayContains, eq, isNull, sql } from 'drizzle-orm';
import { contacts, conversations, workflows, workflowVersions, workspaces, type Executor } from '@switchboard/db';
import { enqueue, enqueueLater } from '../queue/enqueue';
import type { FlowDocument, NodeConfig } from '@switchboard/flow';
import { nextScheduledRun } from '@switchboard/flow/runtime';
import { z } from 'zod';
import type { AppDeps } from '../context';
import type { ActiveFlow } from '../flows/active-flows';
import { runQueue, TASKS } from '../queue/names';
import { startRun } from '../flows/start-run';

type ScheduleConfig = NodeConfig<'trigger.schedule'>;

export const ScheduleTickPayload = z.object({}).passthrough();
export const SCHEDULE_TICK_KEY = 'schedule_tick';
const MAX_AUDIENCE = 5_000;

/**
 * schedule_tick: once a minute, start the runs of every published schedule trigger whose
 * cron fired since the flow was last evaluated. The cursor (scheduled_through) moves under
 * a row lock, so two workers never start the same occurrence; then the next tick is
 * queued with a job_key, keeping exactly one pending tick for the whole deployment.
 */
export async function scheduleTick(deps: AppDeps, raw: unknown, now = new Date()) {
  ScheduleTickPayload.parse(raw ?? {});
  const rows = await deps.db
    .select({
      id: workflows.id,
      workspaceId: workflows.workspaceId,
      name: workflows.name,
      versionId: workflowVersions.id,
      definition: workflowVersions.definition,
      timezone: workspaces.timezone,
    })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .innerJoin(workspaces, eq(workspaces.id, workflows.workspaceId))
    .where(
      and(
        eq(workflows.status, 'active'),
        isNull(workflows.deletedAt),
        sql`${workflowVersions.definition} @> '{"nodes":[{"type":"trigger.schedule"}]}'::jsonb`,
      ),
    );
  let started = 0;
  for (const row of rows) {
    const definition = row.definition as unknown as FlowDocument;
    const trigger = definition.nodes.find((n) => n.type === 'trigger.schedule');
    if (!trigger) continue;
    const flow: ActiveFlow = { workflowId: row.id, versionId: row.versionId, name: row.name, definition, trigger };
    started += await deps.db.transaction((tx) => fireIfDue(tx, row.workspaceId, row.timezone, flow, now));
  }
  await scheduleNextTick(deps.db, now);
  return started;
}

async function fireIfDue(tx: Executor, workspaceId: string, workspaceTimezone: string, flow: ActiveFlow, now: Date): Promise<number> {
  const [locked] = await tx
    .select({ through: workflows.scheduledThrough, updatedAt: workflows.updatedAt })
    .from(workflows)
    .where(eq(workflows.id, flow.workflowId))
    .for('update');
  if (!locked) return 0;
  const config = flow.trigger.config as ScheduleConfig;
  if (!config.cron) return 0;
  // A flow published just now starts counting from now: no burst of past occurrences.
  const from = locked.through ?? new Date(now.getTime() - 60_000);
  let due: Date | null = null;
  try {
    due = nextScheduledRun(config, workspaceTimezone, from);
  } catch {
    return 0; // validation refuses bad cron on publish; an old version with one simply never fires
  }
  await tx.update(workflows).set({ scheduledThrough: now }).where(eq(workflows.id, flow.workflowId));
  if (!due || due > now) return 0;

  const audience = config.audienceTag
    ? await contactsWithTag(tx, workspaceId, config.audienceTag)
    : [{ contactId: null, conversationId: null }];
  for (const target of audience) {
    const { id: runId } = await startRun(tx, { workspaceId, flow, ...target, trigger: { kind: 'schedule', firedAt: due.toISOString() } });
    await enqueue(tx, TASKS.advanceRun, { runId }, { queueName: runQueue({ id: runId, conversationId: target.conversationId }) });
  }
  return audience.length;
}

async function contactsWithTag(tx: Executor, workspaceId: string, tag: string) {
  const rows = await tx
    .select({
      contactId: contacts.id,
      // Qualified by hand: in a one-table select drizzle renders ${'$'}{contacts.id} as a bare "id",
      // which inside this subquery would mean the conversation's own id.
      conversationId: sql<
        string | null
      >`(select c.id from ${conversations} c where c.contact_id = "contacts"."id" order by c.last_message_at desc nulls last limit 1)`,
    })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), arrayContains(contacts.tags, [tag])))
    .limit(MAX_AUDIENCE);
  return rows;
}

/** Queues the next tick at the start of the next minute; the job_key keeps a single one pending. */
export async function scheduleNextTick(db: Executor, now = new Date()) {
  const next = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  await enqueueLater(db, SCHEDULE_TICK_KEY, {}, next, { jobKey: SCHEDULE_TICK_KEY, maxAttempts: 3 });
}
