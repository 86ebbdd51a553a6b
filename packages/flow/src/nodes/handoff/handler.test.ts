import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { handoff } from './handler';

describe('action.handoff', () => {
  it('says when to expect a reply, then hands off to the team', async () => {
    const ctx = makeContext({ workspace: { name: 'Crumbs' } });
    const result = await handoff({ teamId: 't_cakes', text: '{{ workspace.name }} will reply within 2 hours.' }, ctx);
    expect(result.effects).toEqual([
      { type: 'send_message', text: 'Crumbs will reply within 2 hours.' },
      { type: 'handoff', teamId: 't_cakes' },
    ]);
  });

  it('hands off silently without text', async () => {
    expect((await handoff({}, makeContext())).effects).toEqual([{ type: 'handoff' }]);
  });

  it('reports a broken message template', async () => {
    expect((await handoff({ text: '{% if %}' }, makeContext())).error?.field).toBe('text');
  });
});
