import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { ApiError } from './errors';

/**
 * Every route module builds on this so request validation failures share one shape:
 * 400 with each problem's field path and message.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const details = result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
        const first = details[0];
        const message = first ? `${first.field || 'body'}: ${first.message}` : 'Invalid request';
        throw new ApiError(400, 'validation_failed', message, details);
      }
    },
  });
}
