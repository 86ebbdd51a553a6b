import { describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../../router';
import { optionalJsonBody } from './index';

const route = createRoute({
  method: 'post',
  path: '/act',
  request: { body: { required: false, content: { 'application/json': { schema: z.object({ force: z.boolean().optional() }).strict() } } } },
  responses: { 200: { description: 'ok' } },
});

const app = createRouter();
app.onError((err, c) => c.json({ error: String(err) }, 400));
app.use('/act', optionalJsonBody());
app.openapi(route, (c) => c.json({ force: c.req.valid('json').force ?? false }, 200));

const post = (body?: string, type = 'application/json') =>
  app.request('/act', { method: 'POST', headers: { 'content-type': type }, ...(body !== undefined && { body }) });

describe('optionalJsonBody', () => {
  it('treats an empty JSON body as no options', async () => {
    expect(await (await post()).json()).toEqual({ force: false });
    expect(await (await post('  ')).json()).toEqual({ force: false });
  });

  it('still reads and checks a body that was sent', async () => {
    expect(await (await post('{"force":true}')).json()).toEqual({ force: true });
    expect((await post('{"force":"yes"}')).status).toBe(400);
    expect((await post('{"force":')).status).toBe(400);
  });
});
