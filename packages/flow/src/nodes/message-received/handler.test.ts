import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { MessageReceivedConfig } from './definition';
import { messageReceived } from './handler';
import { matchMessageTrigger, type InboundEvent } from './match';

const event: InboundEvent = {
  channelType: 'whatsapp',
  channelId: 'ch_wa',
  text: 'Quel est le PRIX du gâteau ?',
  isFirstMessage: false,
  handledBy: 'bot',
};

describe('trigger.message_received', () => {
  it('passes straight on to the next step', async () => {
    expect(await messageReceived({}, makeContext())).toEqual({ effects: [] });
  });

  it('matches keywords as whole words, ignoring case and accents', () => {
    expect(matchMessageTrigger({ keywords: ['prix'] }, event)).toBe(true);
    expect(matchMessageTrigger({ keywords: ['gateau'] }, event)).toBe(true);
    expect(matchMessageTrigger({ keywords: ['pri'] }, event)).toBe(false);
    expect(matchMessageTrigger({ keywords: ['du gateau'] }, event)).toBe(true);
    expect(matchMessageTrigger({ keywords: ['delivery'] }, event)).toBe(false);
  });

  it('filters by channel type or id', () => {
    expect(matchMessageTrigger({ channels: ['any'] }, event)).toBe(true);
    expect(matchMessageTrigger({ channels: ['whatsapp'] }, event)).toBe(true);
    expect(matchMessageTrigger({ channels: ['ch_wa'] }, event)).toBe(true);
    expect(matchMessageTrigger({ channels: ['webchat'] }, event)).toBe(false);
  });

  it('honours first message only and only-when-bot (default on)', () => {
    expect(matchMessageTrigger({ firstMessageOnly: true }, event)).toBe(false);
    expect(matchMessageTrigger({ firstMessageOnly: true }, { ...event, isFirstMessage: true })).toBe(true);
    expect(matchMessageTrigger({}, { ...event, handledBy: 'human' })).toBe(false);
    expect(matchMessageTrigger({ onlyWhenBot: false }, { ...event, handledBy: 'human' })).toBe(true);
  });

  it('rejects empty keywords in the config', () => {
    expect(MessageReceivedConfig.safeParse({ keywords: ['  '] }).success).toBe(false);
  });
});
