import type { TagAddedConfig } from './definition';

/** Whether adding `addedTags` to a contact starts a `trigger.tag_added` flow (case-insensitive). */
export function matchTagTrigger(config: TagAddedConfig, addedTags: readonly string[]): boolean {
  const wanted = new Set(config.tags.map((t) => t.trim().toLowerCase()));
  return addedTags.some((t) => wanted.has(t.trim().toLowerCase()));
}
