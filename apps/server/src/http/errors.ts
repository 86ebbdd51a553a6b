import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'ambiguous_contact'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'flow_invalid'
  | 'sample_details_left'
  | 'invalid_json'
  | 'invalid_text'
  | 'signup_closed'
  | 'gone'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** An error the caller can act on; app.onError renders it as `{error:{code,message,details}}`. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message });
  }
}

export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const forbidden = (message = 'Your role does not allow this') => new ApiError(403, 'forbidden', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const unauthorized = (message = 'Sign in or send an API key') => new ApiError(401, 'unauthorized', message);
export const payloadTooLarge = (maxBytes: number) =>
  new ApiError(413, 'payload_too_large', `The request body is larger than ${Math.round(maxBytes / 1024)} KB`);
