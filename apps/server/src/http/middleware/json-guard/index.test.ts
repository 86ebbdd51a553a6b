import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { jsonGuard, nestingDepthExceeds } from './index';

describe('jsonGuard', () => {
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.post('/strict', jsonGuard(), async (c) => c.json({ got: await c.req.json() }));
  app.post('/provider', jsonGuard({ strictText: false }), async (c) =>
    c.json({ raw: Buffer.from(await c.req.arrayBuffer()).toString('utf8') }),
  );
  const post = (path: string, body: string, type = 'application/json') =>
    app.request(path, { method: 'POST', headers: { 'content-type': type }, body });

  it('passes ordinary JSON to the handler unchanged, parsed once more by it', async () => {
    const body = { a: [1, { b: 'caf\u00e9 \ud83e\uddc1 "quoted" \\ back' }], n: null };
    const res = await post('/strict', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: body });
  });

  it('refuses nesting past 32 levels with invalid_json, at 10,000 deep too, counting only brackets outside strings', async () => {
    const ok = `${'['.repeat(32)}${']'.repeat(32)}`;
    expect((await post('/strict', ok)).status).toBe(200);
    for (const deep of [`${'['.repeat(33)}${']'.repeat(33)}`, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, '['.repeat(10_000)]) {
      const res = await post('/strict', deep);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_json', details: [{ field: 'body' }] } });
    }
    expect((await post('/strict', JSON.stringify({ s: '['.repeat(100), t: '\\"[[[[' }))).status).toBe(200);
    expect(nestingDepthExceeds(Buffer.from('"\\"[[["'), 1)).toBe(false);
  });

  it('refuses NUL and lone surrogates in values and keys, naming the field', async () => {
    const cases: [string, string][] = [
      ['{"name":"a\\u0000b"}', 'name'],
      ['{"contact":{"attributes":{"x":["ok","\\ud800"]}}}', 'contact.attributes.x.1'],
      ['{"a":"\\udc00 tail"}', 'a'],
      ['{"k\\u0000ey":1}', 'k\\u0000ey'],
      ['"\\u0000"', 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/strict', body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_text', details: [{ field }] } });
    }
    // A well-formed pair written as escapes is fine, and so is an escaped backslash before "u0000".
    expect((await post('/strict', '{"a":"\\ud83e\\uddc1","b":"\\\\u0000"}')).status).toBe(200);
  });

  it('leaves provider text alone when strictText is off, and hands the exact bytes on', async () => {
    const raw = '{"text":"a\\u0000b"}';
    const res = await post('/provider', raw);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ raw });
    expect((await post('/provider', '['.repeat(40))).status).toBe(400);
  });

  it('refuses %00 in a query parameter or the path with strictText, naming it', async () => {
    const res = await app.request('/strict?q=ok&tag=a%00b', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_text', details: [{ field: 'query.tag' }] } });
    const path = await app.request('/strict%00', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(path.status === 400 || path.status === 404).toBe(true);
    expect(
      (await app.request('/provider?q=%00', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    ).toBe(200);
  });

  it('ignores non-JSON bodies (a form may hold brackets)', async () => {
    const res = await app.request('/provider', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `text=${'['.repeat(100)}`,
    });
    expect(res.status).toBe(200);
  });
});
