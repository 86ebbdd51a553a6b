/**
 * A connection the egress policy refused. The message is a fixed sentence naming only the host
 * the caller asked for: never the address it resolved to, so a refusal tells a tenant nothing
 * about the server's own network.
 */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';
  readonly host: string;
  readonly reason: EgressRefusal;

  constructor(host: string, reason: EgressRefusal) {
    super(refusalSentence(host, reason));
    this.host = host;
    this.reason = reason;
  }
}

export type EgressRefusal = 'private' | 'metadata' | 'not_listed' | 'protocol';

function refusalSentence(host: string, reason: EgressRefusal): string {
  switch (reason) {
    case 'private':
      return `Refused: ${host} is a private address`;
    case 'metadata':
      return `Refused: ${host} is a cloud metadata address`;
    case 'not_listed':
      return `Refused: ${host} is not in this workspace's allowed hosts`;
    case 'protocol':
      return `Refused: only http and https addresses can be called`;
  }
}

/** The refusal behind an error, however deep a client library wrapped it. */
export function findRefusal(err: unknown): EgressRefusedError | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof EgressRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
