import { describe, expect, it } from 'vitest';
import { adapters } from './index';
import {
  ChannelType,
  channelConfigSchemas,
  channelDefinitions,
  channelFactsOf,
  configFromForm,
  formFieldsOf,
  outsideWindowOf,
} from './definitions';

describe('channel facts', () => {
  it('gives every channel a label, a lucide icon name, setup help and a window rule', () => {
    for (const type of ChannelType.options) {
      const facts = channelDefinitions[type];
      expect(facts.type).toBe(type);
      expect(facts.label.length).toBeGreaterThan(1);
      expect(facts.icon, type).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(facts.setupHelp.length).toBeGreaterThan(10);
      expect(['free', 'template', 'human_agent']).toContain(facts.outsideWindow);
      expect(channelConfigSchemas[type]).toBe(facts.config);
      expect(adapters[type].configSchema).toBe(facts.config);
    }
  });

  it('holds each channel to its own rule once the 24-hour window closed', () => {
    const rules = Object.fromEntries(ChannelType.options.map((t) => [t, outsideWindowOf(t)]));
    expect(rules).toEqual({
      webchat: 'free',
      whatsapp: 'template',
      messenger: 'human_agent',
      instagram: 'human_agent',
      telegram: 'free',
      twilio: 'free',
      email: 'free',
      api: 'free',
    });
    expect(outsideWindowOf('twilio', { from: 'whatsapp:+15550001111' })).toBe('template');
    expect(outsideWindowOf('twilio', { from: '+15550001111' })).toBe('free');
    expect(outsideWindowOf('carrier-pigeon')).toBe('free');
    expect(channelFactsOf('toString')).toBeUndefined();
  });

  it('derives each connect form from the hints and the zod config: kinds, choices, secrets, optional', () => {
    for (const type of ChannelType.options) {
      const facts = channelDefinitions[type];
      // Every hint names a real config path: a renamed field cannot leave a stale form behind.
      expect(
        formFieldsOf(facts).map((f) => f.key),
        type,
      ).toEqual(Object.keys(facts.form));
    }
    const whatsapp = formFieldsOf(channelDefinitions.whatsapp);
    expect(whatsapp.find((f) => f.key === 'accessToken')).toMatchObject({ secret: true, optional: false, kind: 'text' });
    expect(whatsapp.find((f) => f.key === 'apiVersion')).toMatchObject({ secret: false, optional: true });
    const email = formFieldsOf(channelDefinitions.email);
    expect(email.find((f) => f.key === 'provider')).toMatchObject({ kind: 'select', options: ['mailgun', 'sendgrid', 'smtp'] });
    expect(email.find((f) => f.key === 'smtp.port')).toMatchObject({ kind: 'number', optional: true, secret: true });
    expect(email.find((f) => f.key === 'smtp.secure')).toMatchObject({ kind: 'switch' });
  });

  it('turns a filled-in form into a config the channel accepts', () => {
    const smtp = configFromForm(channelDefinitions.email, {
      provider: 'smtp',
      fromAddress: ' hello@shop.example ',
      'smtp.host': 'mail.shop.example',
      'smtp.port': '587',
      'smtp.user': '',
      apiKey: '  ',
    });
    expect(smtp).toEqual({
      provider: 'smtp',
      fromAddress: 'hello@shop.example',
      smtp: { host: 'mail.shop.example', port: 587, secure: false },
    });
    expect(channelConfigSchemas.email.safeParse(smtp).success).toBe(true);
    const twilio = configFromForm(channelDefinitions.twilio, { accountSid: 'AC1', authToken: 'tok', from: '+15550001111' });
    expect(channelConfigSchemas.twilio.safeParse(twilio).success).toBe(true);
  });
});
