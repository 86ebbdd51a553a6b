import type { Effect, NodeHandler } from '../../types';
import { rankEntries } from '../faq-match/search';
import { branch } from '../result';
import type { AiReplyConfig } from './definition';
import { AiNotConnectedError } from './not-connected';
import { MAX_KNOWLEDGE_ENTRIES, buildPrompt, isUnsure } from './prompt';

/**
 * Answers with the AI model from the knowledge base and the conversation. When the model is
 * unsure, or cannot be reached, the customer gets no guess: the flow goes down `handoff`, and with
 * `handoffWhenUnsure` (default) the conversation is handed to people.
 */
export const aiReply: NodeHandler<AiReplyConfig> = async (config, ctx) => {
  const query = ctx.data.message?.text ?? '';
  const knowledge = config.useKnowledge === false ? [] : rankEntries(await ctx.services.knowledge(), query, MAX_KNOWLEDGE_ENTRIES);
  const messages = buildPrompt(ctx.data, config.instructions, knowledge);
  const handoff: Effect[] = config.handoffWhenUnsure === false ? [] : [{ type: 'handoff' }];

  let answer: string;
  try {
    answer = await ctx.services.ai({ messages });
  } catch (err) {
    if (err instanceof AiNotConnectedError) return branch('handoff', handoff, { log: err.message });
    return branch('handoff', handoff, { log: `AI unavailable: ${err instanceof Error ? err.message : String(err)}` });
  }
  if (isUnsure(answer)) return branch('handoff', handoff, { log: 'the assistant was unsure' });
  const text = answer.trim();
  return branch('answered', [{ type: 'send_message', text }], { vars: { ai_reply: text } });
};
