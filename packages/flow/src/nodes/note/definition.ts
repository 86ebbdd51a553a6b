import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { textOr } from '../summary-text';

export const NoteConfig = z.object({ text: z.string().min(1, 'Write the note.').describe('Note (only your team sees it)') });
export type NoteConfig = z.infer<typeof NoteConfig>;

export const noteDefinition = defineNode({
  type: 'action.note',
  kind: 'action',
  label: 'Internal note',
  icon: 'sticky-note',
  description: 'Adds a private note to the conversation for your team; the customer never sees it.',
  config: NoteConfig,
  outputs: [NEXT],
  defaults: { text: '' },
  fields: { text: { widget: 'multiline' } },
  summary: (c) => textOr(c.text, 'Write the note'),
});
