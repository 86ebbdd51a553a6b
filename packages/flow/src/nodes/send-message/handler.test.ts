import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { SendMessageConfig } from './definition';
import { sendMessage } from './handler';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

describe('action.send_message', () => {
  it('renders the text and passes media and buttons', async () => {
    const ctx = makeContext({ contact: { name: 'Sam Lee' } });
    const result = await sendMessage(
      {
        text: "Hi {{ contact.first_name | default: 'there' }}!",
        mediaUrl: 'https://cdn.example.com/menu.pdf',
        quickReplies: ['Prices', 'Hours'],
      },
      ctx,
    );
    expect(result.output).toBeUndefined();
    expect(result.effects).toEqual([
      { type: 'send_message', text: 'Hi Sam!', mediaUrl: 'https://cdn.example.com/menu.pdf', quickReplies: ['Prices', 'Hours'] },
    ]);
  });

  it('reports broken placeholders and bad media links on their field', async () => {
    expect((await sendMessage({ text: '{{ contact.name | shout }}' }, makeContext())).error?.field).toBe('text');
    expect((await sendMessage({ text: 'x', mediaUrl: 'file:///etc/passwd' }, makeContext())).error?.field).toBe('mediaUrl');
    expect((await sendMessage({ text: '{{ vars.nothing }}' }, makeContext())).error?.message).toMatch(/empty/);
  });

  it('sends free text on WhatsApp inside the 24-hour window', async () => {
    const ctx = makeContext({ conversation: { channelType: 'whatsapp', lastInboundAt: hoursAgo(2) } });
    const result = await sendMessage({ text: 'Hello', whatsappTemplate: { name: 'reminder', language: 'en' } }, ctx);
    expect(result.effects).toEqual([{ type: 'send_message', text: 'Hello' }]);
  });

  it('uses the WhatsApp template once the window is closed, and asks for one when missing', async () => {
    const ctx = makeContext({ contact: { name: 'Ana' }, conversation: { channelType: 'whatsapp', lastInboundAt: hoursAgo(30) } });
    const result = await sendMessage(
      { text: 'Your cake is ready', whatsappTemplate: { name: 'order_ready', language: 'en_US', variables: ['{{ contact.first_name }}'] } },
      ctx,
    );
    expect(result.effects).toEqual([
      {
        type: 'send_message',
        text: 'Your cake is ready',
        whatsappTemplate: { name: 'order_ready', language: 'en_US', variables: ['Ana'] },
      },
    ]);
    const missing = await sendMessage({ text: 'Your cake is ready' }, ctx);
    expect(missing.error).toMatchObject({ field: 'whatsappTemplate' });
    expect(missing.effects).toEqual([]);
  });

  it('requires text in the config', () => {
    expect(SendMessageConfig.safeParse({ text: '' }).error?.issues[0]?.message).toBe('This step needs a message.');
  });
});
