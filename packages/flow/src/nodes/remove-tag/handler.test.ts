import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { removeTag } from './handler';

describe('action.remove_tag', () => {
  it('removes the tags', async () => {
    expect((await removeTag({ tags: [' lead', 'lead'] }, makeContext())).effects).toEqual([{ type: 'remove_tags', tags: ['lead'] }]);
  });
});
