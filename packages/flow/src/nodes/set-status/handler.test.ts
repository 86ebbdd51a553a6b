import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { SetStatusConfig } from './definition';
import { setStatus } from './handler';

describe('action.set_status', () => {
  it('sets status and priority', async () => {
    expect((await setStatus({ status: 'pending', priority: 'high' }, makeContext())).effects).toEqual([
      { type: 'set_status', status: 'pending', priority: 'high' },
    ]);
    expect((await setStatus({ status: 'resolved' }, makeContext())).effects).toEqual([{ type: 'set_status', status: 'resolved' }]);
  });
  it('needs one of them', () => {
    expect(SetStatusConfig.safeParse({}).error?.issues[0]?.message).toBe('Choose a status, a priority or both.');
    expect(SetStatusConfig.safeParse({ status: 'closed' }).success).toBe(false);
  });
});
