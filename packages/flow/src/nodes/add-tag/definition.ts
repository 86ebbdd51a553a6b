import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { TagList } from '../shared';
import { listText } from '../summary-text';

export const AddTagConfig = z.object({ tags: TagList.describe('Tags to add') });
export type AddTagConfig = z.infer<typeof AddTagConfig>;

export const addTagDefinition = defineNode({
  type: 'action.add_tag',
  kind: 'action',
  label: 'Add tag',
  icon: 'tag',
  description: 'Adds tags to the contact.',
  config: AddTagConfig,
  outputs: [NEXT],
  defaults: { tags: [] },
  fields: { tags: { widget: 'tags' } },
  summary: (c) => listText(c.tags) || 'Choose tags',
});
