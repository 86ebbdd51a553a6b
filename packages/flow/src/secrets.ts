/**
 * Workspace credentials in flows: how `{{ secrets.<name> }}` is spotted, where a credential may
 * be sent, and how secret values are kept out of what people read (run history, test runs,
 * exports, agents' views). Browser-safe: the editor's checklist reads these too.
 */

/** What a secret value is replaced with wherever people can read it. */
export const SECRET_MASK = '[secret]';

/** A credential name: a Liquid-friendly slug, so `secrets.shop_api` reads it. */
export const CREDENTIAL_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** Headers that carry credentials by convention: their values never leave in an export. */
export function isSensitiveHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'authorization' || n === 'proxy-authorization' || n === 'cookie' || /token|key|secret|signature|password/.test(n);
}

/** Query parameters that carry credentials by convention (`?api_key=`, `?access_token=`, `?sig=`). */
export function isSensitiveParam(name: string): boolean {
  const n = name.toLowerCase();
  return /key|token|secret|signature|password|auth/.test(n) || n === 'sig';
}

/** True when `host` is one of `hosts`: exact names, or `*.example.com` for names under example.com. */
export function hostAllowed(hosts: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return hosts.some((pattern) => (pattern.startsWith('*.') ? h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1 : h === pattern));
}

/** A credential was about to be sent to a host it was not saved for: the owner's misconfiguration. */
export class CredentialHostError extends Error {
  override name = 'CredentialHostError';
  constructor(
    readonly credential: string,
    readonly hosts: readonly string[],
  ) {
    super(`The credential '${credential}' may only be sent to ${hosts.join(', ')}`);
  }
}

// `secrets.name` or `secrets['name']` inside a placeholder; linear: no nested quantifiers.
const SECRET_REF = /secrets\s*(?:\.\s*([a-z][a-z0-9_]*)|\[\s*['"]([a-z][a-z0-9_]*)['"]\s*\])/g;

/** The credential names a template reads (`{{ secrets.shop }}` → `shop`). */
export function secretRefs(template: string): string[] {
  if (!template.includes('secrets')) return [];
  const names = new Set<string>();
  for (const m of template.matchAll(SECRET_REF)) names.add((m[1] ?? m[2]) as string);
  return [...names];
}

/**
 * The URL with the values of credential-like query parameters masked: `mask(name, value)` gives
 * the replacement, or null to keep the value.
 */
export function maskUrlParams(url: string, mask: (name: string, value: string) => string | null = () => SECRET_MASK): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      if (!isSensitiveParam(decoded) || pair.length === eq + 1) return pair;
      const replacement = mask(decoded, pair.slice(eq + 1));
      return replacement === null ? pair : `${name}=${replacement}`;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${masked}${hash < 0 ? '' : url.slice(hash)}`;
}

/** `value` (strings, arrays, plain objects, deeply) with every occurrence of `secrets` replaced by the mask. */
export function redactValues<T>(value: T, secrets: Iterable<string>): T {
  // Longest first, so a value containing a shorter secret is masked whole.
  const list = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (!list.length) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return list.reduce((text, secret) => (text.includes(secret) ? text.split(secret).join(SECRET_MASK) : text), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
