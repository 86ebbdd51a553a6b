/**
 * Export → import preserves a flow exactly; bad files are refused with every problem at once
 * and nothing is created; odd but harmless content (`__proto__` keys, `<script>`) is kept as
 * plain text and never executed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesDir } from '../src/flows/template-library';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';

let ctx: TestContext;
let owner: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Porter');
});
afterAll(() => ctx.close());

const importFile = (document: unknown, name?: string) =>
  call(ctx.app, 'POST', '/api/workflows/import', { cookie: owner.cookie, body: { document, ...(name ? { name } : {}) } });
const workflowCount = async () => (await call(ctx.app, 'GET', '/api/workflows', { cookie: owner.cookie })).body.workflows.length as number;

/** A flow touching many node types, odd positions, labels, handles and nested configs. */
const richFlow = {
  schemaVersion: 1,
  nodes: [
    {
      id: 'start',
      type: 'trigger.message_received',
      position: { x: 0, y: 0 },
      config: { channels: ['webchat', 'whatsapp'], keywords: ['cake', 'gâteau'], onlyWhenBot: false },
    },
    {
      id: 'topic',
      type: 'condition.text_match',
      position: { x: 12.5, y: 150.25 },
      label: 'What do they want?',
      config: {
        cases: [
          { id: 'price', operator: 'contains_any', values: ['price', 'cost'] },
          { id: 'code', operator: 'regex', values: ['^#\\d{4}$'] },
        ],
      },
    },
    {
      id: 'ask_size',
      type: 'action.ask_question',
      position: { x: -250, y: 300 },
      config: {
        text: 'Size?',
        saveTo: 'contact.attributes.size',
        validate: 'choice',
        choices: ['S', 'M', 'L'],
        timeoutMinutes: 30,
        maxAttempts: 2,
      },
    },
    {
      id: 'lookup',
      type: 'action.http_request',
      position: { x: 0, y: 300 },
      config: {
        method: 'POST',
        url: 'https://shop.example/api/{{ vars.x }}',
        headers: { 'Content-Type': 'application/json' },
        body: '{"q": "{{ message.text }}"}',
        timeoutMs: 5000,
        saveTo: 'vars.result',
      },
    },
    {
      id: 'push',
      type: 'action.crm',
      position: { x: 250, y: 300 },
      config: { operation: 'upsert_contact', email: '{{ vars.email }}', attributes: { plan: 'gold', source: 'chat' } },
    },
    {
      id: 'reply',
      type: 'action.send_message',
      position: { x: -250, y: 450 },
      config: {
        text: 'Thanks {{ contact.first_name | default: "friend" }}! 🎂',
        mediaUrl: 'https://cdn.example/cake.png',
        quickReplies: ['More', 'Done'],
        whatsappTemplate: { name: 'thanks', language: 'en_GB', variables: ['{{ contact.name }}'] },
      },
    },
    { id: 'wait', type: 'action.delay', position: { x: 0, y: 450 }, config: { minutes: 43200 } },
    { id: 'done', type: 'action.end', position: { x: 0, y: 600 }, config: {} },
  ],
  edges: [
    { id: 'e-start', source: 'start', target: 'topic' },
    { id: 'e-price', source: 'topic', target: 'ask_size', sourceHandle: 'price' },
    { id: 'e-code', source: 'topic', target: 'lookup', sourceHandle: 'code' },
    { id: 'e-else', source: 'topic', target: 'push', sourceHandle: 'else' },
    { id: 'e-reply', source: 'ask_size', target: 'reply', sourceHandle: 'reply' },
    { id: 'e-timeout', source: 'ask_size', target: 'done', sourceHandle: 'timeout' },
    { id: 'e-ok', source: 'lookup', target: 'wait', sourceHandle: 'success' },
    { id: 'e-err', source: 'lookup', target: 'done', sourceHandle: 'error' },
    { id: 'e-wait', source: 'wait', target: 'done' },
  ],
};

