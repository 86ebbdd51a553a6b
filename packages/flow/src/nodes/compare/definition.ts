import { z } from 'zod';
import { defineNode } from '../define';
import { ReadableField } from '../shared';
import { cut } from '../summary-text';

/** The comparison in words for the canvas: "contact.plan is gold", not "eq". */
const saidAs: Record<CompareConfig['operator'], string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: 'is more than',
  lt: 'is less than',
  exists: 'is filled in',
  in: 'is one of',
};

export const CompareConfig = z
  .object({
    field: ReadableField.describe('Field to check'),
    operator: z.enum(['eq', 'neq', 'contains', 'gt', 'lt', 'exists', 'in']).describe('Comparison'),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.array(z.string())])
      .optional()
      .describe('Value to compare with (text may use {{ }} placeholders; for "in", a list or comma-separated text)'),
  })
  .superRefine((c, ctx) => {
    if (c.operator !== 'exists' && (c.value === undefined || c.value === '')) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Give a value to compare with.' });
    }
  });
export type CompareConfig = z.infer<typeof CompareConfig>;

export const compareDefinition = defineNode({
  type: 'condition.compare',
  kind: 'condition',
  label: 'Compare a field',
  icon: 'scale',
  description:
    'Checks a contact, conversation or variable field against a value: equal, not equal, contains, greater, less, exists, one of.',
  config: CompareConfig,
  outputs: ['true', 'false'],
  defaults: { field: 'contact.email', operator: 'exists' },
  fields: { field: { widget: 'field-path' }, value: { widget: 'template' } },
  outputLabels: { true: 'Yes', false: 'No' },
  summary: (c) =>
    c.field ? cut(`${c.field} ${saidAs[c.operator ?? 'eq']} ${c.value === undefined ? '' : String(c.value)}`.trim()) : 'Choose a field',
});
