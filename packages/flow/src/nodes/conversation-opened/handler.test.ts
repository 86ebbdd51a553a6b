import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { matchesChannel } from '../shared';
import { conversationOpened } from './handler';

describe('trigger.conversation_opened', () => {
  it('passes straight on and filters channels', async () => {
    expect(await conversationOpened({ channels: ['webchat'] }, makeContext())).toEqual({ effects: [] });
    expect(matchesChannel(['webchat'], { channelType: 'webchat', channelId: 'x' })).toBe(true);
    expect(matchesChannel(['telegram'], { channelType: 'webchat', channelId: 'x' })).toBe(false);
    expect(matchesChannel(undefined, { channelType: 'webchat', channelId: 'x' })).toBe(true);
  });
});
