import type { NodeHandler } from '../../types';
import { next } from '../result';
import type { DelayConfig } from './definition';

/** Starts a durable delay; when resumed (`delay_done`) carries on to the next step. */
export const delay: NodeHandler<DelayConfig> = async (config, ctx) => {
  if (ctx.resume) return next([], { log: 'delay elapsed' });
  return next([], { wait: { kind: 'delay', minutes: config.minutes } });
};
