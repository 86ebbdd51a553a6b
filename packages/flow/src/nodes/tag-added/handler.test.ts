import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { TagAddedConfig } from './definition';
import { tagAdded } from './handler';
import { matchTagTrigger } from './match';

describe('trigger.tag_added', () => {
  it('passes on and matches added tags case-insensitively', async () => {
    expect(await tagAdded({ tags: ['vip'] }, makeContext())).toEqual({ effects: [] });
    expect(matchTagTrigger({ tags: ['VIP', 'wholesale'] }, ['new', 'vip'])).toBe(true);
    expect(matchTagTrigger({ tags: ['VIP'] }, ['new'])).toBe(false);
  });

  it('needs at least one tag', () => {
    expect(TagAddedConfig.safeParse({ tags: [] }).success).toBe(false);
  });
});
