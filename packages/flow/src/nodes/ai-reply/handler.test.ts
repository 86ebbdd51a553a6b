import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiClient } from '../../runtime/ai';
import { makeContext } from '../../testing/context';
import { startOpenAiStandIn, type StandIn } from '../../testing/openai-stand-in';
import type { AiMessage } from '../../types';
import { aiReply } from './handler';
import { AiNotConnectedError } from './not-connected';

// The stand-in model answers from the knowledge in its system prompt, or says HANDOFF.
function model(messages: AiMessage[]): string | { status: number } {
  const question = messages.at(-1)?.content ?? '';
  if (question.includes('outage')) return { status: 500 };
  const system = messages[0]?.content ?? '';
  if (/deliver/i.test(question) && system.includes('we deliver within 10 km')) return 'Yes, we deliver within 10 km.';
  return 'HANDOFF';
}

// The stand-in listens on 127.0.0.1, opened here as an operator would with EGRESS_ALLOW.
const localEgress = createEgressGuard({ allow: ['127.0.0.1'] });
let standIn: StandIn;
let ai: ReturnType<typeof createAiClient>;
beforeAll(async () => {
  standIn = await startOpenAiStandIn(model);
  ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'k', model: 'm', egress: localEgress });
});
afterAll(() => standIn.close());

const knowledge = async () => [
  { id: 'k1', question: 'Do you deliver?', answer: 'Yes, we deliver within 10 km.' },
  { id: 'k2', question: 'Opening hours?', answer: '8-18 daily.' },
];

describe('action.ai_reply', () => {
  it('answers from the knowledge base with a grounded prompt', async () => {
    const ctx = makeContext({
      message: { text: 'Do you deliver to Leith?' },
      conversation: {
        recentMessages: [
          { direction: 'in', text: 'Hi' },
          { direction: 'out', text: 'Hello! How can I help?' },
        ],
      },
      services: { ai, knowledge },
    });
    const result = await aiReply({ instructions: 'Be warm.' }, ctx);
    expect(result.output).toBe('answered');
    expect(result.effects).toEqual([{ type: 'send_message', text: 'Yes, we deliver within 10 km.' }]);
    const sent = standIn.requests.at(-1)?.body.messages ?? [];
    expect(sent[0]?.content).toMatch(/Be warm\.[\s\S]*exactly HANDOFF[\s\S]*Q: Do you deliver\?/);
    expect(sent.slice(1)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Do you deliver to Leith?' },
    ]);
  });

  it('hands off when the model is unsure', async () => {
    const result = await aiReply({}, makeContext({ message: { text: 'Can I bring my dog?' }, services: { ai, knowledge } }));
    expect(result).toMatchObject({ output: 'handoff', effects: [{ type: 'handoff' }] });
  });

  it('hands off when the provider fails, without the handoff effect when turned off', async () => {
    const result = await aiReply({ handoffWhenUnsure: false }, makeContext({ message: { text: 'outage?' }, services: { ai, knowledge } }));
    expect(result.output).toBe('handoff');
    expect(result.effects).toEqual([]);
    expect(result.log).toMatch(/AI unavailable/);
  });

  it('says on the run that the AI is not connected, and hands off', async () => {
    const notConnected = async () => {
      throw new AiNotConnectedError();
    };
    const result = await aiReply({}, makeContext({ message: { text: 'Do you deliver?' }, services: { ai: notConnected, knowledge } }));
    expect(result).toMatchObject({ output: 'handoff', effects: [{ type: 'handoff' }], log: 'AI is not connected: Settings → AI' });
  });

  it('leaves the knowledge out when asked', async () => {
    const result = await aiReply(
      { useKnowledge: false },
      makeContext({ message: { text: 'Do you deliver?' }, services: { ai, knowledge } }),
    );
    expect(result.output).toBe('handoff');
    expect(standIn.requests.at(-1)?.body.messages[0]?.content).toMatch(/Knowledge base: \(empty\)/);
  });
});
