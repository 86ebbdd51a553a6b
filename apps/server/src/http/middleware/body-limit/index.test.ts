import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { bodyLimit } from './index';
import pino from 'pino';

describe('bodyLimit', () => {
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.post('/small', bodyLimit({ maxSize: 10 }), async (c) => c.json({ got: await c.req.text() }));

  it('passes bodies within the limit', async () => {
    const res = await app.request('/small', { method: 'POST', body: '12345' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: '12345' });
  });

  it('answers 413 in the error shape beyond it', async () => {
    const res = await app.request('/small', { method: 'POST', body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining('larger than') } });
  });
});