describe('export and import', () => {
  it('round-trips a flow exactly: nodes, edges, configs, positions', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: { name: 'Cake desk', description: 'Everything cake', definition: richFlow },
    });
    expect(created.status).toBe(201);
    const exported = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie });
    expect(exported.status).toBe(200);
    expect(exported.res.headers.get('content-disposition')).toBe('attachment; filename="cake-desk.json"');
    expect(exported.body).toMatchObject({
      schemaVersion: 1,
      name: 'Cake desk',
      description: 'Everything cake',
      slug: 'cake-desk',
      requires: [],
    });
    expect(exported.body.nodes).toEqual(richFlow.nodes);
    expect(exported.body.edges).toEqual(richFlow.edges);

    const imported = await importFile(exported.body);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.workflow).toMatchObject({ name: 'Cake desk', description: 'Everything cake', status: 'draft' });
    expect(imported.body.workflow.id).not.toBe(created.body.id);
    expect(imported.body.workflow.definition).toEqual(richFlow);
    const again = await call(ctx.app, 'GET', `/api/workflows/${imported.body.workflow.id}/export`, { cookie: owner.cookie });
    expect({ ...again.body }).toEqual(exported.body);
  });

  it('round-trips every bundled template', async () => {
    for (const file of readdirSync(templatesDir).filter((f) => f.endsWith('.json'))) {
      const template = JSON.parse(readFileSync(`${templatesDir}/${file}`, 'utf8'));
      const fromTemplate = await call(ctx.app, 'POST', `/api/templates/${template.slug}/import`, { cookie: owner.cookie });
      const exported = await call(ctx.app, 'GET', `/api/workflows/${fromTemplate.body.workflow.id}/export`, { cookie: owner.cookie });
      const imported = await importFile(exported.body);
      expect(imported.status, file).toBe(201);
      expect(imported.body.workflow.definition, file).toEqual({ schemaVersion: 1, nodes: template.nodes, edges: template.edges });
    }
  });

  it('never exports secrets: credential headers become credential placeholders listed for the importer', async () => {
    const withKey = structuredClone(richFlow);
    (withKey.nodes[3]!.config as { headers: Record<string, string> }).headers = {
      'Content-Type': 'application/json',
      Authorization: 'Bearer sk-live-123',
      'X-Api-Key': 'abc',
    };
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: { name: 'Secret desk', definition: withKey },
    });
    const exported = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie });
    expect(JSON.stringify(exported.body)).not.toMatch(/sk-live-123|"abc"/);
    // One credential per distinct value, named after the host; the auth scheme word stays.
    const headers = exported.body.nodes[3].config.headers;
    expect(headers['Content-Type']).toBe('application/json');
    expect([headers.Authorization.replace('Bearer ', ''), headers['X-Api-Key']].sort()).toEqual([
      '{{ secrets.shop }}',
      '{{ secrets.shop_2 }}',
    ]);
    expect(headers.Authorization).toMatch(/^Bearer \{\{/);
    expect(exported.body.requires).toHaveLength(2);
    expect(exported.body.requires).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'credential', nodeId: 'lookup', field: 'headers.Authorization' }),
        expect.objectContaining({ kind: 'credential', nodeId: 'lookup', field: 'headers.X-Api-Key' }),
      ]),
    );
    const imported = await importFile(exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body.requires).toHaveLength(2);
    expect(imported.body.requires).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'credential', nodeId: 'lookup', label: expect.stringContaining('"shop"') }),
        expect.objectContaining({ kind: 'credential', nodeId: 'lookup', label: expect.stringContaining('"shop_2"') }),
      ]),
    );
  });

  it('migrates an older file forward and lists settings left to fill', async () => {
    const v0 = {
      name: 'Old export',
      nodes: [
        { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, data: { keywords: ['old'] } },
        { id: 'route', type: 'action.assign', position: { x: 0, y: 150 }, data: { to: 'team' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'route' }],
    };
    const imported = await importFile(v0);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.workflow.definition).toEqual({
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { keywords: ['old'] } },
        { id: 'route', type: 'action.assign', position: { x: 0, y: 150 }, config: { to: 'team' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'route' }],
    });
    expect(imported.body.requires).toEqual([expect.objectContaining({ nodeId: 'route', field: 'teamId' })]);
  });
});

