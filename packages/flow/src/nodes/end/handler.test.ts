import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { end } from './handler';

describe('action.end', () => {
  it('ends the run', async () => {
    expect(await end({}, makeContext())).toEqual({ effects: [], end: true });
  });
});
