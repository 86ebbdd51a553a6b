import { describe, expect, it } from 'vitest';
import { answersInWords, orderConflicts, type OrderedTrigger } from './order-conflicts';

const flow = (name: string, position: number, config: Record<string, unknown>, type = 'trigger.message_received'): OrderedTrigger => ({
  workflowId: `wf-${name}`,
  name,
  position,
  trigger: { type, config },
});

describe('orderConflicts', () => {
  it('names both flows, an example message and which goes first', () => {
    const menu = flow('Welcome menu', 1, { firstMessageOnly: true, channels: ['any'] });
    const hours = flow('Opening hours', 2, { keywords: ['hours'] });
    expect(orderConflicts(hours, [menu, hours]).map((c) => c.message)).toEqual([
      "'Opening hours' and 'Welcome menu' both answer a first message saying 'hours' — 'Welcome menu' goes first; change the order?",
    ]);
    expect(orderConflicts(hours, [menu, hours])[0]!.firstWorkflowId).toBe(menu.workflowId);
  });

  it('finds overlapping keywords as whole words', () => {
    const a = flow('Prices', 1, { keywords: ['price'] });
    const b = flow('Price list', 2, { keywords: ['price list'] });
    expect(orderConflicts(b, [a, b])[0]!.message).toContain("a message saying 'price list' — 'Prices' goes first");
    const c = flow('Priceless', 3, { keywords: ['priceless'] });
    expect(orderConflicts(c, [a, c])).toEqual([]);
  });

  it('says when two catch-all flows both answer every message', () => {
    const a = flow('A', 1, {});
    const b = flow('B', 2, { channels: ['any'] });
    expect(orderConflicts(a, [a, b])[0]!.message).toBe("'A' and 'B' both answer every message — 'A' goes first; change the order?");
  });

  it('finds no conflict across different channels or trigger kinds', () => {
    const a = flow('A', 1, { channels: ['whatsapp'] });
    const b = flow('B', 2, { channels: ['webchat'] });
    const webhook = flow('Hook', 3, {}, 'trigger.webhook');
    expect(orderConflicts(a, [a, b, webhook])).toEqual([]);
  });
});

describe('answersInWords', () => {
  it('says what a message flow answers, for the flow list', () => {
    expect(answersInWords({ type: 'trigger.message_received', config: { keywords: ['hours', 'opening times'] } })).toBe(
      'Messages saying “hours” or “opening times”',
    );
    expect(answersInWords({ type: 'trigger.message_received', config: { firstMessageOnly: true } })).toBe('Every first message');
    expect(answersInWords({ type: 'trigger.message_received', config: { keywords: [42, ' price '] } })).toBe('Messages saying “price”');
    expect(answersInWords({ type: 'trigger.webhook', config: {} })).toBeNull();
  });
});
