import type { AiMessage, FlowData, KnowledgeEntry } from '../../types';

/** What the model must answer, alone, when it cannot answer from what it was given. */
export const UNSURE_MARKER = 'HANDOFF';
export const MAX_KNOWLEDGE_ENTRIES = 12;
export const MAX_HISTORY = 12;

/**
 * A grounded prompt: the business's instructions, the rules (answer only from the knowledge and
 * the conversation, say HANDOFF otherwise), the knowledge entries, then the recent conversation
 * ending with the customer's message.
 */
export function buildPrompt(data: FlowData, instructions: string | undefined, knowledge: KnowledgeEntry[]): AiMessage[] {
  const rules = [
    `You are the customer assistant of ${data.workspace.name}, replying in a chat.`,
    instructions?.trim() ?? '',
    'Answer only with facts from the knowledge base and the conversation below. Do not invent prices, dates, or policies.',
    `If the answer is not there, if you are unsure, or if the customer asks for a person, reply with exactly ${UNSURE_MARKER} and nothing else.`,
    "Keep answers short and friendly, in the customer's language.",
  ].filter(Boolean);
  const facts = knowledge.length
    ? `Knowledge base:\n${knowledge.map((k) => `Q: ${k.question}\nA: ${k.answer}`).join('\n\n')}`
    : 'Knowledge base: (empty)';
  const messages: AiMessage[] = [{ role: 'system', content: `${rules.join('\n')}\n\n${facts}` }];

  const history = (data.conversation?.recentMessages ?? []).slice(-MAX_HISTORY);
  for (const m of history) messages.push({ role: m.direction === 'in' ? 'user' : 'assistant', content: m.text });
  const current = data.message?.text?.trim();
  const last = history.at(-1);
  if (current && !(last?.direction === 'in' && last.text.trim() === current)) messages.push({ role: 'user', content: current });
  return messages;
}

/** The model was unsure: it said HANDOFF (possibly with punctuation or words around it) or said nothing. */
export function isUnsure(answer: string): boolean {
  return answer.trim() === '' || new RegExp(`\\b${UNSURE_MARKER}\\b`).test(answer);
}
