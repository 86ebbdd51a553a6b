import type { NodeHandler } from '../../types';
import type { ScheduleConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const schedule: NodeHandler<ScheduleConfig> = async () => ({ effects: [] });
