import { callProvider } from './http';
import type { MediaContent, SendOptions } from './types';

/**
 * Downloads a file from a plain web link (a Messenger or Instagram CDN link, a customer's link),
 * through the egress guard in `opts`, with no credentials. Redirects are not followed.
 */
export async function downloadMedia(url: string, opts: SendOptions = {}): Promise<MediaContent> {
  const response = await callProvider({ provider: 'The file host', method: 'GET', url, ...opts, timeoutMs: opts.timeoutMs ?? 30_000, binary: true });
  const contentType = response.headers.get('content-type');
  return { data: response.body as Buffer, ...(contentType && { contentType }) };
}
