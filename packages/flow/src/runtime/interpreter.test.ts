import { describe, expect, it } from 'vitest';
import { nodeDefinitions, nodeTypes } from '../definitions';
import type { FlowDocument } from '../document';
import { findTrigger, nextNodeId } from '../graph';
import { nodeHandlers } from '../handlers';
import { makeContext } from '../testing/context';
import { executeNode } from './interpreter';

const pos = { x: 0, y: 0 };
const doc: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 's', type: 'action.send_message', position: pos, config: { text: 'Hi {{ contact.first_name }}' } },
    { id: 't', type: 'trigger.manual', position: pos, config: {} },
    { id: 'h', type: 'condition.business_hours', position: pos, config: {} },
    { id: 'bad', type: 'action.delay', position: pos, config: { minutes: -5 } },
    { id: 'alien', type: 'action.fly', position: pos, config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'h' },
    { id: 'e2', source: 'h', target: 's', sourceHandle: 'open' },
    { id: 'e3', source: 'h', target: 'bad', sourceHandle: 'closed' },
    { id: 'e4', source: 's', target: 'bad', sourceHandle: 'next' },
  ],
};

describe('interpreter helpers', () => {
  it('finds the trigger and follows outputs', () => {
    expect(findTrigger(doc)?.id).toBe('t');
    expect(nextNodeId(doc, 't')).toBe('h');
    expect(nextNodeId(doc, 'h', 'open')).toBe('s');
    expect(nextNodeId(doc, 'h', 'closed')).toBe('bad');
    expect(nextNodeId(doc, 'h')).toBeNull();
    expect(nextNodeId(doc, 's')).toBe('bad');
    expect(nextNodeId(doc, 'bad')).toBeNull();
  });

  it('executes a node with its parsed config', async () => {
    const result = await executeNode(doc, 's', makeContext({ contact: { name: 'Lou Reed' } }));
    expect(result.effects).toEqual([{ type: 'send_message', text: 'Hi Lou' }]);
  });

  it('turns bad config, unknown types and missing nodes into step errors', async () => {
    expect(await executeNode(doc, 'bad', makeContext())).toEqual({
      effects: [],
      error: { field: 'minutes', message: 'Wait at least 1 minute.' },
    });
    expect((await executeNode(doc, 'alien', makeContext())).error?.message).toMatch(/"action.fly"\) is not known/);
    expect((await executeNode(doc, 'gone', makeContext())).error?.message).toMatch(/not in this flow/);
  });

  it('has a handler for every definition', () => {
    expect(Object.keys(nodeHandlers).sort()).toEqual([...nodeTypes].sort());
    for (const def of Object.values(nodeDefinitions)) {
      expect(def.label.length).toBeGreaterThan(0);
      expect(def.description.length).toBeGreaterThan(10);
    }
  });
});

describe('outputsOf', () => {
  it('gives outputs of half-filled configs without throwing', async () => {
    const { outputsOf, nodeDefinitions: defs } = await import('../definitions');
    const textMatch = defs['condition.text_match'] as unknown as Parameters<typeof outputsOf>[0];
    expect(outputsOf(textMatch, { cases: [{ id: 'a', operator: 'exact', values: ['x'] }] })).toEqual(['a', 'else']);
    expect(outputsOf(textMatch, { cases: [{ id: 'a' }, {}] })).toEqual(['a', 'else']);
    expect(outputsOf(textMatch, {})).toEqual([]);
    expect(outputsOf(defs['condition.compare'] as unknown as Parameters<typeof outputsOf>[0], {})).toEqual(['true', 'false']);
  });
});
