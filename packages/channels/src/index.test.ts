import { describe, expect, it } from 'vitest';
import { adapters, ChannelType, channelConfigSchemas, channelDefinitions } from './index';

describe('adapter registry', () => {
  it('has one adapter per channel type, agreeing with the browser-safe definitions', () => {
    for (const type of ChannelType.options) {
      const adapter = adapters[type];
      expect(adapter.type).toBe(type);
      expect(adapter.configSchema).toBe(channelConfigSchemas[type]);
      expect(adapter.secretFields).toEqual(channelDefinitions[type].secretFields);
      expect(adapter.label).toBe(channelDefinitions[type].label);
    }
  });

  it('accepts an optional baseUrl wherever there is a provider to point at', () => {
    const samples = {
      twilio: { accountSid: 'AC1', authToken: 't', from: '+15550001111' },
      whatsapp: { phoneNumberId: '1', accessToken: 't', appSecret: 's', verifyToken: 'v' },
      messenger: { pageId: '1', pageAccessToken: 't', appSecret: 's', verifyToken: 'v' },
      instagram: { pageId: '1', pageAccessToken: 't', appSecret: 's', verifyToken: 'v' },
      telegram: { botToken: '1:abc', secretToken: 'secret' },
      email: { provider: 'sendgrid', apiKey: 'k', fromAddress: 'a@b.example' },
    } as const;
    for (const [type, sample] of Object.entries(samples)) {
      const schema = channelConfigSchemas[type as keyof typeof samples];
      expect(schema.safeParse(sample).success, type).toBe(true);
      expect(schema.safeParse({ ...sample, baseUrl: 'http://127.0.0.1:9999' }).success, type).toBe(true);
      expect(schema.safeParse({ ...sample, baseUrl: 'not a url' }).success, type).toBe(false);
    }
  });

  it('marks every secret field as a field of the config', () => {
    for (const type of ChannelType.options) {
      const shape = (channelConfigSchemas[type] as unknown as { shape: Record<string, unknown> }).shape;
      for (const name of adapters[type].secretFields) expect(Object.keys(shape), `${type}.${name}`).toContain(name);
    }
  });
});
