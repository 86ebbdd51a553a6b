import { createHash } from 'node:crypto';

export interface Mailbox {
  address: string;
  name?: string;
}

/**
 * Decodes RFC 2047 encoded-words (`=?UTF-8?Q?Zo=C3=AB?=`, `=?ISO-8859-1?B?...?=`) in a display
 * name or subject; whitespace between adjacent encoded-words is dropped, as the RFC says.
 */
export function decodeEncodedWords(value: string): string {
  return value.replace(
    /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=(?:\s+(?==\?[^?\s]+\?[QqBb]\?))?/g,
    (_, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      try {
        return new TextDecoder(charset.split('*')[0]).decode(bytes);
      } catch {
        return bytes.toString('utf8');
      }
    },
  );
}

/** `"Ada L." <ada@example.com>`, `ada@example.com (Ada)` or a bare address; the address lower-cased. */
export function parseMailbox(value: string | undefined): Mailbox | undefined {
  if (!value) return undefined;
  const angle = /^\s*(?:"?((?:[^"\\]|\\.)*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) {
    const name = decodeEncodedWords(angle[1]?.replace(/\\(.)/g, '$1').trim() ?? '');
    return { address: angle[2]!.toLowerCase(), ...(name && { name }) };
  }
  const bare = /([^\s<>(),;"]+@[^\s<>(),;"]+)/.exec(value);
  return bare ? { address: bare[1]!.toLowerCase() } : undefined;
}

/** Message-IDs are compared without their angle brackets: `<abc@host>` -> `abc@host`. */
export function normalizeMessageId(value: string | undefined): string | undefined {
  const match = /<([^<>]+)>/.exec(value ?? '') ?? /^\s*([^\s<>]+@[^\s<>]+)\s*$/.exec(value ?? '');
  return match?.[1];
}

/** The id being answered: In-Reply-To, else the last of References (RFC 5322 §3.6.4). */
export function threadRefOf(inReplyTo: string | undefined, references: string | undefined): string | undefined {
  const fromReply = normalizeMessageId(inReplyTo);
  if (fromReply) return fromReply;
  const ids = [...(references ?? '').matchAll(/<([^<>]+)>/g)];
  return ids.at(-1)?.[1];
}

/** A raw header block (SendGrid's `headers` field) into lower-case name -> first value, unfolded. */
export function parseHeaderBlock(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Mail without a Message-ID still needs a stable dedupe key: a hash of what identifies it, so a
 * redelivery maps to the same id.
 */
export function fallbackMessageId(...parts: (string | undefined)[]): string {
  return `sha256-${createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\n'))
    .digest('hex')
    .slice(0, 32)}@switchboard.local`;
}

/**
 * Drops the quoted history under a reply ("On Tue, Ada wrote:", "-----Original Message-----",
 * `>` lines), for providers that do not strip it themselves (SendGrid). Falls back to the whole
 * text when nothing would be left.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex(
    (line, i) =>
      /^On .+wrote:\s*$/.test(line) ||
      (/^On .+/.test(line) && /wrote:\s*$/.test(lines[i + 1] ?? '')) ||
      /^-{2,}\s*Original Message\s*-{2,}/i.test(line) ||
      /^>/.test(line),
  );
  const kept = (cut < 0 ? lines : lines.slice(0, cut)).join('\n').trim();
  return kept || text.trim();
}

/** RFC 3834: auto-replies (vacation notices, bounces) must not be answered, or two bots loop. */
export function isAutoReply(header: (name: string) => string | undefined): boolean {
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase() !== 'no') return true;
  return /^(auto_reply|bulk|junk)$/i.test(header('precedence') ?? '') || header('x-autoreply') !== undefined;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1) || 'localhost';
}
