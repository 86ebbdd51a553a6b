import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';

export interface BodyLimitOptions {
  /** Bytes; 1 MB unless a route asks for more (imports) or less. */
  maxSize?: number;
}

const DEFAULT_MAX = 1024 * 1024;

/** Refuses bodies over the limit with a 413 in the API's error shape, before reading them whole. */
export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler {
  const maxSize = options.maxSize ?? DEFAULT_MAX;
  const message = `The request body is larger than ${Math.round(maxSize / 1024)} KB`;
  return honoBodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', message);
    },
  });
}
