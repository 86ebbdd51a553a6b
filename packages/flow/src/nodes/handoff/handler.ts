import type { Effect, NodeHandler } from '../../types';
import { next, renderAll } from '../result';
import type { HandoffConfig } from './definition';

/** Tells the customer (optional), then hands the conversation to people: the bot stops answering it. */
export const handoff: NodeHandler<HandoffConfig> = async (config, ctx) => {
  const effects: Effect[] = [];
  if (config.text?.trim()) {
    const r = await renderAll(ctx, { text: config.text });
    if ('failed' in r) return r.failed;
    if (r.values.text.trim()) effects.push({ type: 'send_message', text: r.values.text });
  }
  effects.push(config.teamId ? { type: 'handoff', teamId: config.teamId } : { type: 'handoff' });
  return next(effects);
};
