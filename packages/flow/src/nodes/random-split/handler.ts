import type { NodeHandler } from '../../types';
import { branch } from '../result';
import type { RandomSplitConfig } from './definition';

/** `a` for `percent`% of conversations, `b` for the rest. */
export const randomSplit: NodeHandler<RandomSplitConfig> = async (config) => branch(Math.random() * 100 < config.percent ? 'a' : 'b');
