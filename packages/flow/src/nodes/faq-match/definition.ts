import { z } from 'zod';
import { defineNode } from '../define';

export const FaqMatchConfig = z.object({
  threshold: z.number().min(0).max(1).optional().describe('How sure the match must be, 0 to 1 (default 0.5)'),
  reply: z.boolean().optional().describe('Send the answer when a question matches (default yes)'),
});
export type FaqMatchConfig = z.infer<typeof FaqMatchConfig>;

export const faqMatchDefinition = defineNode({
  type: 'condition.faq_match',
  kind: 'condition',
  label: 'FAQ answer',
  icon: 'book-open',
  description:
    'Looks the message up in your knowledge base. When a question matches well enough, sends its answer and goes down "match"; otherwise "no match". The matched answer is also saved in {{ vars.faq }}.',
  config: FaqMatchConfig,
  outputs: ['match', 'no_match'],
  defaults: { threshold: 0.5, reply: true },
  outputLabels: { match: 'Answered', no_match: 'No answer found' },
  sendsToCustomer: (c) => c.reply !== false,
  saves: () => ['vars.faq'],
});
