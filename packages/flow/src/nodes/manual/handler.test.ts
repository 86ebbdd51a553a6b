import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { manual } from './handler';

describe('trigger.manual', () => {
  it('passes straight on', async () => {
    const result = await manual({}, makeContext());
    expect(result.output).toBeUndefined();
    expect(result.effects).toEqual([]);
  });
});
