import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { TagList } from '../shared';
import { listText } from '../summary-text';

export const RemoveTagConfig = z.object({ tags: TagList.describe('Tags to remove') });
export type RemoveTagConfig = z.infer<typeof RemoveTagConfig>;

export const removeTagDefinition = defineNode({
  type: 'action.remove_tag',
  kind: 'action',
  label: 'Remove tag',
  icon: 'eraser',
  description: 'Removes tags from the contact.',
  config: RemoveTagConfig,
  outputs: [NEXT],
  defaults: { tags: [] },
  fields: { tags: { widget: 'tags' } },
  summary: (c) => listText(c.tags) || 'Choose tags',
});
