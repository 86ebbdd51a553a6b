import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { SendMessageConfig } from './definition';
import { sendMessage } from './handler';

const closedWindow = () =>
  makeContext({
    contact: { name: 'Ana Lima' },
    conversation: { channelType: 'whatsapp', lastInboundAt: new Date(Date.now() - 30 * 3600_000).toISOString() },
  });

describe('action.send_message with a synced WhatsApp template', () => {
  it('fills named parameters, the header link and button values from the flow', async () => {
    const config = SendMessageConfig.parse({
      text: 'Spring sale',
      whatsappTemplate: {
        name: 'spring_sale',
        language: 'es',
        variables: ['{{ contact.first_name }}'],
        parameterNames: ['first_name'],
        headerMedia: { type: 'video', link: 'https://cdn.example.com/{{ contact.first_name | downcase }}.mp4' },
        buttons: [
          { subType: 'quick_reply', index: 0, value: 'stop-{{ contact.first_name }}' },
          { subType: 'url', index: 1, value: 'sale?who={{ contact.first_name }}' },
        ],
      },
    });
    const result = await sendMessage(config, closedWindow());
    expect(result.effects).toEqual([
      {
        type: 'send_message',
        text: 'Spring sale',
        whatsappTemplate: {
          name: 'spring_sale',
          language: 'es',
          variables: ['Ana'],
          parameterNames: ['first_name'],
          headerMedia: { type: 'video', link: 'https://cdn.example.com/ana.mp4' },
          buttons: [
            { subType: 'quick_reply', index: 0, value: 'stop-Ana' },
            { subType: 'url', index: 1, value: 'sale?who=Ana' },
          ],
        },
      },
    ]);
  });

  it('refuses a header link that is not a web address, and names broken placeholders in buttons', async () => {
    const bad = await sendMessage(
      { text: 'x', whatsappTemplate: { name: 't', language: 'en', headerMedia: { type: 'image', link: 'file:///etc/passwd' } } },
      closedWindow(),
    );
    expect(bad.error).toMatchObject({ field: 'whatsappTemplate.headerMedia.link' });
    expect(bad.effects).toEqual([]);
    const broken = await sendMessage(
      {
        text: 'x',
        whatsappTemplate: {
          name: 't',
          language: 'en',
          buttons: [{ subType: 'quick_reply', index: 0, value: '{{ contact.name | shout }}' }],
        },
      },
      closedWindow(),
    );
    expect(broken.error?.field).toBe('whatsappTemplate.buttons.0.value');
  });

  it('keeps a name typed by hand, with no synced details', () => {
    expect(SendMessageConfig.safeParse({ text: 'x', whatsappTemplate: { name: 'imported_name', language: 'pt_BR' } }).success).toBe(true);
  });
});
