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
  return /auth|token|key|secret|signature|password|cookie/.test(n);
}

/** Query parameters that carry credentials by convention (`?api_key=`, `?access_token=`, `?sig=`). */
export function isSensitiveParam(name: string): boolean {
  const n = name.toLowerCase();
  return /key|token|secret|signature|password|auth/.test(n) || n === 'sig';
}

/** True when `host` is one of `hosts`: exact names, or `*.example.com` for names under example.com. */
export function hostAllowed(hosts: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return hosts.some((pattern) =>
    pattern.startsWith('*.') ? h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1 : h === pattern,
  );
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

/** What an owner is told when a template does more with a credential than print it. */
export const SECRET_USE_MESSAGE = "Use {{ secrets.name }} on its own; filters can't be applied to a credential.";

// The one allowed use: a placeholder holding only `secrets.name` (or `secrets['name']`).
const BARE_SECRET = /^secrets\s*(?:\.\s*([a-z][a-z0-9_]*)|\[\s*['"]([a-z][a-z0-9_]*)['"]\s*\])$/;
const MENTIONS_SECRETS = /\bsecrets\b/;

type Markup = { kind: 'output' | 'tag'; begin: number; end: number; content: string };

/**
 * The `{{ }}` outputs and `{% %}` tags of a template, found as liquidjs finds them (an output
 * ends at the first `}}` outside quotes, a tag at the first `%}`); null when one is not closed.
 * Browser-safe: the editor's checklist runs it too.
 */
function markupOf(template: string): Markup[] | null {
  const found: Markup[] = [];
  let p = 0;
  for (;;) {
    const out = template.indexOf('{{', p);
    const tag = template.indexOf('{%', p);
    if (out < 0 && tag < 0) return found;
    const begin = tag < 0 || (out >= 0 && out < tag) ? out : tag;
    let end: number;
    if (begin === tag) {
      const close = template.indexOf('%}', begin + 1);
      if (close < 0) return null;
      end = close + 2;
    } else {
      let i = begin;
      end = -1;
      while (i < template.length) {
        const c = template[i];
        if (c === '"' || c === "'") {
          const q = template.indexOf(c, i + 1);
          if (q < 0) return null;
          i = q + 1;
          continue;
        }
        i++;
        if (i >= begin + 4 && template[i - 2] === '}' && template[i - 1] === '}') {
          end = i;
          break;
        }
      }
      if (end < 0) return null;
    }
    const inner = template
      .slice(begin + 2, end - 2)
      .replace(/^-/, '')
      .replace(/-$/, '');
    found.push({ kind: begin === tag ? 'tag' : 'output', begin, end, content: inner.trim() });
    p = end;
  }
}

/**
 * SECRET_USE_MESSAGE when `template` reads a credential other than as a bare `{{ secrets.name }}`:
 * with a filter (`| upcase`, `| split`), inside a `{% %}` tag (assign, capture, echo, for) or as a
 * filter argument. A changed copy of a credential is not masked in what people read, so it is
 * refused outright; null when the template is fine (or not parsable: that is reported elsewhere).
 */
export function secretUseProblem(template: string): string | null {
  if (!MENTIONS_SECRETS.test(template)) return null;
  for (const m of markupOf(template) ?? []) {
    if (!MENTIONS_SECRETS.test(m.content)) continue;
    if (m.kind === 'tag' || !BARE_SECRET.test(m.content)) return SECRET_USE_MESSAGE;
  }
  return null;
}

/**
 * `template` with every bare `{{ secrets.name }}` replaced by `mark(name)`, so the template can be
 * rendered without any credential in reach of its filters and tags, and the values put in after.
 */
export function markSecretOutputs(template: string, mark: (name: string) => string): string {
  if (!MENTIONS_SECRETS.test(template)) return template;
  const markup = markupOf(template);
  if (!markup) return template; // not parsable: rendering it reports why
  let out = '';
  let p = 0;
  for (const m of markup) {
    const bare = m.kind === 'output' ? BARE_SECRET.exec(m.content) : null;
    if (!bare) continue;
    out += template.slice(p, m.begin) + mark((bare[1] ?? bare[2]) as string);
    p = m.end;
  }
  return out + template.slice(p);
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
    if (typeof v === 'string')
      return list.reduce((text, secret) => (text.includes(secret) ? text.split(secret).join(SECRET_MASK) : text), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
