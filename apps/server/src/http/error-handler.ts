import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger';
import { InboundParseError } from '../inbox/adapters';
import { NotInWorkspaceError } from '../inbox/assignment';
import { DomainError, type DomainErrorKind } from '../domain-errors';
import { ApiError, type ErrorCode } from './errors';
import { redactPath } from './redact-path';

const codeForStatus: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08006',
  '53300', // too_many_connections
]);
// The socket's error code also counts in a message: Graphile Worker rethrows "…returning jobs from
// local queue to database queue: write EPIPE" as a bare Error, without the pg error as its cause.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)|\b(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH)\b/i;

/**
 * True for errors that mean the database cannot be reached right now. Drizzle wraps driver
 * errors (DrizzleQueryError, with the pg error as `cause`) and Node wraps connect failures in
 * AggregateError, so the whole chain is looked at.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return false;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  // A stopped Postgres removes its unix socket: connecting then fails with ENOENT, not ECONNREFUSED.
  if (e.code === 'ENOENT' && e.syscall === 'connect') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/**
 * What of an unexpected error goes to the log: never a failed query's parameters (they can hold
 * message texts, emails, hashed tokens), only its kind, first line and the driver's code.
 */
export function loggableError(err: Error): Record<string, unknown> {
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const isQuery = err.name === 'DrizzleQueryError' || err.message.startsWith('Failed query:');
  return {
    type: err.name,
    message: isQuery ? 'Failed query' : err.message,
    ...(typeof cause?.code === 'string' && { code: cause.code }),
    ...(typeof cause?.message === 'string' && { cause: cause.message }),
    stack: isQuery
      ? err.stack
          ?.split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : err.stack,
  };
}

/** The Postgres error code anywhere in the chain (Drizzle keeps the driver's error as `cause`). */
function sqlState(err: unknown, depth = 0): string | undefined {
  const e = err as { code?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return sqlState(e.cause, depth + 1);
}

/**
 * Data exceptions (class 22: a value out of range, malformed, or holding NUL) are the caller's
 * input: 400. Constraint violations (class 23): 409 for a duplicate, 400 otherwise. Never the
 * query or its parameters in the answer.
 */
export function databaseRefusal(err: unknown): { status: 400 | 409; code: ErrorCode; message: string } | null {
  const state = sqlState(err);
  if (!state) return null;
  if (state.startsWith('22')) return { status: 400, code: 'bad_request', message: 'A value in the request is out of range or malformed' };
  if (state === '23505' || state === '23P01')
    return { status: 409, code: 'conflict', message: 'This conflicts with something that already exists' };
  if (state.startsWith('23'))
    return { status: 400, code: 'bad_request', message: 'A value in the request refers to something that does not exist or is missing' };
  return null;
}

/** The HTTP status of each kind of domain error. */
const domainStatus: Record<DomainErrorKind, ContentfulStatusCode> = {
  not_found: 404,
  validation_failed: 400,
  ambiguous_contact: 409,
  unauthorized: 401,
  sample_details_left: 422,
};

/** The single place errors become HTTP responses: `{ error: { code, message, details? } }`. */
export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return c.json(
        { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } },
        err.status,
      );
    }
    if (err instanceof DomainError) {
      return c.json(
        { error: { code: err.kind, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } },
        domainStatus[err.kind],
      );
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const message = /malformed json/i.test(err.message) ? 'The request body is not valid JSON' : err.message || 'Request failed';
      return c.json({ error: { code: codeForStatus[status] ?? 'bad_request', message } }, status);
    }
    // An adapter that cannot even read a webhook body (e.g. while checking its signature) is
    // looking at the caller's mistake, not ours.
    // An id of another workspace (routes check first; this is the net under them).
    if (err instanceof NotInWorkspaceError) {
      return c.json(
        { error: { code: 'bad_request' as const, message: err.message, details: [{ field: err.field, message: err.message }] } },
        400,
      );
    }
    if (err instanceof InboundParseError) {
      return c.json({ error: { code: 'bad_request' as const, message: err.message } }, 400);
    }
    const refused = databaseRefusal(err);
    if (refused) {
      // A safety net: routes validate first, so reaching this is a validation gap worth seeing.
      logger.warn(
        { error: loggableError(err), path: redactPath(c.req.path), method: c.req.method },
        'database refused a value: answered 4xx',
      );
      return c.json({ error: { code: refused.code, message: refused.message } }, refused.status);
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn({ path: redactPath(c.req.path) }, 'database unavailable: answered 503');
      c.header('Retry-After', '5');
      return c.json({ error: { code: 'unavailable', message: 'The database is unavailable; retry shortly' } }, 503);
    }
    logger.error({ error: loggableError(err), path: redactPath(c.req.path), method: c.req.method }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } }, 500);
  };
}
