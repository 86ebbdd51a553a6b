import { z } from 'zod';
import { defineNode } from '../define';

export const RandomSplitConfig = z.object({
  percent: z.number().min(0).max(100).describe('Share of conversations that go down branch A, in percent'),
});
export type RandomSplitConfig = z.infer<typeof RandomSplitConfig>;

export const randomSplitDefinition = defineNode({
  type: 'condition.random_split',
  kind: 'condition',
  label: 'Random split',
  icon: 'shuffle',
  description: 'Sends a share of conversations down branch A and the rest down B, to try two versions.',
  config: RandomSplitConfig,
  outputs: ['a', 'b'],
  defaults: { percent: 50 },
  outputLabels: { a: 'A', b: 'B' },
  summary: (c) => `${c.percent ?? 50}% go to A`,
});
