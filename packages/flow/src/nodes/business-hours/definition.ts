import { z } from 'zod';
import { defineNode } from '../define';

export const BusinessHoursConfig = z.object({});
export type BusinessHoursConfig = z.infer<typeof BusinessHoursConfig>;

export const businessHoursDefinition = defineNode({
  type: 'condition.business_hours',
  kind: 'condition',
  label: 'Business hours',
  icon: 'clock',
  description: 'Checks whether you are open right now, using the opening hours, time zone and holidays in Settings.',
  config: BusinessHoursConfig,
  outputs: ['open', 'closed'],
  defaults: {},
  outputLabels: { open: 'Open now', closed: 'Closed now' },
});
