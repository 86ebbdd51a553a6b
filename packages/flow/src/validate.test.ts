import { describe, expect, it } from 'vitest';
import type { FlowDocument } from './document';
import { createTemplateRenderer } from './runtime/template';
import { validateFlow } from './validate';

const pos = { x: 0, y: 0 };
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: pos, config });
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});
const flow = (nodes: FlowDocument['nodes'], edges: FlowDocument['edges']): FlowDocument => ({ schemaVersion: 1, nodes, edges });
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

const good = flow(
  [
    node('start', 'trigger.message_received', { channels: ['any'] }),
    node('hours', 'condition.business_hours'),
    node('away', 'action.send_message', { text: "Hi {{ contact.first_name | default: 'there' }}! We're closed." }),
    node('faq', 'condition.faq_match'),
    node('human', 'action.handoff'),
  ],
  [edge('start', 'hours'), edge('hours', 'away', 'closed'), edge('hours', 'faq', 'open'), edge('faq', 'human', 'no_match')],
);

describe('validateFlow', () => {
  it('accepts a sound flow, warning only about unconnected branch outputs', () => {
    const r = validateFlow(good);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      {
        nodeId: 'faq',
        code: 'unconnected_output',
        message: 'Connect the "Answered" output of FAQ answer to a next step; otherwise the flow stops there when it is taken.',
      },
    ]);
  });

  it('reports config errors per node with the field path, in plain words', () => {
    const r = validateFlow(
      flow(
        [
          node('t', 'trigger.manual'),
          node('s', 'action.send_message', { text: '' }),
          node('m', 'condition.text_match', { cases: [{ id: 'a', operator: 'regex', values: ['a(?=b)'] }] }),
        ],
        [edge('t', 's'), edge('s', 'm')],
      ),
    );
    expect(r.errors).toContainEqual({ nodeId: 's', field: 'text', code: 'invalid_config', message: 'This step needs a message.' });
    expect(r.errors).toContainEqual(
      expect.objectContaining({
        nodeId: 'm',
        field: 'cases.0.values.0',
        code: 'invalid_config',
        message: expect.stringMatching(/^Branch "a", pattern 1: Lookahead/),
      }),
    );
    const missing = validateFlow(flow([node('t', 'trigger.manual'), node('d', 'action.delay', {})], [edge('t', 'd')]));
    expect(missing.errors).toEqual([{ nodeId: 'd', field: 'minutes', code: 'invalid_config', message: 'Fill in "Minutes to wait".' }]);
    const enumBad = validateFlow(
      flow([node('t', 'trigger.manual'), node('x', 'action.set_status', { status: 'closed' })], [edge('t', 'x')]),
    );
    expect(enumBad.errors[0]?.message).toBe('Choose one of: open, pending, snoozed, resolved.');
  });

  it('names a missing field by its label in the inspector, never by zod words', () => {
    const missing = (type: string) =>
      validateFlow(flow([node('t', 'trigger.manual'), node('x', type, {})], [edge('t', 'x')])).errors.map((e) => e.message);
    expect(missing('condition.channel_is')).toEqual(['Fill in "Channels".']);
    expect(missing('action.crm')).toEqual(['Pick one of the choices for "operation".']);
    expect(missing('action.ask_question')).toEqual(['Fill in "Question".', 'Fill in "Where to save the answer".']);
  });

  it('needs exactly one trigger', () => {
    expect(codes(validateFlow(flow([node('s', 'action.send_message', { text: 'x' })], [])).errors)).toContain('no_trigger');
    const two = validateFlow(flow([node('a', 'trigger.manual'), node('b', 'trigger.webhook')], []));
    expect(two.errors).toContainEqual(expect.objectContaining({ nodeId: 'b', code: 'multiple_triggers' }));
  });

  it('reports unknown types, duplicate ids, dangling edges, bad outputs and edges into triggers', () => {
    const r = validateFlow(
      flow(
        [node('t', 'trigger.manual'), node('x', 'action.teleport'), node('x', 'action.end'), node('h', 'condition.business_hours')],
        [
          edge('t', 'x'),
          edge('t', 'ghost'),
          edge('x', 'h'),
          edge('h', 't', 'open'),
          { id: 'e9', source: 'h', target: 'x', sourceHandle: 'maybe' },
        ],
      ),
    );
    expect(r.errors).toContainEqual(expect.objectContaining({ nodeId: 'x', code: 'unknown_node_type' }));
    expect(codes(r.errors)).toEqual(expect.arrayContaining(['duplicate_node_id', 'dangling_edge', 'edge_into_trigger', 'unknown_output']));
    expect(r.errors.find((e) => e.code === 'unknown_output')?.message).toMatch(/no "maybe" output \(it has open, closed\)/);
  });

  it('reports unreachable steps as errors', () => {
    const r = validateFlow({ ...good, nodes: [...good.nodes, node('lost', 'action.note', { text: 'x' })] });
    expect(r.errors).toEqual([
      { nodeId: 'lost', code: 'unreachable', message: 'This step can never run: connect it to the flow or delete it.' },
    ]);
  });

  it('reports loops without a wait, but accepts loops through a question', () => {
    const nodes = [
      node('t', 'trigger.manual'),
      node('a', 'action.add_tag', { tags: ['x'] }),
      node('c', 'condition.compare', { field: 'vars.n', operator: 'exists' }),
    ];
    const bad = validateFlow(flow(nodes, [edge('t', 'a'), edge('a', 'c'), edge('c', 'a', 'true')]));
    expect(
      bad.errors
        .filter((e) => e.code === 'loop_without_wait')
        .map((e) => e.nodeId)
        .sort(),
    ).toEqual(['a', 'c']);
    const self = validateFlow(
      flow([node('t', 'trigger.manual'), node('n', 'action.note', { text: 'x' })], [edge('t', 'n'), edge('n', 'n')]),
    );
    expect(codes(self.errors)).toContain('loop_without_wait');
    const ok = validateFlow(
      flow(
        [...nodes, node('q', 'action.ask_question', { text: 'Again?', saveTo: 'vars.n' })],
        [edge('t', 'a'), edge('a', 'c'), edge('c', 'q', 'true'), edge('q', 'a', 'reply'), edge('q', 'a', 'timeout')],
      ),
    );
    expect(codes(ok.errors)).not.toContain('loop_without_wait');
  });

  it('warns about keywords another active flow catches, ignoring itself', () => {
    const doc = flow(
      [node('t', 'trigger.message_received', { keywords: ['Prix', 'menu'] }), node('s', 'action.send_message', { text: 'x' })],
      [edge('t', 's')],
    );
    const active = [
      { workflowId: 'w2', workflowName: 'Prices', keywords: ['prix du gâteau'] },
      { workflowId: 'w1', workflowName: 'This one', keywords: ['menu'] },
      { workflowId: 'w3', workflowName: 'Hours', keywords: ['hours'] },
    ];
    const r = validateFlow(doc, { activeKeywords: active, workflowId: 'w1' });
    expect(r.warnings).toEqual([
      {
        nodeId: 't',
        field: 'keywords',
        code: 'keyword_clash',
        message: expect.stringContaining('"Prix" is also caught by the active flow "Prices"'),
      },
    ]);
  });

  it('warns about the 24-hour window on proactive flows and long waits, unless a template is set', () => {
    const scheduled = flow(
      [
        node('t', 'trigger.schedule', { cron: '0 9 * * 1' }),
        node('s', 'action.send_message', { text: 'Weekly offer' }),
        node('s2', 'action.send_message', { text: 'x', whatsappTemplate: { name: 'offer', language: 'en' } }),
      ],
      [edge('t', 's'), edge('s', 's2')],
    );
    const r = validateFlow(scheduled, { channels: [{ type: 'webchat' }, { type: 'whatsapp' }] });
    expect(r.warnings).toEqual([expect.objectContaining({ nodeId: 's', field: 'whatsappTemplate', code: 'window_template_needed' })]);
    expect(validateFlow(scheduled, { channels: [{ type: 'webchat' }] }).warnings).toEqual([]);

    const longWait = flow(
      [
        node('t', 'trigger.message_received', { channels: ['whatsapp'] }),
        node('hi', 'action.send_message', { text: 'Hi' }),
        node('d', 'action.delay', { minutes: 2880 }),
        node('f', 'action.send_message', { text: 'How was it?' }),
      ],
      [edge('t', 'hi'), edge('hi', 'd'), edge('d', 'f')],
    );
    expect(validateFlow(longWait).warnings.map((w) => w.nodeId)).toEqual(['f']);
  });

  it('reports envelope problems with the node id', () => {
    const r = validateFlow({ schemaVersion: 1, nodes: [{ id: 'a', type: 'trigger.manual', config: {} }], edges: [] });
    expect(r.errors).toEqual([expect.objectContaining({ nodeId: 'a', field: 'position', code: 'invalid_document' })]);
    expect(validateFlow({ schemaVersion: 7, nodes: [], edges: [] }).errors[0]?.code).toBe('schema_version');
    expect(validateFlow(null).errors.length).toBeGreaterThan(0);
  });

  it('checks placeholders when given a template checker', () => {
    const doc = flow(
      [
        node('t', 'trigger.manual'),
        node('s', 'action.send_message', { text: "Hi {% include 'x' %}" }),
        node('n', 'action.note', { text: '{{ vars.a | nope }}' }),
      ],
      [edge('t', 's'), edge('s', 'n')],
    );
    const { check } = createTemplateRenderer();
    expect(validateFlow(doc).errors).toEqual([]);
    expect(validateFlow(doc, { checkTemplate: check }).errors).toEqual([
      { nodeId: 's', field: 'text', code: 'invalid_template', message: 'The placeholder tag "include" is not available here.' },
      { nodeId: 'n', field: 'text', code: 'invalid_template', message: 'Unknown filter "nope" in a placeholder.' },
    ]);
  });
});
