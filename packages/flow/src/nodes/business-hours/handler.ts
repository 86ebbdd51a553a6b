import type { NodeHandler } from '../../types';
import { branch } from '../result';
import type { BusinessHoursConfig } from './definition';
import { isOpenAt } from './open';

/** `open` inside the workspace's hours (its time zone, minus holidays), else `closed`. */
export const businessHours: NodeHandler<BusinessHoursConfig> = async (_config, ctx) =>
  branch(isOpenAt(ctx.data.workspace, ctx.services.now()) ? 'open' : 'closed');
