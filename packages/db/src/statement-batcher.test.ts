import { describe, expect, it } from 'vitest';
import { StatementBatcher } from './statement-batcher';

type Item = { key: string; group?: string; fail?: boolean };

/** A batcher whose statements are recorded, answer when `release()` is called (or at once), and fail when an item says so. */
function recorded(options: { maxBatch?: number; maxInFlight?: number; hold?: boolean } = {}) {
  const statements: string[][] = [];
  const pending: (() => void)[] = [];
  const batcher = new StatementBatcher<Item, string>({
    run: async (items) => {
      statements.push(items.map((i) => i.key));
      if (options.hold) await new Promise<void>((resolve) => pending.push(resolve));
      if (items.some((i) => i.fail)) throw new Error(`statement of ${items.length} failed`);
      return items.map((i) => `stored ${i.key}`);
    },
    maxBatch: options.maxBatch ?? 64,
    maxInFlight: options.maxInFlight ?? 4,
    keyOf: (i) => i.key.split(':')[0]!,
    groupOf: (i) => i.group ?? null,
  });
  const release = () => pending.splice(0).forEach((resolve) => resolve());
  return { batcher, statements, release };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementBatcher', () => {
  it("runs one turn's items as one statement and gives each its own outcome", async () => {
    const { batcher, statements } = recorded();
    const outcomes = await Promise.all(['a', 'b', 'c'].map((key) => batcher.add({ key })));
    expect(statements).toEqual([['a', 'b', 'c']]);
    expect(outcomes).toEqual(['stored a', 'stored b', 'stored c']);
  });

  it('puts a second item of a key in a later statement, after the first is answered, in order', async () => {
    const { batcher, statements } = recorded();
    await Promise.all([batcher.add({ key: 'a:1' }), batcher.add({ key: 'b:1' }), batcher.add({ key: 'a:2' }), batcher.add({ key: 'a:3' })]);
    expect(statements).toEqual([['a:1', 'b:1'], ['a:2'], ['a:3']]);
  });

  it('keeps a statement to one group, and to maxBatch items', async () => {
    const { batcher, statements } = recorded({ maxBatch: 2 });
    await Promise.all([batcher.add({ key: 'a', group: 'x' }), batcher.add({ key: 'b', group: 'y' }), batcher.add({ key: 'c', group: 'x' }), batcher.add({ key: 'd', group: 'x' })]);
    expect(statements).toEqual([['a', 'c'], ['b'], ['d']]);
  });

  it('with maxInFlight statements on their way, gathers what comes meanwhile into the next one', async () => {
    const { batcher, statements, release } = recorded({ maxInFlight: 1, hold: true });
    const first = batcher.add({ key: 'a' });
    await turn();
    const later = [batcher.add({ key: 'b' }), batcher.add({ key: 'c' })];
    await turn();
    await turn();
    expect(statements).toEqual([['a']]);
    release();
    await first;
    await turn();
    release();
    await Promise.all(later);
    expect(statements).toEqual([['a'], ['b', 'c']]);
  });

  it('runs the items of a failed statement one by one: only the bad one fails', async () => {
    const { batcher, statements } = recorded();
    const outcomes = await Promise.allSettled([batcher.add({ key: 'a' }), batcher.add({ key: 'b', fail: true }), batcher.add({ key: 'c' })]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'stored a' },
      { status: 'rejected', reason: new Error('statement of 1 failed') },
      { status: 'fulfilled', value: 'stored c' },
    ]);
    expect(statements).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
  });
});
