import type { Task, TaskList } from 'graphile-worker';
import type { AppDeps } from '../context';
import { advanceRunTask } from './advance-run';
import { deliverMessageTask } from './deliver-message';
import { resumeWaitTask } from './resume-wait';
import { routeEvent } from './route-event';
import { scheduleTick } from './schedule-tick';

/** Task names, declared once: producers and the worker both use these. */
export const TASKS = {
  routeEvent: 'route_event',
  advanceRun: 'advance_run',
  resumeWait: 'resume_wait',
  scheduleTick: 'schedule_tick',
  deliverMessage: 'deliver_message',
} as const;

/** The worker's task list; each task parses its own payload first. */
export function createTaskList(deps: AppDeps): TaskList {
  const task = (fn: (payload: unknown) => Promise<unknown>): Task => async (payload) => {
    await fn(payload);
  };
  return {
    [TASKS.routeEvent]: task((p) => routeEvent(deps, deps.activeFlows, p)),
    [TASKS.advanceRun]: task((p) => advanceRunTask(deps, p)),
    [TASKS.resumeWait]: task((p) => resumeWaitTask(deps, p)),
    [TASKS.scheduleTick]: task((p) => scheduleTick(deps, p)),
    [TASKS.deliverMessage]: deliverMessageTask(deps),
  };
}
