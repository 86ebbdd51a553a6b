import { z } from 'zod';
import { defineNode } from '../define';

export const AiReplyConfig = z.object({
  instructions: z
    .string()
    .max(4000, 'Keep instructions under 4000 characters.')
    .optional()
    .describe('Instructions for the assistant (tone, what to avoid)'),
  useKnowledge: z.boolean().optional().describe('Answer from the knowledge base (default yes)'),
  handoffWhenUnsure: z.boolean().optional().describe('Hand off to a person when the assistant is unsure (default yes)'),
});
export type AiReplyConfig = z.infer<typeof AiReplyConfig>;

export const aiReplyDefinition = defineNode({
  type: 'action.ai_reply',
  kind: 'action',
  label: 'AI reply',
  icon: 'bot',
  description:
    'Answers with an AI model, grounded on your knowledge base and the conversation. When it is not sure, it does not guess: the flow goes down "handoff" (and passes the conversation to your team if you choose).',
  config: AiReplyConfig,
  outputs: ['answered', 'handoff'],
  defaults: { useKnowledge: true, handoffWhenUnsure: true },
  fields: { instructions: { widget: 'multiline' } },
  outputLabels: { answered: 'Answered', handoff: 'Unsure' },
  callsOut: true,
  sendsToCustomer: true,
});
