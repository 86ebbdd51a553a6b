import { Cron } from 'croner';
import type { ScheduleConfig } from './definition';

/** Next time a schedule trigger fires after `after`, in its time zone (else the workspace's). */
export function nextScheduledRun(config: ScheduleConfig, workspaceTimezone: string, after: Date): Date | null {
  const cron = new Cron(config.cron, { timezone: config.timezone ?? workspaceTimezone });
  return cron.nextRun(after);
}
