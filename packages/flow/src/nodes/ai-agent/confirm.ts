/** Asking the customer before a tool marked `confirm` runs, and reading their answer. */
import { normalizeText } from '../../text/normalize';
import type { Args } from './arguments';
import type { AgentTool } from './definition';

const YES = new Set([
  'yes',
  'y',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'confirm',
  'confirmed',
  'correct',
  'go ahead',
  'please do',
  'do it',
  'oui',
  'si',
  'ja',
  'sim',
]);
// A condition or a doubt makes it not a plain yes: the model hears the words instead.
const NEGATION = /\b(?:no|not|don't|dont|never|wait|stop|cancel|but|unless|non|nein|nao)\b/;

/** The question, built from the tool's description and the exact arguments it will run with. */
export function confirmationQuestion(tool: AgentTool, args: Args): string {
  const what = tool.description.trim().replace(/[.!?]+$/, '');
  const lowered = what.charAt(0).toLowerCase() + what.slice(1);
  const values = Object.entries(args)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${String(v)}`)
    .join(', ');
  return `Shall I ${lowered}${values ? ` (${values})` : ''}? Please answer yes or no.`;
}

/**
 * An explicit yes from the customer: a yes word ("yes", "ok, go ahead") with no negation. Anything
 * else, including silence or a question back, is not a yes and the tool does not run.
 */
export function isYes(text: string): boolean {
  if (text.includes('?')) return false;
  const t = normalizeText(text)
    .replace(/[.!,;:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t || NEGATION.test(t)) return false;
  if (YES.has(t)) return true;
  const words = t.split(' ');
  return YES.has(words[0]!) || YES.has(words.slice(0, 2).join(' '));
}
