import type { NodeHandler } from '../../types';
import type { TagAddedConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const tagAdded: NodeHandler<TagAddedConfig> = async () => ({ effects: [] });
