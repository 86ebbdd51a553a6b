import { InboundParseError } from './errors';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * A small multipart/form-data reader (RFC 7578) for SendGrid Inbound Parse and Mailgun forwards
 * with attachments. Bodies are webhook-sized and already in memory, so no streaming.
 */
export function parseMultipart(rawBody: Buffer, contentType: string | undefined): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const token = boundary?.[1] ?? boundary?.[2]?.trim();
  if (!token) throw new InboundParseError('multipart body without a boundary');
  const delimiter = Buffer.from(`--${token}`);
  const parts: MultipartPart[] = [];

  let start = rawBody.indexOf(delimiter);
  if (start < 0) throw new InboundParseError('multipart boundary not found in body');
  for (;;) {
    let cursor = start + delimiter.length;
    if (rawBody.subarray(cursor, cursor + 2).toString() === '--') break; // closing delimiter
    cursor = skipLineBreak(rawBody, cursor);
    const next = rawBody.indexOf(delimiter, cursor);
    if (next < 0) throw new InboundParseError('multipart body is truncated');
    // The CRLF before a delimiter belongs to the delimiter, not to the part.
    const end = rawBody[next - 2] === 0x0d && rawBody[next - 1] === 0x0a ? next - 2 : next;
    parts.push(readPart(rawBody.subarray(cursor, end)));
    start = next;
  }
  return parts;
}

function skipLineBreak(buf: Buffer, at: number): number {
  if (buf[at] === 0x0d && buf[at + 1] === 0x0a) return at + 2;
  if (buf[at] === 0x0a) return at + 1;
  return at;
}

function readPart(part: Buffer): MultipartPart {
  let split = part.indexOf('\r\n\r\n');
  let gap = 4;
  if (split < 0) {
    split = part.indexOf('\n\n');
    gap = 2;
  }
  if (split < 0) throw new InboundParseError('multipart part without headers');
  const headers = new Map<string, string>();
  for (const line of part.subarray(0, split).toString('utf8').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = dispositionParam(disposition, 'name');
  if (name === undefined) throw new InboundParseError('multipart part without a name');
  const filename = dispositionParam(disposition, 'filename');
  const contentType = headers.get('content-type');
  return {
    name,
    data: part.subarray(split + gap),
    ...(filename !== undefined && { filename }),
    ...(contentType !== undefined && { contentType }),
  };
}

function dispositionParam(header: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}="((?:[^"\\\\]|\\\\.)*)"|(?:^|;)\\s*${param}=([^;]*)`, 'i').exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]?.trim();
}

/** The text fields of a multipart body (files left out), decoded with the given charset per field. */
export function multipartFields(parts: MultipartPart[], charsetOf: (name: string) => string = () => 'utf-8'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of parts) {
    if (part.filename !== undefined || out[part.name] !== undefined) continue;
    out[part.name] = decode(part.data, charsetOf(part.name));
  }
  return out;
}

function decode(data: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(data);
  } catch {
    return data.toString('utf8');
  }
}
