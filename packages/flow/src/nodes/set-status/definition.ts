import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { ConversationStatus, Priority } from '../shared';

export const SetStatusConfig = z
  .object({
    status: ConversationStatus.optional().describe('Conversation status'),
    priority: Priority.optional().describe('Priority'),
  })
  .refine((c) => c.status !== undefined || c.priority !== undefined, { message: 'Choose a status, a priority or both.', path: ['status'] });
export type SetStatusConfig = z.infer<typeof SetStatusConfig>;

export const setStatusDefinition = defineNode({
  type: 'action.set_status',
  kind: 'action',
  label: 'Set status',
  icon: 'badge-check',
  description: 'Changes the conversation status (open, pending, snoozed, resolved) and/or its priority.',
  config: SetStatusConfig,
  outputs: [NEXT],
  defaults: { status: 'resolved' },
  fields: { status: { widget: 'select' }, priority: { widget: 'select' } },
  summary: (c) => [c.status, c.priority].filter(Boolean).join(' · '),
});
