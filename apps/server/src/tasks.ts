import { broadcastTick } from './broadcasts/tick';
import type { AppDeps } from './context';
import { crmPushTask } from './jobs/crm-push';
import { retentionSweepTask } from './jobs/retention';
import { scheduleTick } from './jobs/schedule-tick';
import { advanceRunTask } from './pipeline/advance/advance-task';
import { deliverMessageTask } from './pipeline/deliver';
import { resumeTimerTask } from './pipeline/route/resume-timer';
import { routeEventTask } from './pipeline/route/route-event';
import { TASKS } from './queue/names';
import type { TaskHandlers } from './queue/runner';
import { mediaFetchTask } from './media/fetch-inbound';
import { sweepMediaRetention } from './media/retention';

/** A task: parses its own payload (unknown until then) and does its work; a throw retries it with backoff. */
type TaskFn = (deps: AppDeps, payload: unknown) => Promise<unknown>;

/** Every job task, one line each: its name (queue/names.ts) and what runs it. */
const TASK_REGISTRY: Record<string, TaskFn> = {
  [TASKS.routeEvent]: routeEventTask,
  [TASKS.advanceRun]: advanceRunTask,
  [TASKS.resumeWait]: resumeTimerTask,
  [TASKS.deliverMessage]: deliverMessageTask,
  [TASKS.scheduleTick]: scheduleTick,
  [TASKS.retentionSweep]: (deps, payload) => retentionSweepTask(deps.db, payload).then(() => sweepMediaRetention(deps)),
  [TASKS.crmPush]: crmPushTask,
  [TASKS.broadcastTick]: broadcastTick,
  [TASKS.mediaFetch]: mediaFetchTask,
};

/** Every task bound to `deps`, for the job runner (queue/runner.ts). */
export function createTaskList(deps: AppDeps): TaskHandlers {
  return Object.fromEntries(Object.entries(TASK_REGISTRY).map(([name, fn]) => [name, (payload: unknown) => fn(deps, payload)]));
}
