import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { textOr } from '../summary-text';

export const HandoffConfig = z.object({
  teamId: z.string().optional().describe('Team to hand over to (any agent when empty)'),
  text: z.string().optional().describe('Message to the customer, e.g. when to expect a reply'),
});
export type HandoffConfig = z.infer<typeof HandoffConfig>;

export const handoffDefinition = defineNode({
  type: 'action.handoff',
  kind: 'action',
  label: 'Hand off to a person',
  icon: 'hand',
  description: 'Passes the conversation to your team and stops the bot answering it. Optionally tells the customer when to expect a reply.',
  config: HandoffConfig,
  outputs: [NEXT],
  defaults: { text: 'Thanks! A member of our team will reply shortly.' },
  fields: { teamId: { widget: 'team' }, text: { widget: 'template' } },
  sendsToCustomer: (c) => !!c.text,
  summary: (c) => textOr(c.text, 'Pass to a person'),
});
