import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { note } from './handler';

describe('action.note', () => {
  it('adds a rendered private note', async () => {
    const ctx = makeContext({ vars: { size: '8 inch' } });
    expect((await note({ text: 'Wants a {{ vars.size }} cake' }, ctx)).effects).toEqual([{ type: 'note', text: 'Wants a 8 inch cake' }]);
  });
});
