import { z } from 'zod';
import { defineNode, NEXT } from '../define';

export const ManualConfig = z.object({});
export type ManualConfig = z.infer<typeof ManualConfig>;

export const manualDefinition = defineNode({
  type: 'trigger.manual',
  kind: 'trigger',
  label: 'Manual start',
  icon: 'play',
  description: 'Starts only when someone runs it by hand (from a conversation or a test run).',
  config: ManualConfig,
  outputs: [NEXT],
  defaults: {},
});
