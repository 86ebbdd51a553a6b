import { request } from 'undici';
import { networkReason, ProviderError } from './errors';
import { callProvider, publicOnly } from './http';
import type { MediaContent, SendOptions } from './types';

/**
 * Downloads a file from a plain web link (a Messenger or Instagram CDN link, a customer's link),
 * through the egress guard in `opts`, with no credentials. Redirects are not followed.
 */
export async function downloadMedia(url: string, opts: SendOptions = {}): Promise<MediaContent> {
  const response = await callProvider({
    provider: 'The file host',
    method: 'GET',
    url,
    ...opts,
    timeoutMs: opts.timeoutMs ?? 30_000,
    binary: true,
  });
  const contentType = response.headers.get('content-type');
  return { data: response.body as Buffer, ...(contentType && { contentType }) };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a file that sits behind one redirect to storage (Twilio's media URLs answer 307 to a
 * signed CDN link): the first request carries `headers` (the credentials), the second goes to the
 * storage link with none, both through the egress guard, which checks each address it connects to.
 */
export async function downloadBehindRedirect(
  provider: string,
  url: string,
  headers: Record<string, string>,
  opts: SendOptions = {},
): Promise<MediaContent> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const dispatcher = (opts.egress ?? publicOnly()).dispatcher;
  const first = await request(url, { method: 'GET', headers, dispatcher, signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
    throw new ProviderError(`${provider} unreachable: ${networkReason(err)}`, { retryable: true, providerCode: 'network', cause: err });
  });
  const location = first.headers.location;
  if (!REDIRECTS.has(first.statusCode) || typeof location !== 'string') {
    if (first.statusCode >= 200 && first.statusCode < 300) {
      const contentType = first.headers['content-type'];
      return { data: Buffer.from(await first.body.arrayBuffer()), ...(typeof contentType === 'string' && { contentType }) };
    }
    await first.body.dump();
    throw new ProviderError(`${provider} answered ${first.statusCode}`, {
      retryable: first.statusCode === 429 || first.statusCode >= 500,
      status: first.statusCode,
    });
  }
  await first.body.dump();
  return downloadMedia(new URL(location, url).href, opts);
}
