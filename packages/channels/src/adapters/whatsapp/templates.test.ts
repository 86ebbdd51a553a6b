import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors';
import { loopback } from '../../testing/egress';
import { startGraphStandIn } from '../../testing/graph-stand-in';
import type { StandIn } from '../../testing/stand-in';
import { startTemplatesStandIn } from '../../testing/whatsapp-templates-stand-in';
import { whatsappAdapter } from './index';

const base = {
  phoneNumberId: '106540352242922',
  accessToken: 'EAAwa-token',
  appSecret: 'wa-app-secret',
  verifyToken: 'wa-verify',
  businessAccountId: '102290129340398',
};
let management: StandIn;
let graph: StandIn;

beforeAll(async () => {
  management = await startTemplatesStandIn({ token: base.accessToken, wabaId: base.businessAccountId });
  graph = await startGraphStandIn({ token: base.accessToken, phoneNumberId: base.phoneNumberId });
});
afterAll(async () => {
  await management.close();
  await graph.close();
});

describe('WhatsApp template sync', () => {
  it('lists every page of the business account, with header, body and buttons', async () => {
    const templates = await whatsappAdapter.syncTemplates!({ ...base, baseUrl: management.baseUrl }, loopback);
    expect(templates.map((t) => [t.name, t.language, t.status])).toEqual([
      ['order_ready', 'en_US', 'APPROVED'],
      ['spring_sale', 'es', 'PENDING'],
    ]);
    expect(templates[0]!.components.map((c) => c.type)).toEqual(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']);
    expect(templates[1]!.namedParameters).toBe(true);
    const [first, second] = management.requests;
    expect(first!.query.get('fields')).toContain('components');
    expect(first!.query.get('after')).toBeNull();
    expect(second!.query.get('after')).toBe('cursor-1');
    expect(management.requests).toHaveLength(2);
  });

  it('says what is missing without a business account ID, and what Meta said for a wrong one', async () => {
    const { businessAccountId: _, ...withoutAccount } = base;
    await expect(whatsappAdapter.syncTemplates!({ ...withoutAccount, baseUrl: management.baseUrl }, loopback)).rejects.toThrow(
      /Business Account ID/,
    );
    const wrong = whatsappAdapter.syncTemplates!({ ...base, businessAccountId: '999', baseUrl: management.baseUrl }, loopback);
    await expect(wrong).rejects.toBeInstanceOf(ProviderError);
    await expect(wrong).rejects.toThrow(/does not exist/);
  });
});

describe('WhatsApp template send', () => {
  it('sends the header image, body parameters and quick-reply payloads as components', async () => {
    const result = await whatsappAdapter.send(
      {
        id: 'msg-1',
        to: '15551234567',
        text: '',
        windowOpen: false,
        whatsappTemplate: {
          name: 'order_ready',
          language: 'en_US',
          variables: ['Ana', '#42'],
          headerMedia: { type: 'image', link: 'https://cdn.example.com/cake.jpg' },
          buttons: [
            { subType: 'quick_reply', index: 0, value: 'on-my-way' },
            { subType: 'quick_reply', index: 1, value: 'deliver' },
          ],
        },
      },
      { ...base, baseUrl: graph.baseUrl },
      loopback,
    );
    expect(result.providerMessageId).toMatch(/^wamid\./);
    expect(graph.requests.at(-1)!.json()).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15551234567',
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/cake.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'text', text: '#42' },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'on-my-way' }] },
          { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'deliver' }] },
        ],
      },
    });
  });

  it('names the body parameters of a template with named parameters', async () => {
    await whatsappAdapter.send(
      {
        id: 'msg-2',
        to: '15551234567',
        text: '',
        windowOpen: false,
        whatsappTemplate: { name: 'spring_sale', language: 'es', variables: ['Ana'], parameterNames: ['first_name'] },
      },
      { ...base, baseUrl: graph.baseUrl },
      loopback,
    );
    expect(graph.requests.at(-1)!.json().template.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] },
    ]);
  });
});
