import type { NodeHandler } from '../../types';
import { next } from '../result';
import type { RemoveTagConfig } from './definition';

/** Removes the tags from the contact. */
export const removeTag: NodeHandler<RemoveTagConfig> = async (config) =>
  next([{ type: 'remove_tags', tags: [...new Set(config.tags.map((t) => t.trim()))] }]);
