import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * The forms contacts are matched on. Emails are stored and compared lower-cased (the local part is
 * case-sensitive in theory, never in practice); phones in E.164.
 */
export const normalizeEmail = (raw: string): string => raw.trim().toLowerCase();

/**
 * E.164 for a phone number, or null when it cannot be one. A number written without its country
 * code (`020 7946 0958`) is only read with an explicit `country` (ISO 3166 alpha-2, e.g. `GB`):
 * guessing the country would make one number match another person's.
 */
export function normalizePhone(raw: string, country?: string): string | null {
  const text = raw.trim();
  const international = text.startsWith('+') || text.startsWith('00');
  if (!international && !country) return null;
  const parsed = parsePhoneNumberFromString(
    international ? text.replace(/^00/, '+') : text,
    international ? undefined : (country!.toUpperCase() as CountryCode),
  );
  // isPossible (the length fits the country's plan) rather than isValid: test ranges such as
  // +1 555 are real enough for a business's own records.
  return parsed?.isPossible() ? parsed.number : null;
}

/**
 * The phone a selector or a provider's number is matched as: E.164 when libphonenumber can read it,
 * else, for a number written with its country code, `+` and its digits (a range the metadata does
 * not know yet must still find the contact a provider stored). Null when it needs a country.
 */
export function matchablePhone(raw: string, country?: string): string | null {
  const phone = normalizePhone(raw, country);
  if (phone) return phone;
  const text = raw.trim();
  if (!text.startsWith('+')) return null;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 6 && digits.length <= 15 ? `+${digits}` : null;
}

export const phoneHint = (country?: string) =>
  country
    ? `not a phone number for country ${country.toUpperCase()}`
    : 'use the international format with the country code, e.g. +44 20 7946 0958, or give the country';
