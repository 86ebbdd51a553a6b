import { z } from 'zod';
import { compileSafeRegex, regexProblem } from '../../text/safe-regex';
import { defineNode } from '../define';
import { ReadableField } from '../shared';
import { cut } from '../summary-text';

export const TextMatchCase = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'A branch name may use letters, digits, "-" and "_".')
      .refine((id) => id !== 'else', 'The name "else" is kept for the no-match branch.')
      .describe('Branch name'),
    operator: z.enum(['contains_any', 'exact', 'starts_with', 'regex']).describe('How to compare'),
    values: z.array(z.string().min(1, 'A value cannot be empty.')).min(1, 'Add at least one word or phrase.').describe('Words or phrases'),
  })
  .superRefine((c, ctx) => {
    if (c.operator !== 'regex') return;
    c.values.forEach((v, i) => {
      const problem = regexProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', path: ['values', i], message: `Branch "${c.id}", pattern ${i + 1}: ${problem}` });
    });
  });
export type TextMatchCase = z.infer<typeof TextMatchCase>;

/**
 * Compiled instructions all of one step's patterns may add up to: each message tests them all, so
 * this bounds the step's matching work (see text/safe-regex.ts) to a few times one large pattern.
 */
export const MAX_STEP_PROGRAM_SIZE = 1_000;

export const TextMatchConfig = z
  .object({
    cases: z.array(TextMatchCase).min(1, 'Add at least one branch.').describe('Branches, checked in order'),
    field: ReadableField.optional().describe('Text to check (defaults to the message text)'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.cases.forEach((k, i) => {
      if (seen.has(k.id))
        ctx.addIssue({
          code: 'custom',
          path: ['cases', i, 'id'],
          message: `Two branches are named "${k.id}"; give each a different name.`,
        });
      seen.add(k.id);
    });
    let size = 0;
    const tooLarge = c.cases.findIndex((k) => {
      if (k.operator === 'regex') for (const v of k.values) size += compileSafeRegex(v)?.size ?? 0;
      return size > MAX_STEP_PROGRAM_SIZE;
    });
    if (tooLarge >= 0) {
      const message = `Branch "${c.cases[tooLarge]!.id}": this step's patterns together are too large to check quickly; split them across steps or simplify them.`;
      ctx.addIssue({ code: 'custom', path: ['cases', tooLarge, 'values'], message });
    }
  });
export type TextMatchConfig = z.infer<typeof TextMatchConfig>;

export const textMatchDefinition = defineNode({
  type: 'condition.text_match',
  kind: 'condition',
  label: 'Text match',
  icon: 'text-search',
  description:
    'Sends the conversation down the first branch whose words match the message (ignoring case and accents); otherwise down "else".',
  config: TextMatchConfig,
  outputs: (config) => [...config.cases.map((c) => c.id), 'else'],
  defaults: { cases: [{ id: 'case1', operator: 'contains_any', values: [] }] },
  fields: { field: { widget: 'field-path' } },
  outputLabels: { else: 'No branch matched' },
  // Words, not branch names: the outputs below the node already say which branch is which.
  summary: (c) =>
    Array.isArray(c.cases)
      ? cut(`Looks for ${c.cases.map((k) => (k?.values ?? []).map((v) => `“${v}”`).join(', ') || '…').join(' · ')}`)
      : '',
});
