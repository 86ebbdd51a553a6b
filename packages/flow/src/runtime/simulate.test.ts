import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../document';
import { simulateFlow } from './simulate';

const pos = { x: 0, y: 0 };
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: pos, config });
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

// The bakery's custom-cake flow: FAQ first, then collect date, size and design, tag, hand off.
const bakery: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    node('start', 'trigger.message_received', { channels: ['any'], onlyWhenBot: true }),
    node('faq', 'condition.faq_match', { threshold: 0.5 }),
    node('intent', 'condition.text_match', { cases: [{ id: 'cake', operator: 'contains_any', values: ['custom cake', 'gateau'] }] }),
    node('date', 'action.ask_question', { text: 'Lovely! For which date?', saveTo: 'contact.attributes.cake_date', validate: 'date' }),
    node('size', 'action.ask_question', {
      text: 'Which size?',
      saveTo: 'contact.attributes.cake_size',
      validate: 'choice',
      choices: ['6 inch', '8 inch', '10 inch'],
    }),
    node('design', 'action.ask_question', { text: 'Tell us about the design', saveTo: 'vars.design' }),
    node('tag', 'action.add_tag', { tags: ['custom-cake'] }),
    node('note', 'action.note', { text: 'Design: {{ vars.design }}' }),
    node('handoff', 'action.handoff', {
      text: 'Thanks {{ contact.first_name }}! A {{ contact.attributes.cake_size }} cake for {{ contact.attributes.cake_date }}: we will confirm shortly.',
    }),
    node('fallback', 'action.send_message', { text: 'Sorry, I did not get that.', quickReplies: ['Custom cake'] }),
  ],
  edges: [
    edge('start', 'faq'),
    edge('faq', 'intent', 'no_match'),
    edge('intent', 'date', 'cake'),
    edge('intent', 'fallback', 'else'),
    edge('date', 'size', 'reply'),
    edge('size', 'design', 'reply'),
    edge('design', 'tag', 'reply'),
    edge('tag', 'note'),
    edge('note', 'handoff'),
  ],
};

const knowledge = async () => [{ id: 'k1', question: 'Do you deliver?', answer: 'Yes, within 10 km.' }];

