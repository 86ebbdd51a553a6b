import { describe, expect, it } from 'vitest';
import { agentStepCaption } from './step-caption';

describe('agentStepCaption', () => {
  it('names each kind of agent step as run history shows it', () => {
    const caption = (detail: Record<string, unknown>) => agentStepCaption({ output: null, detail });
    expect(caption({ asked: [{ tool: 'lookup_order', arguments: '{}' }] })).toBe('The model chose lookup_order');
    expect(caption({ tool: 'lookup_order', ok: true, result: '{}' })).toBe('Called lookup_order');
    expect(caption({ tool: 'create_return', ok: false, result: 'no' })).toBe('Called create_return: it failed');
    expect(caption({ tool: 'create_return', confirming: true })).toBe('Asked the customer to confirm create_return');
    expect(caption({ confirmation: { tool: 'create_return', answer: 'yes' } })).toBe('The customer said yes to create_return');
    expect(caption({ tool: 'resolve', arguments: { message: 'Done' } })).toBe('Resolved the conversation');
    expect(caption({ said: 'Which order?' })).toBe('Answered the customer and waited');
    expect(caption({ heard: ["actually it's order 5678"], asked: [{ tool: 'lookup_order', arguments: '{}' }] })).toBe(
      "Heard the customer: “actually it's order 5678”. The model chose lookup_order",
    );
    expect(agentStepCaption({ output: 'next' })).toBeNull();
    expect(agentStepCaption(null)).toBeNull();
  });
});
