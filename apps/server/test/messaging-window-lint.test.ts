/**
 * The messaging-window lint as an owner meets it: a webhook-started flow names no channel, so the
 * rules come from the channels connected in the workspace — WhatsApp asks for a template,
 * Messenger allows only a person's reply within 7 days. Through HTTP on the real app and database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

/** A flow document as the editor saves it. */
function flow(nodes: { id: string; type: string; config?: Record<string, unknown> }[], edges: { source: string; target: string }[]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ position: { x: 0, y: i * 120 }, config: {}, ...n })),
    edges: edges.map((e, i) => ({ id: `e${i}`, ...e })),
  };
}

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

type Issue = { nodeId?: string; field?: string; code: string; message: string };

const orderShipped = flow(
  [
    { id: 'start', type: 'trigger.webhook' },
    { id: 'say', type: 'action.send_message', config: { text: 'Your order {{ trigger.body.order }} has shipped' } },
  ],
  [{ source: 'start', target: 'say' }],
);

const meta = { accessToken: 'meta-token', appSecret: 'meta-app-secret', verifyToken: 'verify-word' };
const channelConfigs = {
  whatsapp: { phoneNumberId: '1234567890', ...meta },
  messenger: { pageId: '998877', pageAccessToken: 'page-token', appSecret: 'meta-app-secret', verifyToken: 'verify-word' },
  twilio: { accountSid: 'AC123', authToken: 'twilio-token', from: 'whatsapp:+15550001111' },
  api: { callbackUrl: 'https://shop.example/switchboard' },
} as const;

async function connect(owner: Session, type: keyof typeof channelConfigs) {
  const created = await call(ctx.app, 'POST', '/api/channels', {
    cookie: owner.cookie,
    body: { type, name: type, config: channelConfigs[type] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

async function newFlow(owner: Session, definition: unknown = orderShipped): Promise<string> {
  const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Order shipped', definition } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

async function windowWarnings(owner: Session, workflowId: string): Promise<Issue[]> {
  const read = await call(ctx.app, 'GET', `/api/workflows/${workflowId}`, { cookie: owner.cookie });
  expect(read.status).toBe(200);
  return (read.body.validation.warnings as Issue[]).filter((w) => w.code.startsWith('window_'));
}

describe('messaging-window lint through the API', () => {
  it('fires for a webhook-started flow once the workspace connects WhatsApp, on read, save and publish', async () => {
    const owner = await signup(ctx.app, 'Wanda');
    const id = await newFlow(owner);
    expect(await windowWarnings(owner, id)).toEqual([]);

    await connect(owner, 'whatsapp');
    const warnings = await windowWarnings(owner, id);
    expect(warnings).toEqual([
      {
        nodeId: 'say',
        field: 'whatsappTemplate',
        code: 'window_template_needed',
        message: expect.stringContaining('Add a WhatsApp template to this step'),
      },
    ]);

    const saved = await call(ctx.app, 'PUT', `/api/workflows/${id}`, { cookie: owner.cookie, body: { definition: orderShipped } });
    expect(saved.status).toBe(200);
    expect(saved.body.validation.warnings.map((w: Issue) => w.code)).toContain('window_template_needed');

    // A warning, not an error: the owner may publish, and is told once more.
    const published = await call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(JSON.stringify(published.body)).toContain('window_template_needed');
  });

  it('is satisfied by a WhatsApp template on the step', async () => {
    const owner = await signup(ctx.app, 'Tomas');
    await connect(owner, 'whatsapp');
    const withTemplate = structuredClone(orderShipped);
    withTemplate.nodes[1]!.config = {
      ...withTemplate.nodes[1]!.config,
      whatsappTemplate: { name: 'order_shipped', language: 'en_US', variables: ['{{ trigger.body.order }}'] },
    };
    expect(await windowWarnings(owner, await newFlow(owner, withTemplate))).toEqual([]);
  });

  it('tells Messenger the 7-day human-agent rule and never to use a WhatsApp template', async () => {
    const owner = await signup(ctx.app, 'Mila');
    await connect(owner, 'messenger');
    const warnings = await windowWarnings(owner, await newFlow(owner));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ nodeId: 'say', code: 'window_closed' });
    expect(warnings[0]!.message).toContain('HUMAN_AGENT');
    expect(warnings[0]!.message).toContain('7 days');
    expect(warnings[0]!.message).not.toMatch(/WhatsApp/);
  });

  it('reads a Twilio WhatsApp sender as WhatsApp and leaves free channels alone', async () => {
    const owner = await signup(ctx.app, 'Ines');
    await connect(owner, 'api');
    const id = await newFlow(owner);
    expect(await windowWarnings(owner, id)).toEqual([]);
    await connect(owner, 'twilio');
    expect((await windowWarnings(owner, id)).map((w) => w.code)).toEqual(['window_template_needed']);
  });

  it("counts only the workspace's own channels, and stops once the channel is disconnected", async () => {
    const other = await signup(ctx.app, 'Otto');
    const owner = await signup(ctx.app, 'Pia');
    const theirs = await connect(other, 'whatsapp');
    const id = await newFlow(owner);
    expect(await windowWarnings(owner, id)).toEqual([]);

    const mine = await connect(owner, 'whatsapp');
    expect(await windowWarnings(owner, id)).toHaveLength(1);
    expect((await call(ctx.app, 'DELETE', `/api/channels/${mine}`, { cookie: owner.cookie })).status).toBe(204);
    expect(await windowWarnings(owner, id)).toEqual([]);
    expect(theirs).toBeTruthy();
  });
});
