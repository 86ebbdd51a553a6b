import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { migrationStatus } from '@switchboard/db';
import type client from 'prom-client';
import type { AppDeps } from '../../context';
import { json } from '../openapi-helpers';
import { createRouter } from '../router';

const Health = z.object({ status: z.string(), role: z.string() }).openapi('Health');
const Ready = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.boolean(),
    migrations: z.object({ expected: z.number(), applied: z.number() }).nullable(),
  })
  .openapi('Ready');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'The process is up',
  responses: { 200: json(Health) },
});
const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Database reachable and migrations current',
  responses: { 200: json(Ready), 503: json(Ready, 'Not ready') },
});

const READY_TIMEOUT_MS = 3_000;

export function healthRoutes(deps: AppDeps, registry: client.Registry) {
  return createRouter()
    .openapi(healthRoute, (c) => c.json({ status: 'ok', role: deps.config.role }, 200))
    .openapi(readyRoute, async (c) => {
      try {
        // A hung database must turn the probe red, not hang it.
        const status = await Promise.race([
          migrationStatus(deps.pool),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('readiness check timed out')), READY_TIMEOUT_MS).unref()),
        ]);
        const body = {
          status: status.current ? ('ok' as const) : ('unavailable' as const),
          database: true,
          migrations: { expected: status.expected, applied: status.applied },
        };
        return c.json(body, status.current ? 200 : 503);
      } catch {
        c.header('Retry-After', '5');
        return c.json({ status: 'unavailable' as const, database: false, migrations: null }, 503);
      }
    })
    .get('/metrics', async (c) => {
      // Metrics name routes, volumes and timings: for the operator's scraper only.
      const token = deps.config.metricsToken;
      if (!token) return c.json({ error: { code: 'not_found', message: 'Metrics are off: set METRICS_TOKEN to scrape them' } }, 404);
      if (!bearerMatches(c.req.header('authorization'), token)) {
        c.header('WWW-Authenticate', 'Bearer');
        return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>' } }, 401);
      }
      c.header('Content-Type', registry.contentType);
      return c.body(await registry.metrics());
    });
}

/** Constant-time comparison of a Bearer header with the expected token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
