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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
  }
}

/** A verified inbound request whose body is not what the provider sends. The server answers 400. */
export class InboundParseError extends Error {
  override readonly name = 'InboundParseError';
}
