/**
 * Consent keywords: a customer texting STOP (or UNSUBSCRIBE...) is opted out of the channel, START
 * opts them back in. Only a message that is the keyword alone counts, so "please don't stop the
 * delivery" is an ordinary message. The defaults are the carrier-standard English words (CTIA);
 * a workspace adds its own for its customers' languages.
 */
export const DEFAULT_STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT'] as const;
export const DEFAULT_START_WORDS = ['START', 'UNSTOP', 'SUBSCRIBE'] as const;

/**
 * Channels where a keyword changes consent: SMS (Twilio), WhatsApp, and the generic API channel,
 * which fronts gateways (often SMS) we have no adapter for.
 */
export const CONSENT_CHANNEL_TYPES: ReadonlySet<string> = new Set(['twilio', 'whatsapp', 'api']);

export interface ConsentWords {
  stopWords?: string[];
  startWords?: string[];
}

/** The longest text worth comparing: a keyword is one short word or two. */
const MAX_KEYWORD_LENGTH = 40;

/** Upper case, accents and surrounding punctuation gone, inner spaces collapsed: "Stop!" → "STOP". */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
}

/** Whether `text` could be a keyword at all: lets callers skip reading the workspace's words. */
export const mightBeKeyword = (text: string) => text.length <= MAX_KEYWORD_LENGTH && text.trim().split(/\s+/).length <= 3;

/** `stop`, `start`, or null when the message is not a consent keyword. */
export function consentKeyword(text: string, words: ConsentWords = {}): { action: 'stop' | 'start'; keyword: string } | null {
  if (!mightBeKeyword(text)) return null;
  const keyword = normalizeKeyword(text);
  if (!keyword) return null;
  const stop = [...DEFAULT_STOP_WORDS, ...(words.stopWords ?? []).map(normalizeKeyword)];
  const start = [...DEFAULT_START_WORDS, ...(words.startWords ?? []).map(normalizeKeyword)];
  if (stop.includes(keyword)) return { action: 'stop', keyword };
  if (start.includes(keyword)) return { action: 'start', keyword };
  return null;
}

/** What the customer is told after a keyword, in the plain words carriers expect. */
export function confirmationText(action: 'stop' | 'start', workspaceName: string): string {
  return action === 'stop'
    ? `You are unsubscribed from ${workspaceName} and will get no more messages here. Reply START to subscribe again.`
    : `You are subscribed to ${workspaceName} again. Reply STOP to unsubscribe.`;
}
