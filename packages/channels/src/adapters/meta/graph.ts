import { callProvider, field, joinUrl, type ProviderErrorDetail } from '../../http';
import type { SendOptions } from '../../types';

export const GRAPH_BASE = 'https://graph.facebook.com';
export const GRAPH_VERSION = 'v21.0';

// Graph answers throttling and outages with HTTP 400 and a code, so the code decides retrying:
// 1/2 unknown/temporary, 4/17/32/613 app, user, page and custom rate limits, 80007 WABA rate
// limit, 130429 throughput, 131056 pair rate limit, 131000/131016/133004 service errors.
const retryableCodes = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131056, 133004]);

const hints: Record<number, string> = {
  131047: 'more than 24 hours since the customer last wrote: send an approved template',
  10: 'outside the messaging window: only a person may reply (HUMAN_AGENT), within 7 days',
  190: 'the access token is invalid or expired: reconnect the channel',
  551: 'this person is not available right now',
};

/** Reads `{error:{message, code, error_subcode, is_transient, error_data:{details}}}`. */
export function describeGraphError(body: unknown): ProviderErrorDetail {
  const code = field(body, 'error', 'code');
  const message = field(body, 'error', 'message');
  const details = field(body, 'error', 'error_data', 'details');
  if (typeof message !== 'string') return {};
  const numeric = typeof code === 'number' ? code : undefined;
  const parts = [message];
  if (typeof details === 'string' && details !== message) parts.push(details);
  if (numeric !== undefined && hints[numeric]) parts.push(hints[numeric]);
  return {
    message: `${parts.join(' — ')}${numeric !== undefined ? ` (#${numeric})` : ''}`,
    ...(numeric !== undefined && { code: String(numeric) }),
    ...((field(body, 'error', 'is_transient') === true || (numeric !== undefined && retryableCodes.has(numeric))) && { retryable: true }),
  };
}

export async function graphPost(
  provider: string,
  base: string | undefined,
  path: string,
  token: string,
  body: unknown,
  opts: SendOptions | undefined,
): Promise<unknown> {
  const response = await callProvider({
    provider,
    url: joinUrl(base || GRAPH_BASE, path),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...opts,
    describeError: describeGraphError,
  });
  return response.body;
}
