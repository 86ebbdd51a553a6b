import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import type { KnowledgeEntry } from '../../types';
import { faqMatch } from './handler';
import { findAnswer } from './search';

const knowledge: KnowledgeEntry[] = [
  { id: 'k1', question: 'Do you deliver?', answer: 'Yes, we deliver within 10 km for 5 EUR.' },
  { id: 'k2', question: 'What are your opening hours?', answer: 'We are open 8:00-18:00, Tuesday to Sunday.' },
  { id: 'k3', question: 'How much is a birthday cake?', answer: 'Birthday cakes start at 35 EUR.' },
  { id: 'k4', question: 'Do you have gluten-free bread?', answer: 'Yes, every Friday.' },
];

function ctxFor(text: string) {
  return makeContext({ message: { text }, services: { knowledge: async () => knowledge } });
}

describe('condition.faq_match', () => {
  it('answers a close question and saves it in vars.faq', async () => {
    const result = await faqMatch({}, ctxFor('Do you do delivery to my place?'));
    expect(result.output).toBe('match');
    expect(result.effects).toEqual([{ type: 'send_message', text: 'Yes, we deliver within 10 km for 5 EUR.' }]);
    expect((result.vars?.faq as { id: string }).id).toBe('k1');
  });

  it('scores the exact question at 1 and finds stems and accents', () => {
    expect(findAnswer(knowledge, 'What are your opening hours?')?.confidence).toBeCloseTo(1);
    expect(findAnswer(knowledge, 'when do you open')?.entry.id).toBe('k2');
    expect(findAnswer(knowledge, 'prix gâteau birthday cake')?.entry.id).toBe('k3');
  });

  it('goes to no_match for unrelated messages or under the threshold', async () => {
    expect((await faqMatch({}, ctxFor('Can I pay with bitcoin?'))).output).toBe('no_match');
    expect((await faqMatch({}, ctxFor('hello'))).output).toBe('no_match');
    const weak = findAnswer(knowledge, 'bread for my cake please');
    expect(weak).not.toBeNull();
    expect((await faqMatch({ threshold: 0.99 }, ctxFor('bread for my cake please'))).output).toBe('no_match');
  });

  it('does not send when reply is off', async () => {
    const result = await faqMatch({ reply: false }, ctxFor('How much is a birthday cake?'));
    expect(result.output).toBe('match');
    expect(result.effects).toEqual([]);
  });

  it('finds nothing in an empty knowledge base', async () => {
    const result = await faqMatch({}, makeContext({ message: { text: 'Do you deliver?' } }));
    expect(result.output).toBe('no_match');
  });
});
