import { z } from 'zod';
import { defineNode, NEXT } from '../define';

export const AssignConfig = z
  .object({
    // `anyone`: whoever in the workspace is available and least busy, no team needed (a
    // one-person business is assigned to its owner).
    to: z.enum(['anyone', 'agent', 'team', 'unassign']).describe('Assign to'),
    userId: z.string().optional().describe('Agent'),
    teamId: z.string().optional().describe('Team'),
    strategy: z.enum(['round_robin', 'least_busy']).optional().describe('How to pick the person (anyone: least busy; a team: round robin)'),
  })
  .superRefine((c, ctx) => {
    if (c.to === 'agent' && !c.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Pick the agent to assign.' });
    if (c.to === 'team' && !c.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'Pick the team to assign.' });
  });
export type AssignConfig = z.infer<typeof AssignConfig>;

export const assignDefinition = defineNode({
  type: 'action.assign',
  kind: 'action',
  label: 'Assign',
  icon: 'user-check',
  description:
    "Assigns the conversation to anyone available (the least busy person in your workspace: you, if you work alone), to a named agent, or to a team (round robin or least busy, within each agent's capacity), or unassigns it.",
  config: AssignConfig,
  outputs: [NEXT],
  defaults: { to: 'anyone' },
  fields: { userId: { widget: 'agent' }, teamId: { widget: 'team' } },
  summary: (c) => (c.to === 'unassign' ? 'Unassign' : `To ${c.to ?? '…'}${c.strategy ? ` (${c.strategy.replace('_', ' ')})` : ''}`),
});
