/**
 * A webhook push's headers hold each credential as a mark with the push's own nonce (see the crm
 * step's push.ts), never its value. Here, just before sending, each mark becomes the credential's
 * value, only for an address among the credential's hosts. Text that a customer typed cannot
 * name a credential: it does not know the nonce.
 */
import type { Executor } from '@switchboard/db';
import { findCredential, unsealFor } from '../services/credentials';
import { PushError } from './provider-call';

const NAME = '[a-z][a-z0-9_]{0,47}';

/** `used` collects the values put in, so what a receiver echoes back can be masked. */
export async function resolveMarks(
  db: Executor,
  appSecret: Buffer,
  workspaceId: string,
  headers: Record<string, string>,
  mark: string,
  host: string,
  used: string[] = [],
): Promise<Record<string, string>> {
  if (!mark) return headers;
  // The nonce is hex, so it is safe inside the pattern; the name pattern is linear.
  const pattern = new RegExp(`\\[\\[${mark.replace(/[^0-9a-f]/g, '')}:(${NAME})\\]\\]`, 'g');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const names = [...new Set([...value.matchAll(pattern)].map((m) => m[1]!))];
    const values = new Map<string, string>();
    for (const name of names) {
      const row = await findCredential(db, workspaceId, name);
      if (!row) throw new PushError(`Add the credential "${name}" in Settings → Credentials: the push's header ${key} reads it.`, false);
      const secret = unsealFor(row, appSecret, host);
      if (secret === null) throw new PushError(`The credential "${name}" may only be sent to ${row.allowedHosts.join(', ')}.`, false);
      values.set(name, secret);
      used.push(secret);
    }
    out[key] = value.replace(pattern, (_m, name: string) => values.get(name) ?? '');
  }
  return out;
}
