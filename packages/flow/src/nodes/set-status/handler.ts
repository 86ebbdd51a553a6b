import type { Effect, NodeHandler } from '../../types';
import { next } from '../result';
import type { SetStatusConfig } from './definition';

/** Changes the conversation status and/or priority. */
export const setStatus: NodeHandler<SetStatusConfig> = async (config) => {
  const effect: Extract<Effect, { type: 'set_status' }> = { type: 'set_status' };
  if (config.status) effect.status = config.status;
  if (config.priority) effect.priority = config.priority;
  return next([effect]);
};
