import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import client from 'prom-client';

export interface HttpMetricsOptions {
  registry: client.Registry;
}

/** Request counts and latencies by method, matched route pattern (not raw path) and status. */
export function httpMetrics(options: HttpMetricsOptions): MiddlewareHandler {
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [options.registry],
  });
  return async (c, next) => {
    const end = duration.startTimer();
    await next();
    end({ method: c.req.method, route: routePath(c) || 'unmatched', status: String(c.res.status) });
  };
}