describe('references to another workspace', () => {
  // Ids of the exporting workspace stay in the file (a re-import at home is exact); an importing
  // workspace that lacks them gets them cleared and listed in the checklist.
  it('lists team, agent and channel ids the importing workspace does not have', async () => {
    const team = await call(ctx.app, 'POST', '/api/teams', { cookie: owner.cookie, body: { name: 'Bakers' } });
    const channel = await call(ctx.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'webchat', name: 'Site', config: {} },
    });
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Routed',
        definition: {
          schemaVersion: 1,
          nodes: [
            { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { channels: [channel.body.id] } },
            {
              id: 'route',
              type: 'action.assign',
              position: { x: 0, y: 150 },
              config: { to: 'team', teamId: team.body.id, strategy: 'round_robin' },
            },
            { id: 'owner', type: 'action.assign', position: { x: 0, y: 300 }, config: { to: 'agent', userId: owner.userId } },
          ],
          edges: [
            { id: 'e1', source: 'start', target: 'route' },
            { id: 'e2', source: 'route', target: 'owner' },
          ],
        },
      },
    });
    const file = (await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie })).body;
    const other = await signup(ctx.app, 'Elsewhere');
    const imported = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: other.cookie, body: { document: file } });
    expect(imported.status).toBe(201);
    expect(imported.body.requires).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'channel', nodeId: 'start', field: 'channels' }),
        expect.objectContaining({ kind: 'team', nodeId: 'route', field: 'teamId' }),
        expect.objectContaining({ kind: 'agent', nodeId: 'owner', field: 'userId' }),
      ]),
    );
    const nodes = imported.body.workflow.definition.nodes as { id: string; config: Record<string, unknown> }[];
    expect(nodes.find((n) => n.id === 'route')!.config.teamId).toBeUndefined();
    expect(JSON.stringify(imported.body.workflow.definition)).not.toContain(team.body.id);
    const home = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: owner.cookie, body: { document: file } });
    expect(home.body.requires).toEqual([]);
    expect(home.body.workflow.definition.nodes.find((n: { id: string }) => n.id === 'route').config.teamId).toBe(team.body.id);
  });
});

