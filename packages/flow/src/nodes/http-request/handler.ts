import { CredentialHostError } from '../../secrets';
import type { HttpResponse, NodeHandler, StepResult } from '../../types';
import { isHttpUrl } from '../send-message/window';
import { branch, misconfigured, renderOutbound } from '../result';
import type { HttpRequestConfig } from './definition';

function parseBody(res: HttpResponse): unknown {
  const looksJson = /json/i.test(res.headers['content-type'] ?? '') || /^\s*[[{]/.test(res.body);
  if (!looksJson) return res.body;
  try {
    return JSON.parse(res.body);
  } catch {
    return res.body;
  }
}

/**
 * Calls the rendered URL through the `http` service (which refuses private addresses) and saves
 * `{ok, status, headers, body}` into the variable. A 4xx/5xx answer or a failed call (refused,
 * timeout, network) goes down `error` with `error` set, so the owner can branch on it.
 * URL, headers and body may read `{{ secrets.<name> }}`; a credential bound for a host it was not
 * saved for stops the run before any call, and no secret value is kept in what the step returns.
 */
export const httpRequest: NodeHandler<HttpRequestConfig> = async (config, ctx) => {
  const result = await callOut(config, ctx);
  return ctx.services.credentials ? ctx.services.credentials.redact(result) : result;
};

const callOut: NodeHandler<HttpRequestConfig> = async (config, ctx): Promise<StepResult> => {
  const headerTemplates = Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [`headers.${k}`, v]));
  const r = await renderOutbound(ctx, { url: config.url, body: config.body, ...headerTemplates });
  if ('failed' in r) return r.failed;
  const url = r.values.url.trim();
  if (!isHttpUrl(url)) return misconfigured('url', 'The address must start with https:// or http://.');
  const rendered: Record<string, string | undefined> = r.values;
  const headers = Object.fromEntries(Object.keys(config.headers ?? {}).map((k) => [k, rendered[`headers.${k}`] ?? '']));
  const key = config.saveTo?.replace(/^vars\./, '');
  const save = (value: Record<string, unknown>) => (key ? { [key]: value } : undefined);
  const sendsBody = config.method !== 'GET' && config.body !== undefined;

  try {
    ctx.services.credentials?.release(url);
  } catch (err) {
    if (err instanceof CredentialHostError) return misconfigured('url', err.message);
    throw err;
  }
  let res: HttpResponse;
  try {
    res = await ctx.services.http({
      method: config.method,
      url,
      headers,
      body: sendsBody ? r.values.body : undefined,
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return branch('error', [], { vars: save({ ok: false, status: null, error: message }), log: message });
  }
  const ok = res.status >= 200 && res.status < 300;
  const result: Record<string, unknown> = { ok, status: res.status, headers: res.headers, body: parseBody(res) };
  if (!ok) result.error = `The server answered ${res.status}.`;
  // The log names the host only: a rendered path, query or header may hold a credential.
  return branch(ok ? 'success' : 'error', [], { vars: save(result), log: `${config.method} ${new URL(url).host} -> ${res.status}` });
};
