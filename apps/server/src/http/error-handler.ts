import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger';
import { ApiError, type ErrorCode } from './errors';

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

/** True for errors that mean the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '53300'].includes(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** The single place errors become HTTP responses: `{ error: { code, message, details? } }`. */
export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return c.json({ error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } }, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const message = /malformed json/i.test(err.message) ? 'The request body is not valid JSON' : err.message || 'Request failed';
      return c.json({ error: { code: codeForStatus[status] ?? 'bad_request', message } }, status);
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn({ err: { message: err.message } }, 'database unavailable');
      c.header('Retry-After', '5');
      return c.json({ error: { code: 'unavailable', message: 'The database is unavailable; retry shortly' } }, 503);
    }
    logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } }, 500);
  };
}
