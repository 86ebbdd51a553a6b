/**
 * A flow made from scratch, as the editor makes it: created with a name only, autosaved while it
 * is still wrong, refused at publish with its problems in words per step, then fixed, tested and
 * published. Every call goes through HTTP on the real app and a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, customerSays, drain, flow } from './flow-helpers';

let ctx: TestContext;
let owner: Session;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Rosa');
});
afterAll(() => ctx?.close());

const trigger = { id: 'start', type: 'trigger.message_received', config: { channels: ['any'], onlyWhenBot: true } };
const sendStep = (text: string) => ({ id: 'say', type: 'action.send_message', config: { text } });
/** What zod says to developers; none of it may reach an owner. */
const DEVELOPER_WORDS = /Invalid input|Expected|received|Unrecognized|undefined|null/;

async function newFlow(name = 'Hello flow') {
  // "+ New flow" sends a name and an empty document; the flow has no description.
  const created = await call(ctx.app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: { name, definition: { schemaVersion: 1, nodes: [], edges: [] } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.description).toBeNull();
  return created.body as { id: string; name: string; description: null };
}

/** The editor's autosave body: everything it holds, including a description of null. */
const autosave = (id: string, body: Record<string, unknown>) =>
  call(ctx.app, 'PUT', `/api/workflows/${id}`, { cookie: owner.cookie, body: { description: null, ...body } });

describe('autosave of a draft', () => {
  it('stores a draft with a null description and an empty message, reporting the problem in words', async () => {
    const wf = await newFlow();
    const saved = await autosave(wf.id, {
      name: 'Hello flow',
      definition: flow([trigger, sendStep('')], [{ source: 'start', target: 'say' }]),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.description).toBeNull();
    expect(saved.body.validation.errors).toEqual([
      { nodeId: 'say', field: 'text', code: 'invalid_config', message: 'This step needs a message.' },
    ]);
    const read = await call(ctx.app, 'GET', `/api/workflows/${wf.id}`, { cookie: owner.cookie });
    expect(read.body.definition.nodes.map((n: { id: string }) => n.id)).toEqual(['start', 'say']);
  });

  it('keeps the current name when the name field is blank for a moment, and clears a description with null', async () => {
    const wf = await newFlow('Cake orders');
    const described = await autosave(wf.id, { description: 'Takes cake orders', definition: flow([trigger], []) });
    expect(described.body.description).toBe('Takes cake orders');
    const blank = await autosave(wf.id, { name: '   ', definition: flow([trigger], []) });
    expect(blank.status, JSON.stringify(blank.body)).toBe(200);
    expect(blank.body.name).toBe('Cake orders');
    expect(blank.body.description).toBeNull();
  });

  it('stores a broken draft and says what is wrong without developer words', async () => {
    const wf = await newFlow('Broken');
    const broken = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.message_received', config: {} },
        { type: 'action.send_message', position: { x: 0, y: 0 } },
      ],
      edges: [],
    };
    const saved = await autosave(wf.id, { definition: broken });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.definition).toEqual(broken);
    expect(saved.body.validation.errors.length).toBeGreaterThan(0);
    for (const issue of saved.body.validation.errors) expect(issue.message).not.toMatch(DEVELOPER_WORDS);
    expect(saved.body.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'start', field: 'position', message: 'Fill in "position".' }),
    );
  });

  it('still refuses what is not a flow document at all, naming the field', async () => {
    const wf = await newFlow('Not a flow');
    const res = await autosave(wf.id, { definition: { schemaVersion: 1, nodes: 'everything', edges: [] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('nodes');
  });

  it('refuses an agent (only admins build flows)', async () => {
    const wf = await newFlow('Agents may not');
    const agent = await addMember(ctx.app, owner, { name: 'Sam' });
    const res = await call(ctx.app, 'PUT', `/api/workflows/${wf.id}`, { cookie: agent.cookie, body: { definition: flow([trigger], []) } });
    expect(res.status).toBe(403);
  });
});

describe('publishing a flow made from scratch', () => {
  it('publishes for a client that sends Content-Type: application/json with no body, as curl does', async () => {
    const wf = await newFlow('Curl flow');
    expect((await autosave(wf.id, { definition: flow([trigger, sendStep('Hi!')], [{ source: 'start', target: 'say' }]) })).status).toBe(
      200,
    );
    const res = await ctx.app.request(`/api/workflows/${wf.id}/publish`, {
      method: 'POST',
      headers: { cookie: owner.cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { workflow: { status: string } }).workflow.status).toBe('active');
    // Paused again so that the flows of the tests after this one answer alone.
    expect((await call(ctx.app, 'POST', `/api/workflows/${wf.id}/pause`, { cookie: owner.cookie })).status).toBe(200);
  });

  it('refuses with each problem in words naming its step, then publishes once fixed and answers a customer', async () => {
    const wf = await newFlow('Hello flow');
    const hours = { id: 'hours', type: 'condition.business_hours', config: {} };
    await autosave(wf.id, {
      definition: flow(
        [trigger, hours, sendStep('')],
        [
          { source: 'start', target: 'hours' },
          { source: 'hours', sourceHandle: 'open', target: 'say' },
        ],
      ),
    });

    const refused = await call(ctx.app, 'POST', `/api/workflows/${wf.id}/publish`, { cookie: owner.cookie });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('flow_invalid');
    expect(refused.body.error.message).toBe('Fix this before publishing: Send message: This step needs a message.');
    expect(refused.body.error.details.errors).toEqual([
      { nodeId: 'say', step: 'Send message', field: 'text', code: 'invalid_config', message: 'This step needs a message.' },
    ]);
    expect(refused.body.error.details.warnings).toContainEqual({
      nodeId: 'hours',
      step: 'Business hours',
      code: 'unconnected_output',
      message: 'Connect the "Closed now" output of Business hours to a next step; otherwise the flow stops there when it is taken.',
    });

    const fixed = flow(
      [trigger, hours, sendStep('Fresh bread until 5pm!')],
      [
        { source: 'start', target: 'hours' },
        { source: 'hours', sourceHandle: 'open', target: 'say' },
      ],
    );
    expect((await autosave(wf.id, { definition: fixed })).status).toBe(200);
    const published = await call(ctx.app, 'POST', `/api/workflows/${wf.id}/publish`, { cookie: owner.cookie });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.version.number).toBe(1);
    await call(ctx.app, 'POST', `/api/workflows/${wf.id}/pause`, { cookie: owner.cookie });
  });

  it('names each step by its canvas label and lists every problem, the message spelling out the first three', async () => {
    const wf = await newFlow('Many problems');
    const steps = ['a', 'b', 'c', 'd'].map((id) => ({
      id,
      type: 'action.send_message',
      config: { text: '' },
      label: `Reply ${id.toUpperCase()}`,
    }));
    await autosave(wf.id, {
      definition: flow(
        [trigger, ...steps],
        [
          { source: 'start', target: 'a' },
          { source: 'a', target: 'b' },
          { source: 'b', target: 'c' },
          { source: 'c', target: 'd' },
        ],
      ),
    });
    const refused = await call(ctx.app, 'POST', `/api/workflows/${wf.id}/publish`, { cookie: owner.cookie });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe(
      'Fix these 4 problems before publishing: Reply A: This step needs a message. Reply B: This step needs a message. Reply C: This step needs a message. (and 1 more)',
    );
    expect(refused.body.error.details.errors.map((e: { step: string }) => e.step)).toEqual(['Reply A', 'Reply B', 'Reply C', 'Reply D']);
  });

  it('a broken draft is refused at publish in words, never with a 500', async () => {
    const wf = await newFlow('Broken publish');
    await autosave(wf.id, { definition: { schemaVersion: 1, nodes: [{ id: 'x' }], edges: [{}] } });
    const refused = await call(ctx.app, 'POST', `/api/workflows/${wf.id}/publish`, { cookie: owner.cookie });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('flow_invalid');
    for (const issue of refused.body.error.details.errors) expect(issue.message).not.toMatch(DEVELOPER_WORDS);
    expect(refused.body.error.message).toMatch(/^Fix these \d+ problems before publishing: /);
  });
});

describe('testing runs the latest saved draft', () => {
  it('answers with the text of the last autosave, and the published flow answers a real customer', async () => {
    const wf = await newFlow('Greeting');
    const edges = [{ source: 'start', target: 'say' }];
    await autosave(wf.id, { definition: flow([trigger, sendStep('Old hello')], edges) });
    await autosave(wf.id, { definition: flow([trigger, sendStep('Hello from Sunrise Bakery!')], edges) });
    const test = await call(ctx.app, 'POST', `/api/workflows/${wf.id}/test-runs`, { cookie: owner.cookie, body: { messages: ['hi'] } });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.replies.map((r: { text: string }) => r.text)).toEqual(['Hello from Sunrise Bakery!']);

    expect((await call(ctx.app, 'POST', `/api/workflows/${wf.id}/publish`, { cookie: owner.cookie })).status).toBe(200);
    const channel = await createWebchat(ctx, owner.workspaceId);
    const inbound = await customerSays(ctx, channel, 'visitor-1', 'hello');
    await drain(ctx);
    expect(inbound.conversationId).toBeTruthy();
    expect(await botReplies(ctx, inbound.conversationId!)).toEqual(['Hello from Sunrise Bakery!']);
  });
});
