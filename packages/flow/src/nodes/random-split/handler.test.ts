import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { RandomSplitConfig } from './definition';
import { randomSplit } from './handler';

describe('condition.random_split', () => {
  it('honours 0 and 100 exactly and splits about evenly at 50', async () => {
    const ctx = makeContext();
    for (let i = 0; i < 50; i++) {
      expect((await randomSplit({ percent: 0 }, ctx)).output).toBe('b');
      expect((await randomSplit({ percent: 100 }, ctx)).output).toBe('a');
    }
    let a = 0;
    for (let i = 0; i < 4000; i++) if ((await randomSplit({ percent: 30 }, ctx)).output === 'a') a++;
    expect(a / 4000).toBeGreaterThan(0.25);
    expect(a / 4000).toBeLessThan(0.35);
  });

  it('refuses percentages outside 0..100', () => {
    expect(RandomSplitConfig.safeParse({ percent: 120 }).success).toBe(false);
  });
});
