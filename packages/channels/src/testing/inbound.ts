import type { InboundRequest, VerifyContext } from '../types';

/** Builds the InboundRequest the server would hand an adapter, for tests here and in apps/server. */
export function inboundRequest(init: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}): InboundRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  let rawBody: Buffer;
  if (init.body === undefined) rawBody = Buffer.alloc(0);
  else if (typeof init.body === 'string') rawBody = Buffer.from(init.body, 'utf8');
  else if (Buffer.isBuffer(init.body)) rawBody = init.body;
  else {
    rawBody = Buffer.from(JSON.stringify(init.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  const url = new URL(init.url);
  return { method: init.method ?? 'POST', url: init.url, headers, rawBody, query: Object.fromEntries(url.searchParams) };
}

/** A VerifyContext with a fixed clock and an in-memory nonce set. */
export function verifyContext(now: Date = new Date()): VerifyContext & { nonces: Set<string> } {
  const nonces = new Set<string>();
  return {
    nonces,
    now: () => now,
    seenNonce: (nonce) => {
      if (nonces.has(nonce)) return true;
      nonces.add(nonce);
      return false;
    },
  };
}

export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

/** multipart/form-data body and its content type, as SendGrid and Mailgun post them. */
export function multipartBody(
  fields: Record<string, string>,
  files: { name: string; filename: string; contentType: string; data: Buffer }[] = [],
): { body: Buffer; contentType: string } {
  const boundary = `----switchboard${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
