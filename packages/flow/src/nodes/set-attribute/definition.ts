import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { WritableField } from '../shared';
import { cut } from '../summary-text';

export const SetAttributeConfig = z.object({
  field: WritableField.describe('Field to set'),
  value: z.string().describe('New value (placeholders allowed; empty clears it)'),
});
export type SetAttributeConfig = z.infer<typeof SetAttributeConfig>;

export const setAttributeDefinition = defineNode({
  type: 'action.set_attribute',
  kind: 'action',
  label: 'Set a field',
  icon: 'pencil',
  description: 'Saves a value on the contact (name, email, phone or a custom attribute) or in a flow variable.',
  config: SetAttributeConfig,
  outputs: [NEXT],
  defaults: { field: 'contact.attributes.', value: '' },
  fields: { field: { widget: 'field-path' }, value: { widget: 'template' } },
  summary: (c) => (c.field ? cut(`${c.field} = ${c.value ?? ''}`) : 'Choose a field'),
  saves: (c) => (c.field && /^(vars|contact\.attributes)\./.test(c.field) ? [c.field] : []),
});