describe('simulateFlow', () => {
  it('answers an FAQ and completes', async () => {
    const r = await simulateFlow(bakery, { messages: ['do you deliver?'], services: { knowledge } });
    expect(r.status).toBe('completed');
    expect(r.replies).toEqual([{ text: 'Yes, within 10 km.' }]);
    expect(r.path.map((s) => [s.nodeId, s.output])).toEqual([
      ['start', undefined],
      ['faq', 'match'],
    ]);
  });

  it('collects answers through waits, re-asks on invalid input and hands off', async () => {
    const r = await simulateFlow(bakery, {
      messages: ['I would like a custom cake', 'next friday', '24/12/2026', '2', 'Unicorn with gold stars', 'hello?'],
      contact: { name: 'Mia Wong' },
      services: { knowledge },
    });
    expect(r.error).toBeUndefined();
    expect(r.replies.map((x) => x.text)).toEqual([
      'Lovely! For which date?',
      'Please enter a date, e.g. 2026-12-24 or 24/12/2026.',
      'Which size?',
      'Tell us about the design',
      'Thanks Mia! A 8 inch cake for 2026-12-24: we will confirm shortly.',
    ]);
    expect(r.replies[2]?.quickReplies).toEqual(['6 inch', '8 inch', '10 inch']);
    expect(r.contact.attributes).toEqual({ cake_date: '2026-12-24', cake_size: '8 inch' });
    expect(r.contact.tags).toEqual(['custom-cake']);
    expect(r.vars.design).toBe('Unicorn with gold stars');
    expect(r.conversation.handledBy).toBe('human');
    // After the handoff the bot no longer answers (onlyWhenBot).
    expect(r.notes).toEqual(['"hello?" did not start the flow again (its trigger settings do not match).']);
    expect(r.path.filter((s) => s.status === 'waiting').map((s) => s.nodeId)).toEqual(['date', 'date', 'size', 'design']);
    expect(r.status).toBe('completed');
  });

  it('stops waiting when the messages run out', async () => {
    const r = await simulateFlow(bakery, { messages: ['custom cake please'] });
    expect(r.status).toBe('waiting');
    expect(r.path.at(-1)).toEqual({ nodeId: 'date', status: 'waiting' });
  });

  it('treats delays as elapsed and moves the clock', async () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        node('t', 'trigger.manual'),
        node('d', 'action.delay', { minutes: 120 }),
        node('s', 'action.send_message', { text: 'Still there?' }),
      ],
      edges: [edge('t', 'd'), edge('d', 's')],
    };
    const start = new Date('2026-11-23T08:00:00Z');
    const r = await simulateFlow(doc, { messages: [], services: { now: () => start } });
    expect(r.replies).toEqual([{ text: 'Still there?' }]);
    expect(r.path.map((s) => s.nodeId)).toEqual(['t', 'd', 'd', 's']);
  });

  it('guards against loops without a wait', async () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('t', 'trigger.manual'), node('a', 'action.add_tag', { tags: ['x'] }), node('b', 'action.remove_tag', { tags: ['x'] })],
      edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'a')],
    };
    const r = await simulateFlow(doc, { messages: [] });
    expect(r.status).toBe('failed');
    expect(r.error?.message).toMatch(/more than 100 steps/);
    expect(r.path).toHaveLength(100);
  });

  it('reports a misconfigured step with its node and field', async () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('t', 'trigger.manual'), node('s', 'action.send_message', { text: 'Hi {{ contact.name | nope }}' })],
      edges: [edge('t', 's')],
    };
    const r = await simulateFlow(doc, { messages: [] });
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ nodeId: 's', field: 'text', message: expect.stringMatching(/Unknown filter "nope"/) });
    const bad = await simulateFlow({ ...doc, nodes: [doc.nodes[0], node('s', 'action.send_message', {})] }, { messages: [] });
    expect(bad.error).toMatchObject({ nodeId: 's', field: 'text', message: 'Fill in "Message".' });
  });

  it('only starts on matching keywords', async () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        node('t', 'trigger.message_received', { keywords: ['menu'] }),
        node('s', 'action.send_message', { text: 'Here is our menu' }),
      ],
      edges: [edge('t', 's')],
    };
    const r = await simulateFlow(doc, { messages: ['hi', 'show me the MENU'] });
    expect(r.replies).toEqual([{ text: 'Here is our menu' }]);
    expect(r.notes).toHaveLength(1);
  });

  it('hands its signal to every HTTP call and stops before the next step once it fires', async () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        node('start', 'trigger.message_received'),
        node('first', 'action.http_request', { method: 'GET', url: 'https://shop.example.com/a', callForReal: true }),
        node('second', 'action.http_request', { method: 'GET', url: 'https://shop.example.com/b', callForReal: true }),
      ],
      edges: [edge('start', 'first'), edge('first', 'second', 'success'), edge('first', 'second', 'error')],
    };
    const caller = new AbortController();
    const calls: { url: string; signal?: AbortSignal }[] = [];
    const http = async (req: { url: string; signal?: AbortSignal }) => {
      calls.push(req);
      caller.abort(new Error('the caller went away'));
      throw new Error('aborted');
    };
    const result = await simulateFlow(doc, { messages: ['hi'], services: { http: http as never }, signal: caller.signal });
    expect(calls.map((c) => c.url)).toEqual(['https://shop.example.com/a']);
    expect(calls[0]!.signal).toBe(caller.signal);
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ nodeId: 'second', message: 'The test run was stopped before this step: the caller went away.' });
  });

  it('refuses documents that are not flows', async () => {
    expect((await simulateFlow({ nodes: 'x' }, { messages: ['hi'] })).error?.message).toMatch(/not a valid flow/);
    expect((await simulateFlow({ schemaVersion: 1, nodes: [], edges: [] }, { messages: ['hi'] })).error?.message).toMatch(/Add a trigger/);
  });
});
