import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { conversations, workspaces, type Executor } from '@switchboard/db';
import { enqueueLater } from '../queue/enqueue';
import { z } from 'zod';
import { clearRunsOlderThan } from './retention-runs';

export const RETENTION_SWEEP_TASK = 'retention_sweep';
export const RetentionSweepPayload = z.object({}).passthrough();

/** Conversations looked at per round, and messages deleted per statement (short locks, small WAL bursts). */
const CONVERSATION_PAGE = 500;
const DELETE_BATCH = 2_000;
/** When the daily sweep runs (UTC): a quiet hour for most inboxes. */
const SWEEP_HOUR_UTC = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOutcome {
  workspaces: number;
  deleted: number;
  /** Flow runs whose stored data (trigger, variables, step input and output) was cleared. */
  runsCleared: number;
}

/**
 * Deletes, for every workspace with a `retentionDays` setting, the messages (with their text,
 * attachments metadata and quick replies, which live in the message row) created more than that
 * many days before `now`, and clears the flow runs of that age (retention-runs.ts). Workspaces
 * without the setting keep everything. Each statement names its workspace, so one workspace's
 * setting never touches another's messages.
 *
 * Messages have no index by workspace or by age alone (every message would pay for one on the hot
 * path), so the sweep walks a workspace's conversations by id and, for each page, deletes through
 * the (conversation, created_at) index in bounded batches.
 */
export async function sweepRetention(db: Executor, now = new Date()): Promise<RetentionOutcome> {
  const due = await db
    .select({ id: workspaces.id, days: sql<number>`(${workspaces.settings}->>'retentionDays')::int` })
    .from(workspaces)
    .where(sql`jsonb_typeof(${workspaces.settings}->'retentionDays') = 'number'`);
  let deleted = 0;
  let runsCleared = 0;
  for (const workspace of due) {
    if (!Number.isInteger(workspace.days) || workspace.days < 1) continue;
    const cutoff = new Date(now.getTime() - workspace.days * DAY_MS);
    deleted += await deleteOlderThan(db, workspace.id, cutoff);
    // Flows copy what customers said into their runs: that goes at the same age.
    runsCleared += await clearRunsOlderThan(db, workspace.id, cutoff);
  }
  return { workspaces: due.length, deleted, runsCleared };
}

/** Deletes one workspace's messages created before `cutoff`; returns how many. */
export async function deleteOlderThan(db: Executor, workspaceId: string, cutoff: Date): Promise<number> {
  let deleted = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.workspaceId, workspaceId), gt(conversations.id, after)))
      .orderBy(asc(conversations.id))
      .limit(CONVERSATION_PAGE);
    if (!page.length) return deleted;
    // Ids read from the database, passed as one array parameter.
    const ids = `{${page.map((p) => p.id).join(',')}}`;
    for (;;) {
      const result = await db.execute(sql`
        delete from messages where id in (
          select id from messages
          where conversation_id = any(${ids}::uuid[]) and created_at < ${cutoff.toISOString()}::timestamptz and workspace_id = ${workspaceId}
          limit ${DELETE_BATCH})`);
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < DELETE_BATCH) break;
    }
    after = page.at(-1)!.id;
  }
}

/** The next daily sweep's time: the next SWEEP_HOUR_UTC o'clock after `now`. */
export function nextSweepAt(now: Date): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), SWEEP_HOUR_UTC));
  return next > now ? next : new Date(next.getTime() + DAY_MS);
}

/** Queues the next sweep; the job key keeps one pending for the whole deployment. */
export async function scheduleRetentionSweep(db: Executor, now = new Date()): Promise<void> {
  await enqueueLater(db, RETENTION_SWEEP_TASK, {}, nextSweepAt(now), { jobKey: RETENTION_SWEEP_TASK, maxAttempts: 5 });
}

/** retention_sweep: tomorrow's sweep is queued first, so a failing sweep never stops the schedule. */
export async function retentionSweepTask(db: Executor, raw: unknown, now = new Date()): Promise<RetentionOutcome> {
  RetentionSweepPayload.parse(raw ?? {});
  await scheduleRetentionSweep(db, new Date(now.getTime() + 1_000));
  return sweepRetention(db, now);
}
