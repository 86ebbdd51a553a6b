import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { TagList } from '../shared';
import { listText } from '../summary-text';

export const TagAddedConfig = z.object({ tags: TagList.describe('Start when any of these tags is added to a contact') });
export type TagAddedConfig = z.infer<typeof TagAddedConfig>;

export const tagAddedDefinition = defineNode({
  type: 'trigger.tag_added',
  kind: 'trigger',
  label: 'Tag added',
  icon: 'tags',
  description: 'Starts when one of these tags is added to a contact, by a person or by another flow.',
  config: TagAddedConfig,
  outputs: [NEXT],
  defaults: { tags: [] },
  fields: { tags: { widget: 'tags' } },
  summary: (c) => listText(c.tags) || 'Choose tags',
});
