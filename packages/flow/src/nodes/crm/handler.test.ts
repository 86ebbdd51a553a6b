import { describe, expect, it } from 'vitest';
import { redactValues } from '../../secrets';
import { makeContext } from '../../testing/context';
import type { CredentialVault, HttpRequest } from '../../types';
import { CrmConfig } from './definition';
import { crm } from './handler';
import { secretMark } from './push';

// What reaches HubSpot or the webhook (the call, its signature, retries and the timeline) is
// proven through the server against stand-ins: apps/server/test/crm-push.test.ts. Here: what the
// step asks the server to send, and that the step itself sends nothing and holds no credential.

/** A vault whose one credential must never be read by the step. */
function untouchable(value: string): CredentialVault & { reads: number } {
  const vault = {
    reads: 0,
    scope: async () => Object.defineProperty({}, 'crm', { enumerable: true, get: () => (vault.reads++, value) }),
    release() {},
    redact: (v: unknown) => redactValues(v, [value]),
  };
  return vault as CredentialVault & { reads: number };
}

const noCalls = (sent: HttpRequest[]) => async (req: HttpRequest) => (sent.push(req), { status: 200, headers: {}, body: '{}' });

describe('action.crm', () => {
  it('upserts contact fields from rendered values, skipping empty ones', async () => {
    const ctx = makeContext({ vars: { email: 'Jo@Example.com', size: '10 inch' } });
    const result = await crm(
      { operation: 'upsert_contact', email: '{{ vars.email }}', phone: '{{ vars.none }}', attributes: { cake_size: '{{ vars.size }}' } },
      ctx,
    );
    expect(result.effects).toEqual([
      { type: 'set_field', field: 'contact.email', value: 'Jo@Example.com' },
      { type: 'set_field', field: 'contact.attributes.cake_size', value: '10 inch' },
    ]);
  });

  it('logs the transcript under its rendered title', async () => {
    const ctx = makeContext({ contact: { name: 'Jo' } });
    expect((await crm({ operation: 'log_transcript', title: 'Chat with {{ contact.name }}' }, ctx)).effects).toEqual([
      { type: 'crm', operation: 'log_transcript', payload: { title: 'Chat with Jo' } },
    ]);
  });

  it('asks for a webhook push without calling out or reading the credential its header names', async () => {
    const sent: HttpRequest[] = [];
    const vault = untouchable('crm-token-1');
    const ctx = makeContext({ contact: { name: 'Jo' }, services: { http: noCalls(sent), credentials: vault } });
    const result = await crm(
      {
        operation: 'push_webhook',
        url: 'https://crm.example.com/in',
        headers: { Authorization: 'Bearer {{ secrets.crm }}', 'X-Lead': '{{ contact.name }}' },
        note: 'Lead: {{ contact.name }}',
      },
      ctx,
    );
    expect(sent).toEqual([]);
    expect(vault.reads).toBe(0);
    const [effect] = result.effects as unknown as [
      { type: 'crm'; payload: { url: string; headers: Record<string, string>; mark: string; note: string } },
    ];
    expect(effect.payload).toEqual({
      url: 'https://crm.example.com/in',
      headers: { Authorization: `Bearer ${secretMark(effect.payload.mark, 'crm')}`, 'X-Lead': 'Jo' },
      mark: expect.stringMatching(/^[0-9a-f]{24}$/),
      note: 'Lead: Jo',
    });
    expect(JSON.stringify(result)).not.toContain('crm-token-1');
  });

  it('refuses a filtered credential, a typed-in secret, a credential in the address and a bad address', async () => {
    const ctx = makeContext();
    expect(
      (
        await crm(
          { operation: 'push_webhook', url: 'https://crm.example.com/in', headers: { Authorization: '{{ secrets.crm | upcase }}' } },
          ctx,
        )
      ).error?.field,
    ).toBe('headers.Authorization');
    expect((await crm({ operation: 'push_webhook', url: 'https://crm.example.com/in?key={{ secrets.crm }}' }, ctx)).error?.field).toBe(
      'url',
    );
    expect((await crm({ operation: 'push_webhook', url: 'ftp://x' }, ctx)).error?.field).toBe('url');
    // A typed-in secret would be kept in run history with the request: it must be a credential.
    expect(
      (await crm({ operation: 'push_webhook', url: 'https://crm.example.com/in', headers: { Authorization: 'Bearer typed-in-123' } }, ctx))
        .error,
    ).toEqual({ field: 'headers.Authorization', message: expect.stringMatching(/as a credential/) });
    expect(CrmConfig.safeParse({ operation: 'delete_everything' }).success).toBe(false);
  });

  it('asks for a HubSpot push only for a contact with an email or phone, sending nothing itself', async () => {
    const sent: HttpRequest[] = [];
    const withEmail = makeContext({ contact: { name: 'Jo Baker', email: 'jo@example.com' }, services: { http: noCalls(sent) } });
    expect((await crm({ operation: 'push_hubspot', note: 'Lead: {{ contact.name }}' }, withEmail)).effects).toEqual([
      { type: 'crm', operation: 'push_hubspot', payload: { note: 'Lead: Jo Baker' } },
    ]);
    const anonymous = await crm(
      { operation: 'push_hubspot' },
      makeContext({ contact: { email: null, phone: null }, services: { http: noCalls(sent) } }),
    );
    expect(anonymous.effects).toEqual([]);
    expect(anonymous.log).toMatch(/no verified email address or phone number/);
    expect(sent).toEqual([]);
  });
});
