import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { CrmConfig } from './definition';
import { crm } from './handler';

describe('action.crm', () => {
  it('upserts contact fields from rendered values, skipping empty ones', async () => {
    const ctx = makeContext({ vars: { email: 'Jo@Example.com', size: '10 inch' } });
    const result = await crm({ operation: 'upsert_contact', email: '{{ vars.email }}', phone: '{{ vars.none }}', attributes: { cake_size: '{{ vars.size }}' } }, ctx);
    expect(result.effects).toEqual([
      { type: 'set_field', field: 'contact.email', value: 'Jo@Example.com' },
      { type: 'set_field', field: 'contact.attributes.cake_size', value: '10 inch' },
    ]);
  });

  it('logs the transcript, pushes to HubSpot and to a webhook', async () => {
    const ctx = makeContext({ contact: { name: 'Jo' } });
    expect((await crm({ operation: 'log_transcript' }, ctx)).effects).toEqual([{ type: 'crm', operation: 'log_transcript', payload: { title: 'Conversation transcript' } }]);
    expect((await crm({ operation: 'push_hubspot', note: 'Lead: {{ contact.name }}' }, ctx)).effects).toEqual([
      { type: 'crm', operation: 'push_hubspot', payload: { note: 'Lead: Jo' } },
    ]);
    expect((await crm({ operation: 'push_webhook', url: 'https://crm.example.com/in' }, ctx)).effects).toEqual([
      { type: 'crm', operation: 'push_webhook', payload: { url: 'https://crm.example.com/in' } },
    ]);
  });

  it('reports a bad webhook address and unknown operations', async () => {
    expect((await crm({ operation: 'push_webhook', url: 'ftp://x' }, makeContext())).error?.field).toBe('url');
    expect(CrmConfig.safeParse({ operation: 'delete_everything' }).success).toBe(false);
  });
});
