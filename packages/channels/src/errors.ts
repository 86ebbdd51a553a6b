/** The longest provider reason kept: enough for "(#100) Invalid parameter", too short for a page. */
export const MAX_REASON_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 400;

/**
 * A provider refused or failed a send. `retryable` tells the delivery job whether to try again:
 * network faults, timeouts, 5xx and 429 are passing faults; any other 4xx is the caller's mistake
 * (bad number, expired token, closed window) and repeating it cannot help.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly providerCode?: string;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; status?: number; providerCode?: string; cause?: unknown },
  ) {
    // Shown to agents and stored on the message: capped whatever a caller put in it.
    super(
      message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
  }
}

/** A provider's own words made safe to show: one line, printable, capped. Empty when there are none. */
export function shortReason(text: string | undefined): string {
  if (!text) return '';
  // Control characters (a banner's CR/LF, escapes) become spaces, then runs of space collapse.
  const line = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}

/**
 * A network fault in fixed words, by its code: an error's own message may carry what the other
 * end sent (a parser error quotes the bytes it choked on, a TLS error the peer's certificate).
 */
export function networkReason(err: unknown): string {
  // undici's parser error carries no code; its message names the protocols it expected.
  if (err instanceof Error && err.name === 'HTTPParserError') return 'the answer was not HTTP';
  const code = errorCode(err) ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'connection closed';
  if (code.startsWith('HPE_') || code === 'UND_ERR_INFO') return 'the answer was not HTTP';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return 'TLS handshake failed';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return 'network error';
}

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A verified inbound request whose body is not what the provider sends. The server answers 400. */
export class InboundParseError extends Error {
  override readonly name = 'InboundParseError';
}
