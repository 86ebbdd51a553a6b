import { describe, expect, test } from 'vitest';
import type { WidgetMessage } from './contract';
import { Thread } from './thread';

const msg = (id: string, over: Partial<WidgetMessage> = {}): WidgetMessage => ({
  id,
  direction: 'out',
  author: 'bot',
  text: id,
  createdAt: `2026-01-01T10:00:0${id.slice(-1)}.000Z`,
  ...over,
});
const ids = (t: Thread) => t.list().map((m) => m.id);

describe('Thread', () => {
  test('a refetch after a reconnect merges by id: nothing twice, order by time', () => {
    const t = new Thread();
    expect(t.merge([msg('m1'), msg('m3')])).toHaveLength(2);
    const fresh = t.merge([msg('m1'), msg('m2'), msg('m3'), msg('m4')]);
    expect(fresh.map((m) => m.id)).toEqual(['m2', 'm4']);
    expect(ids(t)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  test('a pending message is replaced by its stored copy, whichever path brings it first', () => {
    const stream = new Thread();
    stream.addPending('hello', 'c1');
    // The stream echoes the visitor's message before the POST answers...
    stream.merge([msg('s1', { direction: 'in', author: 'contact', text: 'hello', clientId: 'c1' })]);
    stream.confirm('c1', msg('s1', { direction: 'in', author: 'contact', text: 'hello' }));
    expect(ids(stream)).toEqual(['s1']);
    expect(stream.list()[0]!.state).toBeUndefined();

    // ...or after it, and without clientId (matched by text).
    const post = new Thread();
    post.addPending('hello', 'c1');
    post.confirm('c1', msg('s1', { direction: 'in', author: 'contact', text: 'hello' }));
    post.merge([msg('s1', { direction: 'in', author: 'contact', text: 'hello' })]);
    expect(ids(post)).toEqual(['s1']);
  });

  test('unconfirmed messages stay at the end until stored', () => {
    const t = new Thread();
    t.merge([msg('m1')]);
    t.addPending('one', 'c1');
    t.merge([msg('m2')]);
    expect(ids(t)).toEqual(['m1', 'm2', 'local:c1']);
    t.setState('c1', 'failed');
    expect(t.list()[2]!.state).toBe('failed');
  });

  test('a business message never swallows a pending visitor message with the same text', () => {
    const t = new Thread();
    t.addPending('yes', 'c1');
    t.merge([msg('m1', { text: 'yes' })]);
    expect(ids(t)).toEqual(['m1', 'local:c1']);
  });
});
