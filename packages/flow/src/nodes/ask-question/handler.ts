import type { HandlerContext, NodeHandler, StepResult } from '../../types';
import { branch, renderAll } from '../result';
import { DEFAULT_TIMEOUT_MINUTES, type AskQuestionConfig } from './definition';
import { validateAnswer } from './validate-answer';

export const DEFAULT_MAX_ATTEMPTS = 3;

/** Sends `text` (with buttons for choices) and waits for the reply. */
async function ask(config: AskQuestionConfig, ctx: HandlerContext, text: string, attempts: number): Promise<StepResult> {
  const r = await renderAll(ctx, { text });
  if ('failed' in r) return r.failed;
  const quickReplies = config.validate === 'choice' ? config.choices : undefined;
  return {
    effects: [{ type: 'send_message', text: r.values.text, ...(quickReplies?.length ? { quickReplies } : {}) }],
    wait: { kind: 'reply', timeoutMinutes: config.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES, nodeState: { attempts } },
  };
}

/**
 * Asks, waits, validates, re-asks. A valid answer is saved (`set_field` to `saveTo`) and goes
 * down `reply`. No answer in time, or `maxAttempts` (3) invalid answers in a row, goes down
 * `timeout`: both mean "no usable answer", and one branch keeps flows simple.
 */
export const askQuestion: NodeHandler<AskQuestionConfig> = async (config, ctx) => {
  const resume = ctx.resume;
  if (!resume) return ask(config, ctx, config.text, 0);
  if (resume.kind !== 'reply') return branch('timeout', [], { log: 'no answer in time' });

  const settings = ctx.data.workspace.settings;
  const checked = validateAnswer(config.validate ?? 'text', resume.message, {
    choices: config.choices,
    defaultCountry: typeof settings.defaultCountry === 'string' ? settings.defaultCountry : undefined,
    monthFirst: settings.dateOrder === 'mdy',
  });
  if (checked.ok) return branch('reply', [{ type: 'set_field', field: config.saveTo, value: checked.value }]);

  const attempts = (typeof ctx.nodeState?.attempts === 'number' ? ctx.nodeState.attempts : 0) + 1;
  if (attempts >= (config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    return branch('timeout', [], { log: `gave up after ${attempts} invalid answers` });
  }
  return ask(config, ctx, config.retryText || checked.hint, attempts);
};
