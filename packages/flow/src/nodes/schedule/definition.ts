import { Cron } from 'croner';
import { z } from 'zod';
import { defineNode, NEXT } from '../define';

function cronProblem(expr: string): string | null {
  try {
    // Without a callback croner only parses; nothing is scheduled.
    new Cron(expr);
    return null;
  } catch (err) {
    return `This schedule is not valid: ${(err as Error).message}`;
  }
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ScheduleConfig = z.object({
  cron: z
    .string()
    .min(1, 'Write a schedule, e.g. "0 9 * * 1" for Mondays at 9:00.')
    .superRefine((expr, ctx) => {
      const problem = cronProblem(expr);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('When to run (cron: minute hour day month weekday)'),
  timezone: z
    .string()
    .refine(isTimeZone, 'Unknown time zone; use a name like "Europe/Paris".')
    .optional()
    .describe('Time zone (defaults to the workspace time zone)'),
  audienceTag: z
    .string()
    .trim()
    .min(1, 'Write a tag, or leave this empty to run once.')
    .optional()
    .describe('Send to every contact with this tag (each in their latest conversation); empty runs the flow once'),
});
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

export const scheduleDefinition = defineNode({
  type: 'trigger.schedule',
  kind: 'trigger',
  label: 'Schedule',
  icon: 'alarm-clock',
  description: 'Starts on a schedule, e.g. every Monday at 9:00. Good for reminders and proactive messages.',
  config: ScheduleConfig,
  outputs: [NEXT],
  defaults: { cron: '0 9 * * 1' },
  fields: {
    cron: { widget: 'cron' },
    timezone: { widget: 'timezone' },
    audienceTag: { widget: 'text', help: 'For reminders: tag the contacts to remind, e.g. appointment-tomorrow.' },
  },
  summary: (c) => (c.cron ? `On schedule: ${c.cron}` : 'Set when it runs'),
});
