import { createEgressGuard } from '@switchboard/egress';
import { describe, expect, it } from 'vitest';
import { createSafeHttp } from '../../runtime/safe-http';
import { CredentialHostError, hostAllowed, redactValues } from '../../secrets';
import { makeContext } from '../../testing/context';
import type { CredentialVault, HttpRequest } from '../../types';
import { CrmConfig } from './definition';
import { crm } from './handler';

/** One credential, as the server's vault holds it. */
function vault(value: string, hosts: string[], name = 'crm'): CredentialVault {
  let used = false;
  return {
    scope: async () => Object.defineProperty({}, name, { enumerable: true, get: () => ((used = true), value) }),
    release(url) {
      const marked = used;
      used = false;
      if (marked && !hostAllowed(hosts, new URL(url).hostname)) throw new CredentialHostError(name, hosts);
    },
    redact: (v) => redactValues(v, [value]),
  };
}

describe('action.crm', () => {
  it('upserts contact fields from rendered values, skipping empty ones', async () => {
    const ctx = makeContext({ vars: { email: 'Jo@Example.com', size: '10 inch' } });
    const result = await crm({ operation: 'upsert_contact', email: '{{ vars.email }}', phone: '{{ vars.none }}', attributes: { cake_size: '{{ vars.size }}' } }, ctx);
    expect(result.effects).toEqual([
      { type: 'set_field', field: 'contact.email', value: 'Jo@Example.com' },
      { type: 'set_field', field: 'contact.attributes.cake_size', value: '10 inch' },
    ]);
  });

  it('logs the transcript', async () => {
    const ctx = makeContext({ contact: { name: 'Jo' } });
    expect((await crm({ operation: 'log_transcript' }, ctx)).effects).toEqual([{ type: 'crm', operation: 'log_transcript', payload: { title: 'Conversation transcript' } }]);
  });

  it('posts the contact to a webhook, with headers reading a credential for its host', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => (sent.push(req), { status: 202, headers: {}, body: '' });
    const ctx = makeContext({ contact: { name: 'Jo', email: 'jo@example.com' }, services: { http, credentials: vault('crm-token-1', ['crm.example.com']) } });
    const result = await crm({ operation: 'push_webhook', url: 'https://crm.example.com/in', headers: { Authorization: 'Bearer {{ secrets.crm }}' }, note: 'Lead: {{ contact.name }}' }, ctx);
    expect(sent).toEqual([expect.objectContaining({ method: 'POST', url: 'https://crm.example.com/in', headers: { 'content-type': 'application/json', Authorization: 'Bearer crm-token-1' } })]);
    expect(JSON.parse(sent[0]!.body!)).toMatchObject({ contact: { name: 'Jo', email: 'jo@example.com' }, note: 'Lead: Jo' });
    expect(result.effects).toEqual([{ type: 'crm', operation: 'push_webhook', payload: { url: 'https://crm.example.com/in', status: 202, note: 'Lead: Jo' } }]);

    const elsewhere = await crm({ operation: 'push_webhook', url: 'https://collect.example.net/in', headers: { Authorization: 'Bearer {{ secrets.crm }}' } }, ctx);
    expect(elsewhere.error).toEqual({ field: 'url', message: "The credential 'crm' may only be sent to crm.example.com" });
    expect(sent).toHaveLength(1);
  });

  it('reports a webhook at a private address as the owner\'s setting to fix, without a call', async () => {
    const http = createSafeHttp({ egress: createEgressGuard() });
    for (const url of ['http://127.0.0.1:9/in', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:10.0.0.1]/in']) {
      const result = await crm({ operation: 'push_webhook', url }, makeContext({ services: { http } }));
      expect(result.error).toEqual({ field: 'url', message: expect.stringMatching(/^Refused: \S+ is a (private|cloud metadata) address$/) });
    }
  });

  it('upserts the contact in HubSpot with the hubspot credential and attaches the note', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => (sent.push(req), { status: 200, headers: {}, body: JSON.stringify({ results: [{ id: '901' }] }) });
    const ctx = makeContext({ contact: { name: 'Jo Baker', email: 'jo@example.com' }, services: { http, credentials: vault('pat-na1-xyz', ['api.hubapi.com'], 'hubspot') } });
    const result = await crm({ operation: 'push_hubspot', note: 'Lead: {{ contact.name }}' }, ctx);
    expect(sent.map((r) => [r.url, r.headers?.authorization])).toEqual([
      ['https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert', 'Bearer pat-na1-xyz'],
      ['https://api.hubapi.com/crm/v3/objects/notes', 'Bearer pat-na1-xyz'],
    ]);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ inputs: [{ idProperty: 'email', id: 'jo@example.com', properties: { email: 'jo@example.com', firstname: 'Jo', lastname: 'Baker' } }] });
    expect(result.effects).toEqual([{ type: 'crm', operation: 'push_hubspot', payload: { hubspotId: '901', note: 'Lead: Jo Baker' } }]);
    expect((await crm({ operation: 'push_hubspot' }, makeContext({ contact: { email: 'a@b.co' }, services: { http } }))).error?.message).toMatch(/credential "hubspot"/);
  });

  it('reports a bad webhook address and unknown operations', async () => {
    expect((await crm({ operation: 'push_webhook', url: 'ftp://x' }, makeContext())).error?.field).toBe('url');
    expect(CrmConfig.safeParse({ operation: 'delete_everything' }).success).toBe(false);
  });
});
