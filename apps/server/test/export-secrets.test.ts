import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { flow } from './flow-helpers';

let ctx: TestContext;
let owner: Session;

const TOKEN = 'shpat_live_secret_0042';
const URL_KEY = 'k3y-in-the-url-77';

// A flow as an owner writes it before credentials exist: the token typed into the header and
// the URL, plus one header already reading a credential.
const leaky = flow(
  [
    { id: 't', type: 'trigger.message_received', config: { keywords: ['order'] } },
    {
      id: 'lookup',
      type: 'action.http_request',
      config: {
        method: 'GET',
        url: `https://shop.example.com/admin/orders.json?status=any&api_key=${URL_KEY}&email={{ contact.email }}`,
        body: `{"client_secret": "${URL_KEY}", "email": "{{ contact.email }}", "api_key": "{{ secrets.crm }}"}`,
        headers: {
          'X-Shopify-Access-Token': TOKEN,
          Authorization: `Bearer ${TOKEN}`,
          'X-Crm-Token': '{{ secrets.crm }}',
          Accept: 'application/json',
        },
        saveTo: 'orders',
      },
    },
  ],
  [{ source: 't', target: 'lookup' }],
);

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Export Owner');
});
afterAll(async () => ctx?.close());

describe('exports never hold a secret', () => {
  it('turns typed-in headers and URL keys into credential placeholders, listed for the importer', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Orders', definition: leaky } });
    const exported = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie });
    expect(exported.status).toBe(200);
    const text = JSON.stringify(exported.body);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(URL_KEY);

    const config = exported.body.nodes.find((n: { id: string }) => n.id === 'lookup').config;
    // The same token in two headers is one credential, named after the host.
    expect(config.headers).toEqual({
      'X-Shopify-Access-Token': '{{ secrets.shop }}',
      Authorization: 'Bearer {{ secrets.shop }}',
      'X-Crm-Token': '{{ secrets.crm }}',
      Accept: 'application/json',
    });
    expect(config.url).toBe('https://shop.example.com/admin/orders.json?status=any&api_key={{ secrets.shop_2 }}&email={{ contact.email }}');
    // The same key typed into the body is the same credential.
    expect(config.body).toBe('{"client_secret": "{{ secrets.shop_2 }}", "email": "{{ contact.email }}", "api_key": "{{ secrets.crm }}"}');
    expect(
      exported.body.requires
        .filter((r: { kind: string }) => r.kind === 'credential')
        .map((r: { label: string }) => r.label)
        .sort(),
    ).toEqual([
      'Add the credential "crm" in Settings → Credentials',
      'Add the credential "shop" in Settings → Credentials (sent to shop.example.com)',
      'Add the credential "shop_2" in Settings → Credentials (sent to shop.example.com)',
    ]);
  });

  it('lists on import only the credentials the importing workspace lacks', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Orders 2', definition: leaky } });
    const file = (await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie })).body;

    const other = await signup(ctx.app, 'Importer');
    const first = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: other.cookie, body: { document: file } });
    expect(first.status).toBe(201);
    expect(
      first.body.requires
        .filter((r: { kind: string }) => r.kind === 'credential')
        .map((r: { label: string }) => r.label)
        .sort(),
    ).toEqual([
      'Add the credential "crm" in Settings → Credentials',
      'Add the credential "shop" in Settings → Credentials',
      'Add the credential "shop_2" in Settings → Credentials',
    ]);
    expect(JSON.stringify(first.body)).not.toContain(TOKEN);

    await call(ctx.app, 'POST', '/api/credentials', {
      cookie: other.cookie,
      body: { name: 'shop', value: 'their-own-token', hosts: ['shop.example.com'] },
    });
    const second = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: other.cookie, body: { document: file } });
    expect(
      second.body.requires
        .filter((r: { kind: string }) => r.kind === 'credential')
        .map((r: { nodeId: string; label: string }) => [r.nodeId, r.label])
        .sort(),
    ).toEqual([
      ['lookup', 'Add the credential "crm" in Settings → Credentials'],
      ['lookup', 'Add the credential "shop_2" in Settings → Credentials'],
    ]);
  });

  it('shows agents the outbound step without its address path, headers or body; admins still see what they wrote', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Orders 3', definition: leaky } });
    const agentKey = (await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'Agent', role: 'agent' } })).body
      .key;
    const asAgent = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}`, { token: agentKey });
    expect(asAgent.status).toBe(200);
    expect(JSON.stringify(asAgent.body)).not.toMatch(new RegExp(`${TOKEN}|${URL_KEY}`));
    const config = asAgent.body.definition.nodes.find((n: { id: string }) => n.id === 'lookup').config;
    expect(config).toEqual({ method: 'GET', url: 'https://shop.example.com', saveTo: 'orders' });

    const asOwner = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}`, { cookie: owner.cookie });
    expect(asOwner.body.definition.nodes[1].config.headers['X-Shopify-Access-Token']).toBe(TOKEN);
  });
});
