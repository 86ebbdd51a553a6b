import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { ChannelIsConfig } from './definition';
import { channelIs } from './handler';

describe('condition.channel_is', () => {
  it('matches channel types and ids', async () => {
    const wa = makeContext({ conversation: { channelType: 'whatsapp', channelId: 'ch_wa' } });
    expect((await channelIs({ channels: ['whatsapp'] }, wa)).output).toBe('true');
    expect((await channelIs({ channels: ['ch_wa'] }, wa)).output).toBe('true');
    expect((await channelIs({ channels: ['webchat', 'telegram'] }, wa)).output).toBe('false');
  });

  it('is false without a conversation and needs a channel', async () => {
    expect((await channelIs({ channels: ['whatsapp'] }, makeContext({ conversation: null }))).output).toBe('false');
    expect(ChannelIsConfig.safeParse({ channels: [] }).success).toBe(false);
  });
});
