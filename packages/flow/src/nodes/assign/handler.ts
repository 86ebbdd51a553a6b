import type { Effect, NodeHandler } from '../../types';
import { next } from '../result';
import type { AssignConfig } from './definition';

/** Asks the server to assign; picking the person (in a team, or anyone available) is the server's job. */
export const assign: NodeHandler<AssignConfig> = async (config) => {
  const effect: Extract<Effect, { type: 'assign' }> = { type: 'assign', to: config.to };
  if (config.to === 'agent') effect.userId = config.userId;
  if (config.to === 'team') {
    effect.teamId = config.teamId;
    effect.strategy = config.strategy ?? 'round_robin';
  }
  if (config.to === 'anyone') effect.strategy = config.strategy ?? 'least_busy';
  return next([effect]);
};
