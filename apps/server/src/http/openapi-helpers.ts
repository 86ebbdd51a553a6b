import { z } from '@hono/zod-openapi';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'Workflow not found' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request: see details for each field',
  401: 'Not signed in, or the API key is invalid',
  403: 'Your role does not allow this',
  404: 'Not found in your workspace',
  409: 'Conflicts with existing data',
  413: 'Body too large',
  422: 'Understood but refused: see details',
  429: 'Too many requests; see Retry-After',
};

/** OpenAPI response entries for the error statuses a route can answer. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: errorDescriptions[status] ?? 'Error', content: { 'application/json': { schema: ErrorBody } } },
    ]),
  );
}

export function json<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } };
}

export const IdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const cookieAuth: Record<string, string[]>[] = [{ cookieAuth: [] }, { bearerAuth: [] }];
