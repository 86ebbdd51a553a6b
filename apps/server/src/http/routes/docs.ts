import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono, MiddlewareHandler } from 'hono';
import { NONCE } from 'hono/secure-headers';
import { securityHeaders } from '../content-security';
import type { AppEnv } from '../../context';

export const DOCS_SCRIPT_PATH = '/api/docs/scalar.js';

/**
 * The API reference page's own policy: Scalar's script from this server (never a CDN), its one
 * inline start-up script by nonce, inline styles (its components set them), no remote fonts.
 */
export const docsHeaders = securityHeaders({ scriptSrc: ["'self'", NONCE], workerSrc: ["'self'", 'blob:'] });

/** The standalone bundle of @scalar/api-reference in node_modules (the compiled server finds it the same way). */
function scalarBundlePath(): string {
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return join(dirname(entry), 'browser', 'standalone.js');
}

let bundle: Promise<{ plain: Buffer; gzipped: Buffer }> | undefined;
/** Read and compressed once, on the first request: 4.9 MB, 1.4 MB gzipped. */
function loadBundle() {
  bundle ??= readFile(scalarBundlePath()).then(async (plain) => ({ plain, gzipped: await promisify(gzip)(plain) }));
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

/** `/api/docs` (the reference, under its own CSP) and the Scalar script it loads from here. */
export function mountDocs(app: Hono<AppEnv>) {
  const page = Scalar({
    url: '/api/openapi.json',
    pageTitle: 'Switchboard API',
    cdn: DOCS_SCRIPT_PATH,
    withDefaultFonts: false,
  }) as unknown as MiddlewareHandler;
  app.get('/api/docs', async (c, next) => {
    const html = await ((await page(c, next)) as Response).text();
    // Set by docsHeaders' NONCE before the handler runs; each page gets a fresh one.
    const nonce = c.get('secureHeadersNonce');
    return c.html(nonce ? html.replaceAll('<script', `<script nonce="${nonce}"`) : html);
  });
  app.get(DOCS_SCRIPT_PATH, async (c) => {
    const { plain, gzipped } = await loadBundle();
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    c.header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(gzipped));
    }
    return c.body(new Uint8Array(plain));
  });
}
