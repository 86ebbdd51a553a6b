import { z } from 'zod';
import { defineNode } from '../define';
import { WritableField } from '../shared';
import { textOr } from '../summary-text';

/** A question left unanswered stops waiting after a day unless the step says otherwise. */
export const DEFAULT_TIMEOUT_MINUTES = 1440;

export const AskQuestionConfig = z
  .object({
    text: z.string().min(1, 'This step needs a question.').describe('Question'),
    saveTo: WritableField.describe('Where to save the answer'),
    validate: z.enum(['text', 'number', 'email', 'phone', 'date', 'choice']).optional().describe('Kind of answer expected'),
    choices: z.array(z.string().min(1)).optional().describe('Choices shown as buttons'),
    retryText: z.string().optional().describe('Said when the answer is not valid'),
    timeoutMinutes: z.number().int().min(1).max(43200).optional().describe('Stop waiting after this many minutes (default 1 day)'),
    maxAttempts: z.number().int().min(1).max(10).optional().describe('Invalid answers allowed before giving up (default 3)'),
  })
  .superRefine((c, ctx) => {
    if (c.validate === 'choice' && (!c.choices || c.choices.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'Add the choices the customer can pick from.' });
    }
  });
export type AskQuestionConfig = z.infer<typeof AskQuestionConfig>;

export const askQuestionDefinition = defineNode({
  type: 'action.ask_question',
  kind: 'action',
  label: 'Ask a question',
  icon: 'circle-help',
  description:
    'Asks a question and waits for the answer. Checks the answer (number, email, phone, date, a choice), asks again when it is not valid, and saves it. Goes down "timeout" when no valid answer arrives in time or after too many invalid answers.',
  config: AskQuestionConfig,
  outputs: ['reply', 'timeout'],
  defaults: { text: '', saveTo: 'vars.answer', validate: 'text', timeoutMinutes: 1440 },
  fields: {
    text: { widget: 'template' },
    retryText: { widget: 'template' },
    saveTo: { widget: 'field-path' },
    choices: { widget: 'list' },
  },
  outputLabels: { reply: 'Valid answer', timeout: 'No valid answer' },
  sendsToCustomer: true,
  waits: { maxMinutes: (c) => c.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES, replyOutputs: ['reply'] },
  summary: (c) => textOr(c.text, 'Write the question'),
  saves: (c) => (c.saveTo ? [c.saveTo] : []),
});
