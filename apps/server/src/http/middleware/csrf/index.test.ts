import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { csrfProtection } from './index';

describe('csrfProtection', () => {
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.use('*', csrfProtection({ origins: ['https://inbox.example.com'], cookieName: 'sb_session' }));
  app.all('*', (c) => c.json({ ok: true }));
  const send = (method: string, headers: Record<string, string>) => app.request('http://inbox.example.com:8080/x', { method, headers });
  const cookie = { cookie: 'other=1; sb_session=abc' };

  it('lets safe methods through from anywhere', async () => {
    expect((await send('GET', { ...cookie, origin: 'https://evil.example' })).status).toBe(200);
    expect((await send('HEAD', { ...cookie, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('accepts the configured origin and the request host, for every unsafe method', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await send(method, { ...cookie, origin: 'https://inbox.example.com' })).status, method).toBe(200);
      expect((await send(method, { ...cookie, origin: 'http://inbox.example.com:8080' })).status, method).toBe(200);
      expect((await send(method, { ...cookie, referer: 'https://inbox.example.com/flows/1' })).status, method).toBe(200);
    }
  });

  it('refuses another origin, another port of the same host, null and foreign referers: JSON or bodiless', async () => {
    const foreign = ['https://evil.example', 'http://inbox.example.com:5173', 'https://inbox.example.com.evil.example', 'null'];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const origin of foreign) {
        const res = await send(method, { ...cookie, origin, 'content-type': 'application/json' });
        expect(res.status, `${method} ${origin}`).toBe(403);
        expect(await res.json()).toMatchObject({ error: { code: 'forbidden', details: [{ field: 'origin' }] } });
      }
      const viaReferer = await send(method, { ...cookie, referer: 'https://evil.example/page' });
      expect(viaReferer.status).toBe(403);
    }
  });

  it('refuses a cookie request with neither Origin nor Referer unless the browser says same-origin', async () => {
    expect((await send('POST', cookie)).status).toBe(403);
    expect((await send('POST', { ...cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await send('POST', { ...cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('exempts API-key requests and cookie-less scripts', async () => {
    expect((await send('POST', { ...cookie, authorization: 'Bearer sb_x', origin: 'https://evil.example' })).status).toBe(200);
    // A browser resends HTTP Basic credentials to a site by itself: no exemption for those.
    expect((await send('POST', { ...cookie, authorization: 'Basic dTpw', origin: 'https://evil.example' })).status).toBe(403);
    expect((await send('POST', { 'content-type': 'application/json' })).status).toBe(200);
  });
});
