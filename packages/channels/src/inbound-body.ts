import type { z } from 'zod';
import { InboundParseError } from './errors';
import type { InboundEvent, InboundRequest } from './types';

export function readJson(req: InboundRequest): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8')) as unknown;
  } catch {
    throw new InboundParseError('body is not valid JSON');
  }
}

/** Validates a provider payload, turning a schema mismatch into a 400 rather than a crash. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new InboundParseError(`${what}: ${issue?.message ?? 'invalid'}${at}`);
}

/**
 * `application/x-www-form-urlencoded` into name -> value, repeated names -> array (the shape
 * twilio-node signs over).
 */
export function readForm(rawBody: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const prior = out[name];
    if (prior === undefined) out[name] = value;
    else if (Array.isArray(prior)) prior.push(value);
    else out[name] = [prior, value];
  }
  return out;
}

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Stable sort by timestamp; events without one keep their order after the dated ones. */
export function sortByTimestamp(events: InboundEvent[]): InboundEvent[] {
  const at = (e: InboundEvent) => e.timestamp?.getTime() ?? Number.POSITIVE_INFINITY;
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => at(a.event) - at(b.event) || a.index - b.index)
    .map(({ event }) => event);
}

export function unixSeconds(value: string | number): Date {
  const seconds = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(seconds)) throw new InboundParseError(`bad timestamp ${String(value)}`);
  return new Date(seconds * 1000);
}
