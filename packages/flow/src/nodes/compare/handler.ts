import { readField } from '../../fields';
import type { NodeHandler } from '../../types';
import { branch, renderAll } from '../result';
import type { CompareConfig } from './definition';
import { compareValues } from './operators';

/** `true` when the field compares as asked with the (rendered) value, else `false`. */
export const compare: NodeHandler<CompareConfig> = async (config, ctx) => {
  let expected: unknown = config.value;
  if (typeof config.value === 'string') {
    const r = await renderAll(ctx, { value: config.value });
    if ('failed' in r) return r.failed;
    expected = r.values.value;
  }
  const actual = readField(ctx.data, config.field);
  return branch(compareValues(actual, config.operator, expected) ? 'true' : 'false');
};