describe('bad files are refused clearly, and nothing is created', () => {
  let before: number;
  beforeAll(async () => {
    before = await workflowCount();
  });
  afterAll(async () => {
    expect(await workflowCount()).toBe(before);
  });

  it('invalid JSON', async () => {
    const res = await call(ctx.app, 'POST', '/api/workflows/import', {
      cookie: owner.cookie,
      body: '{"document": {"schemaVersion": 1, "nodes": [',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', message: 'The request body is not valid JSON' });
  });

  it('not a flow at all', async () => {
    for (const document of [null, 'hello', [1, 2], { schemaVersion: 1, nodes: 'many' }]) {
      const res = await importFile(document);
      expect(res.status, JSON.stringify(document)).toBe(422);
      expect(res.body.error.code).toBe('flow_invalid');
      expect(res.body.error.message).toMatch(/flow file/i);
    }
  });

  it('a dangling edge, an unknown node type and a duplicate id: all reported at once', async () => {
    const broken = structuredClone(richFlow);
    broken.edges.push({ id: 'e-ghost', source: 'done', target: 'ghost' } as (typeof broken.edges)[number]);
    broken.nodes.push({ id: 'teleport', type: 'action.teleport', position: { x: 0, y: 750 }, config: {} } as (typeof broken.nodes)[number]);
    broken.nodes.push({ ...broken.nodes[1]!, position: { x: 9, y: 9 } });
    const res = await importFile({ ...broken, name: 'Broken' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('flow_invalid');
    expect(res.body.error.message).toMatch(/cannot be imported/);
    const codes = res.body.error.details.errors.map((e: { code: string }) => e.code);
    expect(codes).toEqual(expect.arrayContaining(['dangling_edge', 'unknown_node_type', 'duplicate_node_id']));
    expect(res.body.error.details.errors).toContainEqual(
      expect.objectContaining({ code: 'unknown_node_type', nodeId: 'teleport', message: expect.stringContaining('"action.teleport"') }),
    );
    expect(res.body.error.details.errors).toContainEqual(
      expect.objectContaining({ code: 'dangling_edge', message: expect.stringContaining('"ghost"') }),
    );
  });

  it('an unknown node type alone', async () => {
    const res = await importFile({
      schemaVersion: 1,
      name: 'Future',
      nodes: [...richFlow.nodes.slice(0, 1), { id: 'magic', type: 'action.summon_unicorn', position: { x: 0, y: 150 }, config: {} }],
      edges: [{ id: 'e', source: 'start', target: 'magic' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors).toEqual([expect.objectContaining({ code: 'unknown_node_type', nodeId: 'magic' })]);
  });

  it('a newer schema version', async () => {
    const res = await importFile({ ...richFlow, schemaVersion: 99, name: 'From the future' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/newer Switchboard.*99.*Update Switchboard/);
    expect(res.body.error.details.errors).toEqual([expect.objectContaining({ code: 'schema_version', field: 'schemaVersion' })]);
  });

  it('a 10 MB file', async () => {
    const huge = {
      ...richFlow,
      name: 'Huge',
      nodes: [
        ...richFlow.nodes,
        { id: 'big', type: 'action.note', position: { x: 0, y: 0 }, config: { text: 'x'.repeat(10 * 1024 * 1024) } },
      ],
    };
    const res = await importFile(huge);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('larger than') });
  });
});

describe('odd content is kept as data and stays inert', () => {
  it('__proto__ and constructor keys pollute nothing and are stored as plain data', async () => {
    const raw = `{"document": {"schemaVersion": 1, "name": "Proto", "__proto__": {"polluted": "doc"}, "constructor": {"prototype": {"polluted": "ctor"}},
      "nodes": [
        {"id": "start", "type": "trigger.message_received", "position": {"x": 0, "y": 0}, "config": {"keywords": ["proto"], "__proto__": {"polluted": "config"}}},
        {"id": "say", "type": "action.send_message", "position": {"x": 0, "y": 150}, "config": {"text": "hi", "constructor": {"prototype": {"polluted": "nested"}}}}
      ],
      "edges": [{"id": "e1", "source": "start", "target": "say", "__proto__": {"polluted": "edge"}}]}}`;
    const res = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: owner.cookie, body: raw });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const stored = await call(ctx.app, 'GET', `/api/workflows/${res.body.workflow.id}`, { cookie: owner.cookie });
    const [start, say] = stored.body.definition.nodes;
    // `__proto__` is dropped by the schema (never set as a prototype); `constructor` is just data.
    expect(start.config).toEqual({ keywords: ['proto'] });
    expect(Object.hasOwn(start.config, '__proto__')).toBe(false);
    expect(say.config).toEqual({ text: 'hi', constructor: { prototype: { polluted: 'nested' } } });
    expect(stored.body.definition.edges).toEqual([{ id: 'e1', source: 'start', target: 'say' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('<script> in a text is stored as text and the simulator returns it literally', async () => {
    const text = '<script>alert("owned")</script> Hello {{ contact.first_name }} <img src=x onerror=alert(1)>';
    const res = await importFile({
      schemaVersion: 1,
      name: 'Script <b>kiddie</b>',
      nodes: [
        { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: {} },
        { id: 'say', type: 'action.send_message', position: { x: 0, y: 150 }, config: { text } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'say' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.workflow.name).toBe('Script <b>kiddie</b>');
    expect(res.body.workflow.definition.nodes[1].config.text).toBe(text);
    const run = await call(ctx.app, 'POST', `/api/workflows/${res.body.workflow.id}/test-runs`, {
      cookie: owner.cookie,
      body: { messages: ['hi'], contact: { name: 'Bea Baker' } },
    });
    expect(run.status).toBe(200);
    expect(run.res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(run.body.replies).toEqual([{ text: '<script>alert("owned")</script> Hello Bea <img src=x onerror=alert(1)>' }]);
  });
});

describe('who may import', () => {
  it('refuses anonymous callers and agents', async () => {
    expect((await call(ctx.app, 'POST', '/api/workflows/import', { body: { document: richFlow } })).status).toBe(401);
    const { cookie } = await addMember(ctx.app, owner, { name: 'Agent', email: 'agent-porter@example.com' });
    const res = await call(ctx.app, 'POST', '/api/workflows/import', { cookie, body: { document: richFlow } });
    expect(res.status).toBe(403);
  });
});
