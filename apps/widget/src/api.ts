import type {
  MessagesResponse,
  SendMessageRequest,
  SendMessageResponse,
  SessionRequest,
  SessionResponse,
  TypingResponse,
  UploadResponse,
} from './contract';

/** A non-2xx answer; `status` decides between retrying, re-authenticating and giving up. */
export class ApiError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export type Api = ReturnType<typeof createApi>;

/** Client for `/widget/:channelId/*` on the server the script was loaded from. */
export function createApi(origin: string, channelId: string) {
  const base = `${origin}/widget/${encodeURIComponent(channelId)}`;

  async function call<T>(path: string, token?: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const file = body instanceof Blob;
    // A file goes as the body itself, with its own type.
    if (body !== undefined) headers['Content-Type'] = file ? body.type || 'application/octet-stream' : 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    // Bearer tokens, never cookies: the host page is another origin and third-party
    // cookies are blocked by most browsers anyway.
    const res = await fetch(base + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : file ? body : JSON.stringify(body),
      credentials: 'omit',
    });
    if (!res.ok) throw new ApiError(res.status);
    return (await res.json()) as T;
  }

  return {
    /** The owner's look for the bubble; unchecked JSON (readConfig validates each field). */
    look: () => call<Record<string, unknown>>('/config'),
    session: (body: SessionRequest) => call<SessionResponse>('/sessions', null, body),
    messages: (token: string) => call<MessagesResponse>('/messages', token),
    send: (token: string, body: SendMessageRequest) => call<SendMessageResponse>('/messages', token, body),
    upload: (token: string, file: File) =>
      call<UploadResponse>(`/attachments?name=${encodeURIComponent(file.name || 'file')}`, token, file),
    typing: (token: string) => call<TypingResponse>('/typing', token, {}),
    streamUrl: (token: string) => `${base}/stream?token=${encodeURIComponent(token)}`,
  };
}
