/**
 * The credentials one flow step (or one test run) may use. `secrets` in an outbound field's
 * template scope is an object of getters: a credential is unsealed only when a template reads it,
 * and every read is remembered so the request it ends up in can be checked against the
 * credential's hosts before anything is sent. Every value handed out, and the values of
 * credential-like headers and query parameters sent, are masked in what the step returns.
 */
import type { Database } from '@switchboard/db';
import type { CredentialVault, HttpRequest } from '@switchboard/flow';
import { CredentialHostError, hostAllowed, isSensitiveHeader, isSensitiveParam, redactValues } from '@switchboard/flow';
import { unsealJson } from '../services/crypto';
import { listCredentials, type CredentialRow } from '../services/credentials';

export interface ServerCredentialVault extends CredentialVault {
  /** Remembers the credential-like values of a request about to be sent, so they are masked too. */
  noteSent(req: HttpRequest): void;
}

export function createCredentialVault(db: Database, appSecret: Buffer, workspaceId: string): ServerCredentialVault {
  let rows: Promise<CredentialRow[]> | undefined;
  const used = new Map<string, CredentialRow>();
  const seen = new Set<string>();

  async function scope(): Promise<Record<string, unknown>> {
    rows ??= listCredentials(db, workspaceId);
    const secrets: Record<string, unknown> = {};
    for (const row of await rows) {
      Object.defineProperty(secrets, row.name, {
        enumerable: true,
        get() {
          const value = unsealOrExplain(appSecret, row);
          used.set(row.name, row);
          seen.add(value);
          return value;
        },
      });
    }
    return secrets;
  }

  return {
    scope,
    release(url) {
      const marks = [...used.values()];
      used.clear();
      if (!marks.length) return;
      let host: string;
      try {
        host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      } catch {
        host = '';
      }
      const refused = marks.find((row) => !hostAllowed(row.allowedHosts, host));
      if (refused) throw new CredentialHostError(refused.name, refused.allowedHosts);
    },
    noteSent(req) {
      for (const [name, value] of Object.entries(req.headers ?? {})) {
        // `Bearer abc…`: the token is the secret; the scheme word may stay readable.
        if (isSensitiveHeader(name)) seen.add(value.replace(/^(bearer|basic|token|bot)\s+/i, ''));
      }
      try {
        for (const [name, value] of new URL(req.url).searchParams) if (isSensitiveParam(name)) seen.add(value);
      } catch {
        // not a URL: the http service refuses it anyway
      }
    },
    redact: (value) => redactValues(value, seen),
  };
}

function unsealOrExplain(appSecret: Buffer, row: CredentialRow): string {
  try {
    return unsealJson<string>(appSecret, row.sealedValue);
  } catch {
    throw new Error(
      `The credential '${row.name}' cannot be read with this server's APP_SECRET: enter its value again in Settings → Credentials.`,
    );
  }
}

/**
 * Masks every current credential value of the workspace in what is read back (run history): a
 * safety net behind the masking at write time, for values saved before a credential existed.
 */
export async function credentialMask(db: Database, appSecret: Buffer, workspaceId: string): Promise<<T>(value: T) => T> {
  const values: string[] = [];
  for (const row of await listCredentials(db, workspaceId)) {
    try {
      values.push(unsealJson<string>(appSecret, row.sealedValue));
    } catch {
      // Sealed under another app secret: it cannot be sent either, and history stays readable.
    }
  }
  return (value) => redactValues(value, values);
}
