import { readField } from '../../fields';
import type { NodeHandler } from '../../types';
import { branch } from '../result';
import type { TextMatchConfig } from './definition';
import { caseMatches } from './match';

/** Follows the first case that matches the text (the message by default), else `else`. */
export const textMatch: NodeHandler<TextMatchConfig> = async (config, ctx) => {
  const value = readField(ctx.data, config.field ?? 'message.text');
  const text = typeof value === 'string' ? value : value == null ? '' : String(value);
  const hit = config.cases.find((c) => caseMatches(c, text));
  return branch(hit ? hit.id : 'else', [], { log: hit ? `matched "${hit.id}"` : 'no case matched' });
};
