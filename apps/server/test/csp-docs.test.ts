import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createTestContext, type TestContext } from './helpers';

/**
 * Every page carries a Content-Security-Policy; the API reference loads Scalar from this server's
 * own copy of @scalar/api-reference, so it renders offline and under its policy.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await createTestContext();
  app = createApp(ctx.deps, { rateLimit: false, serveStatic: true });
});
afterAll(() => ctx.close());

const directives = (csp: string | null): Record<string, string[]> =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );

describe('Content-Security-Policy', () => {
  it('the web app page and API answers: scripts and connections to this server only, no inline script', async () => {
    for (const [path, accept] of [
      ['/', 'text/html'],
      ['/inbox/some-deep-link', 'text/html'],
      ['/api/me', 'application/json'],
      ['/healthz', '*/*'],
    ] as const) {
      const res = await app.request(path, { headers: { accept } });
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp['default-src'], path).toEqual(["'self'"]);
      expect(csp['script-src'], path).toEqual(["'self'"]);
      expect(csp['connect-src'], path).toEqual(["'self'"]);
      expect(csp['object-src'], path).toEqual(["'none'"]);
      expect(csp['frame-ancestors'], path).toEqual(["'self'"]);
    }
  });

  it('/api/docs: its own policy, a nonce on each script, and no URL of another host in the page', async () => {
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    const csp = directives(res.headers.get('content-security-policy'));
    const nonce = csp['script-src']?.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['connect-src']).toEqual(["'self'"]);
    const html = await res.text();
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).toContain('src="/api/docs/scalar.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('"withDefaultFonts": false');
    // A second page gets a fresh nonce.
    const again = directives((await app.request('/api/docs')).headers.get('content-security-policy'));
    expect(again['script-src']).not.toContain(`'nonce-${nonce}'`);
  });

  it('/api/docs/scalar.js is our copy of the standalone bundle, gzipped when asked', async () => {
    const plain = await app.request('/api/docs/scalar.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain('createApiReference');
    const gz = await app.request('/api/docs/scalar.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(text);
  });
});

describe('the API reference in a browser, offline', () => {
  let server: ServerType;
  let browser: Browser;
  beforeAll(async () => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('renders the operations with every request to another host refused, and no CSP violation', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    const violations: string[] = [];
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).host === new URL(base).host) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(`${base}/api/docs`);
    // Rendered from /api/openapi.json: the first operation's summary and the API's description.
    await page.getByText('Database reachable and migrations current').first().waitFor({ timeout: 30_000 });
    await page.getByText('Customer messaging inbox and flow automation.').first().waitFor();
    expect(violations).toEqual([]);
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 60_000);
});
