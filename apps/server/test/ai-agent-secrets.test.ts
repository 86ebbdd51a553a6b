import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';

/**
 * An AI agent's tool requests are outbound calls like the HTTP step's: a token typed into one is
 * never exported (it becomes a credential placeholder) and agents never read its headers or body.
 */
const TOKEN = 'shpat_agent_tool_secret_9001';
let ctx: TestContext;
let owner: Session;

const agentFlow = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { keywords: ['broken'] } },
    {
      id: 'agent',
      type: 'action.ai_agent',
      position: { x: 0, y: 120 },
      config: {
        instructions: 'Help with orders.',
        tools: [
          {
            name: 'lookup_order',
            description: 'Look up an order.',
            parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
            request: {
              method: 'POST',
              url: 'https://shop.example.com/api/orders/{{ args.order_id }}',
              headers: { Authorization: `Bearer ${TOKEN}` },
              body: '{"q": "{{ args.order_id }}"}',
            },
          },
          { name: 'tag_vip', description: 'Tag VIP.', action: { type: 'add_tag', tags: ['vip'] } },
        ],
      },
    },
  ],
  edges: [{ id: 'e1', source: 't', target: 'agent' }],
};

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Agent secrets');
});
afterAll(async () => ctx?.close());

describe("an AI agent's tool credentials", () => {
  it('are exported as placeholders and hidden from agents', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Agent', definition: agentFlow } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const exported = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(TOKEN);
    const tool = exported.body.nodes.find((n: { id: string }) => n.id === 'agent').config.tools[0];
    expect(tool.request.headers).toEqual({ Authorization: 'Bearer {{ secrets.shop }}' });
    expect(exported.body.requires).toContainEqual(
      expect.objectContaining({ kind: 'credential', nodeId: 'agent', field: 'tools.0.request.headers.Authorization' }),
    );

    const member = await addMember(ctx.app, owner, { name: 'Agent Ann' });
    const seen = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}`, { cookie: member.cookie });
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toContain(TOKEN);
    const tools = seen.body.definition.nodes.find((n: { id: string }) => n.id === 'agent').config.tools;
    expect(tools[0].request).toEqual({ method: 'POST', url: 'https://shop.example.com' });
    expect(tools[1].action).toEqual({ type: 'add_tag', tags: ['vip'] });
  });
});
