import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from '../context';

export const webDist = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const widgetDist = fileURLToPath(new URL('../../../widget/dist', import.meta.url));

const API_PREFIXES = ['/api/', '/webhooks/', '/widget/'];

/**
 * Serves the built web app at `/` (hashed assets cached for a year, index.html never)
 * and the website widget at `/widget.js`. Unknown non-API paths get index.html so the
 * SPA's own router can answer them.
 */
export function mountStatic(app: Hono<AppEnv>) {
  app.get(
    '/widget.js',
    serveStatic({
      root: widgetDist,
      rewriteRequestPath: () => '/widget.js',
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=300');
        c.header('Access-Control-Allow-Origin', '*');
        c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );
  app.get(
    '/assets/*',
    serveStatic({
      root: webDist,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('*', serveStatic({ root: webDist }));
  app.get('*', (c, next) => {
    if (API_PREFIXES.some((p) => c.req.path.startsWith(p)) || !c.req.header('accept')?.includes('text/html')) return next();
    const index = `${webDist}/index.html`;
    if (!existsSync(index)) return c.text('The web app is not built yet: run `npm run build`.', 503);
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(index, 'utf8'));
  });
}
