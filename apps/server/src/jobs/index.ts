import { sql, type SQL } from 'drizzle-orm';
import type { Task, TaskList } from 'graphile-worker';
import type { AppDeps } from '../context';
import { routeContextOfJob } from '../flows/inbound-context';
import type { FlowContextRow } from '../flows/run-context';
import { advanceRunTask, type StartedRun } from './advance-run';
import { CRM_PUSH_TASK } from '../crm/record-push';
import { crmPushTask } from './crm-push';
import { deliverMessageTask } from './deliver-message';
import type { DeferFinalWrite } from './inline-job-statements';
import { InlineJobs, type InlineJobsOptions } from './inline-jobs';
import { resumeWaitTask } from './resume-wait';
import { RETENTION_SWEEP_TASK, retentionSweepTask } from './retention';
import { routeEvent } from './route-event';
import { scheduleTick } from './schedule-tick';

/** Task names, declared once: producers and the worker both use these. */
export const TASKS = {
  routeEvent: 'route_event',
  advanceRun: 'advance_run',
  resumeWait: 'resume_wait',
  scheduleTick: 'schedule_tick',
  deliverMessage: 'deliver_message',
  retentionSweep: RETENTION_SWEEP_TASK,
  crmPush: CRM_PUSH_TASK,
} as const;

/** The tasks that need nothing of Graphile's helpers, as plain functions (inline jobs run these too). */
export function plainTasks(deps: AppDeps): Record<string, (payload: unknown, deferFinalWrite?: DeferFinalWrite, local?: unknown) => Promise<unknown>> {
  return {
    // An inline route_event job may come with the flow context its message was stored with.
    [TASKS.routeEvent]: (p, defer, local) => routeEvent(deps, deps.activeFlows, p, defer, local as FlowContextRow | undefined),
    // An inline advance_run job of a run a flow webhook started comes with the run and its flow context.
    [TASKS.advanceRun]: (p, defer, local) => advanceRunTask(deps, p, defer, local as StartedRun | undefined),
    [TASKS.resumeWait]: (p) => resumeWaitTask(deps, p),
    [TASKS.scheduleTick]: (p) => scheduleTick(deps, p),
    [TASKS.retentionSweep]: (p) => retentionSweepTask(deps.db, p),
    [TASKS.crmPush]: (p) => crmPushTask(deps, p),
  };
}

/**
 * This process's inline jobs (see inline-jobs.ts) on `deps`' pool: the plain tasks, and a message's
 * route_event job, taken behind the one before it in its conversation, comes with its flow context
 * (as one run locked with its message does, see ingest.ts).
 */
export function createInlineJobs(deps: AppDeps, options: Omit<InlineJobsOptions, 'localOf'>, tasks = plainTasks(deps)): InlineJobs {
  const localOf = (task: SQL, payload: SQL) => sql`case when ${task} = ${TASKS.routeEvent} then ${routeContextOfJob(payload)} end`;
  return new InlineJobs(deps.db, deps.logger, tasks, { ...options, localOf });
}

/** The worker's task list; each task parses its own payload first. */
export function createTaskList(deps: AppDeps): TaskList {
  const list: TaskList = { [TASKS.deliverMessage]: deliverMessageTask(deps) };
  for (const [name, fn] of Object.entries(plainTasks(deps))) {
    list[name] = (async (payload) => {
      await fn(payload);
    }) satisfies Task;
  }
  return list;
}
