import { z } from 'zod';
import { defineNode, NEXT } from '../define';

export const DelayConfig = z.object({
  minutes: z
    .number()
    .int('Use whole minutes.')
    .min(1, 'Wait at least 1 minute.')
    .max(43200, 'Wait at most 30 days (43200 minutes).')
    .describe('Minutes to wait (up to 30 days)'),
});
export type DelayConfig = z.infer<typeof DelayConfig>;

export const delayDefinition = defineNode({
  type: 'action.delay',
  kind: 'action',
  label: 'Wait',
  icon: 'hourglass',
  description: 'Pauses the flow for a while (1 minute to 30 days) before the next step.',
  config: DelayConfig,
  outputs: [NEXT],
  defaults: { minutes: 60 },
  fields: { minutes: { widget: 'number' } },
  waits: { maxMinutes: (c) => c.minutes },
  summary: (c) => `Wait ${c.minutes ?? '?'} min`,
});
