import { z } from 'zod';
import { defineNode } from '../define';

export const EndConfig = z.object({});
export type EndConfig = z.infer<typeof EndConfig>;

export const endDefinition = defineNode({
  type: 'action.end',
  kind: 'action',
  label: 'End',
  icon: 'flag',
  description: 'Ends the flow here.',
  config: EndConfig,
  outputs: [],
  defaults: {},
});
