/**
 * What went wrong, in the domain's words: code below the HTTP layer throws these, and the HTTP
 * error handler (http/error-handler.ts) alone decides their status. `details` lists the fields at
 * fault, as the API shows them.
 */
export type DomainErrorKind = 'not_found' | 'validation_failed' | 'ambiguous_contact' | 'unauthorized' | 'sample_details_left';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** `<what> not found`, as every lookup by id says it. */
export const notFoundError = (what: string) => new DomainError('not_found', `${what} not found`);
