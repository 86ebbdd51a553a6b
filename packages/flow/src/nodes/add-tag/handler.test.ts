import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { AddTagConfig } from './definition';
import { addTag } from './handler';

describe('action.add_tag', () => {
  it('adds trimmed tags once each', async () => {
    expect((await addTag({ tags: ['cake ', 'vip', 'cake'] }, makeContext())).effects).toEqual([
      { type: 'add_tags', tags: ['cake', 'vip'] },
    ]);
  });
  it('needs a tag', () => {
    expect(AddTagConfig.safeParse({ tags: [] }).error?.issues[0]?.message).toBe('Add at least one tag.');
  });
});
