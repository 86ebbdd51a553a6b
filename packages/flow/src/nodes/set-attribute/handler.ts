import type { NodeHandler } from '../../types';
import { next, renderAll } from '../result';
import type { SetAttributeConfig } from './definition';

/** Saves the rendered value into a contact field or a variable; an empty value clears it. */
export const setAttribute: NodeHandler<SetAttributeConfig> = async (config, ctx) => {
  const r = await renderAll(ctx, { value: config.value });
  if ('failed' in r) return r.failed;
  const value = r.values.value === '' ? null : r.values.value;
  return next([{ type: 'set_field', field: config.field, value }]);
};
