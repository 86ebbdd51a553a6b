/**
 * A tool's request rendered for its arguments. `args` are the model's, so they are data, never
 * address or syntax: in the URL each is percent-encoded (and cannot change the host, checked by
 * rendering the address without them), in the body each string is JSON-escaped (`"{{ args.x }}"`
 * stays one JSON string), in headers line breaks are removed. `secrets` are rendered as in the HTTP
 * step: values put in after rendering, and only to the hosts each credential was saved for.
 */
import { isHttpUrl } from '../send-message/window';
import { misconfigured, renderOutbound } from '../result';
import type { HandlerContext, HttpRequest, StepResult } from '../../types';
import type { Args } from './arguments';
import type { ToolRequest } from './definition';

const mapArgs = (args: Args, f: (v: string) => string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? f(v) : v]));

// encodeURIComponent leaves "." alone, and "." or ".." alone in a path segment would climb it.
const forUrl = (v: string) =>
  /^\.+$/.test(v)
    ? v.replaceAll('.', '%2E')
    : encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const forJson = (v: string) => JSON.stringify(v).slice(1, -1);
const forHeader = (v: string) => v.replace(/[\r\n\0]+/g, ' ');

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

export type RenderedRequest = { req: HttpRequest } | { failed: StepResult } | { refused: string };

/** Renders `request` (the tool at `field`, e.g. `tools.1.request`) with `args`; `refused` is told to the model. */
export async function renderToolRequest(ctx: HandlerContext, request: ToolRequest, args: Args, field: string): Promise<RenderedRequest> {
  const fail = (r: { failed: StepResult }) => ({
    failed: { ...r.failed, error: r.failed.error && { ...r.failed.error, field: `${field}.${r.failed.error.field ?? 'url'}` } },
  });
  const url = await renderOutbound(ctx, { url: request.url }, { args: mapArgs(args, forUrl) });
  if ('failed' in url) return fail(url);
  const bare = await renderOutbound(ctx, { url: request.url }, { args: mapArgs(args, () => '') });
  if ('failed' in bare) return fail(bare);
  const address = url.values.url.trim();
  const withoutArgs = bare.values.url.trim();
  if (!isHttpUrl(withoutArgs)) return { failed: misconfigured(`${field}.url`, 'The address must start with https:// or http://.') };
  if (!isHttpUrl(address) || hostOf(address) === null || hostOf(address) !== hostOf(withoutArgs))
    return { refused: 'The arguments may not change the address of the request.' };

  const headerTemplates = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [`headers.${k}`, v]));
  const headerValues = await renderOutbound(ctx, headerTemplates, { args: mapArgs(args, forHeader) });
  if ('failed' in headerValues) return fail(headerValues);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(request.headers ?? {}))
    headers[name] = (headerValues.values as Record<string, string>)[`headers.${name}`] ?? '';

  let body: string | undefined;
  const sendsBody = request.method !== 'GET' && request.method !== 'DELETE';
  if (sendsBody && request.body !== undefined) {
    const rendered = await renderOutbound(ctx, { body: request.body }, { args: mapArgs(args, forJson) });
    if ('failed' in rendered) return fail(rendered);
    body = rendered.values.body;
  } else if (sendsBody) {
    body = JSON.stringify(args);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  // One key per step: the step run again after a crash sends the same key, and the other system
  // that saw the first request does not act twice.
  if (ctx.step && !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key'))
    headers['Idempotency-Key'] = `${ctx.step.runId}:${ctx.step.seq}`;
  return {
    req: {
      method: request.method,
      url: address,
      headers,
      ...(body !== undefined ? { body } : {}),
      sample: { testResponse: request.testResponse, callForReal: request.callForReal },
    },
  };
}
