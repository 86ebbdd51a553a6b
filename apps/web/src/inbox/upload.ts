import { ApiError } from '../api/client';
import type { UploadedFile } from '../api/types';

/** Sends a file as the request body (its own Content-Type) to an upload route; answers the stored file. */
export async function uploadFile(path: string, file: File): Promise<UploadedFile> {
  const name = file.name || 'pasted';
  const res = await fetch(`${path}?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json' },
    body: file,
  }).catch(() => {
    throw new ApiError(0, 'network', 'Could not reach Switchboard. Check your connection and try again.');
  });
  const data = (await res.json().catch(() => undefined)) as (UploadedFile & { error?: { code: string; message: string } }) | undefined;
  if (!res.ok)
    throw new ApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? `The upload failed (${res.status}).`);
  return data!;
}
