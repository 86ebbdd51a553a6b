import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { AssignConfig } from './definition';
import { assign } from './handler';

describe('action.assign', () => {
  it('assigns to an agent, a team (round robin by default) or nobody', async () => {
    expect((await assign({ to: 'agent', userId: 'u1' }, makeContext())).effects).toEqual([{ type: 'assign', to: 'agent', userId: 'u1' }]);
    expect((await assign({ to: 'team', teamId: 't1' }, makeContext())).effects).toEqual([
      { type: 'assign', to: 'team', teamId: 't1', strategy: 'round_robin' },
    ]);
    expect((await assign({ to: 'team', teamId: 't1', strategy: 'least_busy' }, makeContext())).effects[0]).toMatchObject({
      strategy: 'least_busy',
    });
    expect((await assign({ to: 'unassign', userId: 'ignored' }, makeContext())).effects).toEqual([{ type: 'assign', to: 'unassign' }]);
  });

  it('assigns to anyone available, least busy first, with no team needed', async () => {
    expect((await assign({ to: 'anyone' }, makeContext())).effects).toEqual([{ type: 'assign', to: 'anyone', strategy: 'least_busy' }]);
    expect((await assign({ to: 'anyone', strategy: 'round_robin', teamId: 'ignored' }, makeContext())).effects).toEqual([
      { type: 'assign', to: 'anyone', strategy: 'round_robin' },
    ]);
    expect(AssignConfig.safeParse({ to: 'anyone' }).success).toBe(true);
  });

  it('asks for the agent or team in the config', () => {
    expect(AssignConfig.safeParse({ to: 'agent' }).error?.issues[0]).toMatchObject({
      path: ['userId'],
      message: 'Pick the agent to assign.',
    });
    expect(AssignConfig.safeParse({ to: 'team' }).error?.issues[0]?.path).toEqual(['teamId']);
  });
});
