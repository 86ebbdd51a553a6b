import type { NodeHandler } from '../../types';
import { next } from '../result';
import type { AddTagConfig } from './definition';

/** Adds the tags (trimmed, without repeats) to the contact. */
export const addTag: NodeHandler<AddTagConfig> = async (config) =>
  next([{ type: 'add_tags', tags: [...new Set(config.tags.map((t) => t.trim()))] }]);
