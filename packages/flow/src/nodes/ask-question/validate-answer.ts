import { isValidPhoneNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normalizeText } from '../../text/normalize';
import type { MessageData } from '../../types';

export type AnswerKind = 'text' | 'number' | 'email' | 'phone' | 'date' | 'choice';

export type Checked = { ok: true; value: string | number } | { ok: false; hint: string };

const HINTS: Record<AnswerKind, string> = {
  text: 'Please type your answer.',
  number: 'Please answer with a number, e.g. 12.',
  email: 'Please enter a valid email address, e.g. name@example.com.',
  phone: 'Please enter a valid phone number, with the country code, e.g. +44 20 7946 0958.',
  date: 'Please enter a date, e.g. 2026-12-24 or 24/12/2026.',
  choice: 'Please pick one of the options.',
};

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Dates as YYYY-MM-DD; numeric forms are day first unless `monthFirst`; written months via Date.parse. */
function parseDate(text: string, monthFirst: boolean): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (dmy) {
    const [a, b] = [Number(dmy[1]), Number(dmy[2])];
    return monthFirst ? isoDate(Number(dmy[3]), a, b) : isoDate(Number(dmy[3]), b, a);
  }
  if (/[a-z]/i.test(text) && /\d{4}/.test(text)) {
    const t = Date.parse(`${text} UTC`);
    if (!Number.isNaN(t)) return new Date(t).toISOString().slice(0, 10);
  }
  return null;
}

/**
 * Checks a reply against the expected kind and returns the value to save: numbers as numbers,
 * emails lower-cased, phones in E.164, dates as YYYY-MM-DD, choices as the choice's own label.
 */
export function validateAnswer(
  kind: AnswerKind,
  message: MessageData,
  options: { choices?: string[]; defaultCountry?: string; monthFirst?: boolean } = {},
): Checked {
  const text = message.text.trim();
  const fail = { ok: false as const, hint: HINTS[kind] };
  switch (kind) {
    case 'text':
      return text ? { ok: true, value: text } : fail;
    case 'number': {
      const cleaned = text.replace(/[\s\u00a0]/g, '').replace(/^(-?\d+),(\d+)$/, '$1.$2');
      return /^-?\d+(?:\.\d+)?$/.test(cleaned) ? { ok: true, value: Number(cleaned) } : fail;
    }
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(text) ? { ok: true, value: text.toLowerCase() } : fail;
    case 'phone': {
      const country = options.defaultCountry as CountryCode | undefined;
      if (!isValidPhoneNumber(text, country)) return fail;
      const phone = parsePhoneNumberFromString(text, country);
      return phone ? { ok: true, value: phone.number } : fail;
    }
    case 'date': {
      const date = parseDate(text, options.monthFirst ?? false);
      return date ? { ok: true, value: date } : fail;
    }
    case 'choice': {
      const choices = options.choices ?? [];
      const picked = message.quickReply ?? text;
      const byLabel = choices.find((c) => normalizeText(c) === normalizeText(picked));
      const byNumber = /^\d+$/.test(text) ? choices[Number(text) - 1] : undefined;
      const choice = byLabel ?? byNumber;
      return choice ? { ok: true, value: choice } : fail;
    }
  }
}
