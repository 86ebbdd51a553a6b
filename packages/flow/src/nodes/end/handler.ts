import type { NodeHandler } from '../../types';
import type { EndConfig } from './definition';

/** Ends the run. */
export const end: NodeHandler<EndConfig> = async () => ({ effects: [], end: true });
