import { describe, expect, it } from 'vitest';
import { getDefinition, nodeDefinitions, nodeTypes } from '../definitions';
import type { NodeDefinition } from './define';
import { validateFlow } from '../validate';

const definitions = Object.values(nodeDefinitions) as unknown as NodeDefinition[];
const withCapability = (has: (d: NodeDefinition) => unknown) =>
  definitions
    .filter(has)
    .map((d) => d.type)
    .sort();
const pos = { x: 0, y: 0 };

describe('node capabilities on the definitions', () => {
  it('summarises every step in one line, from its defaults and from a half-filled config', () => {
    for (const definition of definitions) {
      if (!definition.summary) continue;
      const fromDefaults = definition.summary(definition.defaults as never);
      expect(typeof fromDefaults, definition.type).toBe('string');
      expect(fromDefaults).not.toContain('\n');
      expect(fromDefaults.length, definition.type).toBeLessThanOrEqual(80);
      expect(typeof definition.summary({})).toBe('string');
    }
    expect(getDefinition('action.send_message')?.summary?.({ text: 'x'.repeat(200) })).toHaveLength(70);
    expect(getDefinition('action.delay')?.summary?.({ minutes: 30 })).toBe('Wait 30 min');
    expect(getDefinition('trigger.message_received')?.summary?.({ keywords: ['price', 'cost'] })).toBe(
      'When a message mentions: price, cost',
    );
  });

  it('marks the steps that call out, and only those may receive credentials', () => {
    const callers = withCapability((d) => d.callsOut);
    expect(callers).toEqual(expect.arrayContaining(['action.crm', 'action.http_request', 'action.ai_reply']));
    expect(callers).not.toContain('action.send_message');
    for (const type of withCapability((d) => d.credentialFields)) expect(callers).toContain(type);
    const http = getDefinition('action.http_request')?.credentialFields;
    expect([http?.('url'), http?.('headers.Authorization'), http?.('saveTo')]).toEqual([true, true, false]);
  });

  it('breaks a loop exactly where a step waits', () => {
    const loopThrough = (type: string) => {
      const definition = getDefinition(type) as NodeDefinition;
      const out = typeof definition.outputs === 'function' ? definition.outputs(definition.defaults) : definition.outputs;
      const doc = {
        schemaVersion: 1,
        nodes: [
          { id: 't', type: 'trigger.manual', position: pos, config: {} },
          { id: 'n', type: 'action.note', position: pos, config: { text: 'again' } },
          { id: 'w', type, position: pos, config: definition.defaults },
        ],
        edges: [
          { id: 'e1', source: 't', target: 'n' },
          { id: 'e2', source: 'n', target: 'w' },
          { id: 'e3', source: 'w', target: 'n', ...(out[0] && out[0] !== 'next' ? { sourceHandle: out[0] } : {}) },
        ],
      };
      return validateFlow(doc).errors.some((e) => e.code === 'loop_without_wait');
    };
    const waiting = withCapability((d) => d.waits);
    expect(waiting).toEqual(expect.arrayContaining(['action.ask_question', 'action.delay']));
    for (const type of waiting) expect(loopThrough(type), type).toBe(false);
    expect(loopThrough('action.set_attribute')).toBe(true);
  });

  it('says what each step saves, for the placeholders offered in the editor', () => {
    expect(getDefinition('action.ask_question')?.saves?.({ saveTo: 'contact.attributes.size' })).toEqual(['contact.attributes.size']);
    expect(getDefinition('action.http_request')?.saves?.({ saveTo: 'order' })).toEqual(['vars.order.status', 'vars.order.body']);
    expect(getDefinition('action.set_attribute')?.saves?.({ field: 'vars.plan' })).toEqual(['vars.plan']);
    expect(getDefinition('action.set_attribute')?.saves?.({ field: 'contact.email' })).toEqual([]);
  });

  it('knows which triggers start from the customer, so the messaging window is open', () => {
    const fromCustomer = withCapability((d) => d.startsFromCustomer);
    expect(fromCustomer).toEqual(expect.arrayContaining(['trigger.conversation_opened', 'trigger.message_received']));
    expect(fromCustomer).not.toContain('trigger.webhook');
    for (const type of fromCustomer) expect(getDefinition(type)?.kind).toBe('trigger');
    expect(nodeTypes.length).toBe(definitions.length);
  });
});
