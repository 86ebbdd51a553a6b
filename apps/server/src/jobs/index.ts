import type { TaskList } from 'graphile-worker';
import type { AppDeps } from '../context';
import { deliverMessageTask } from './deliver-message';

/** Task names, declared once: producers and the worker both use these. */
export const TASKS = {
  routeEvent: 'route_event',
  advanceRun: 'advance_run',
  deliverMessage: 'deliver_message',
} as const;

/** The worker's task list; each task parses its own payload first. */
export function createTaskList(deps: AppDeps): TaskList {
  return {
    [TASKS.deliverMessage]: deliverMessageTask(deps),
  };
}
