import type { NodeHandler } from '../../types';
import { branch } from '../result';
import type { FaqMatchConfig } from './definition';
import { findAnswer } from './search';

export const DEFAULT_FAQ_THRESHOLD = 0.5;

/**
 * `match` when a knowledge entry answers the message with confidence at or over the threshold
 * (see `findAnswer` for how confidence is computed); sends the answer unless `reply: false`.
 */
export const faqMatch: NodeHandler<FaqMatchConfig> = async (config, ctx) => {
  const text = ctx.data.message?.text ?? '';
  const hit = findAnswer(await ctx.services.knowledge(), text);
  const threshold = config.threshold ?? DEFAULT_FAQ_THRESHOLD;
  if (!hit || hit.confidence < threshold) {
    return branch('no_match', [], {
      log: hit ? `best "${hit.entry.question}" at ${hit.confidence.toFixed(2)}, under ${threshold}` : 'no entry shares a word',
    });
  }
  const faq = { id: hit.entry.id, question: hit.entry.question, answer: hit.entry.answer, confidence: hit.confidence };
  const effects = config.reply === false ? [] : [{ type: 'send_message' as const, text: hit.entry.answer }];
  return branch('match', effects, { vars: { faq }, log: `"${hit.entry.question}" at ${hit.confidence.toFixed(2)}` });
};
