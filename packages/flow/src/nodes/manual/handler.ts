import type { NodeHandler } from '../../types';
import type { ManualConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const manual: NodeHandler<ManualConfig> = async () => ({ effects: [] });
