import { auditLog, type Executor } from '@switchboard/db';
import type { AuthContext } from '../context';

/**
 * What an audit entry may say about a change: the names of the fields it touched, never their
 * values. Values are personal data (an email, a phone) or secrets (a token); the log outlives
 * erasure and retention, so it must hold neither.
 */
export interface AuditData {
  fields?: readonly string[];
}

const MAX_FIELDS = 50;
const MAX_NAME = 100;

/** Records who changed which fields; written in the caller's transaction when one is given. */
export async function audit(
  db: Executor,
  auth: Pick<AuthContext, 'workspaceId' | 'userId' | 'apiKeyId'>,
  action: string,
  target: { type: string; id?: string | null },
  data: AuditData = {},
): Promise<void> {
  // Only `fields` is copied: a caller handing over a request body by mistake stores no values.
  const names = Array.isArray(data.fields) ? data.fields.filter((f): f is string => typeof f === 'string') : [];
  const fields = [...new Set(names.map((f) => f.slice(0, MAX_NAME)))].slice(0, MAX_FIELDS);
  await db.insert(auditLog).values({
    workspaceId: auth.workspaceId,
    actorUserId: auth.userId,
    actorApiKeyId: auth.apiKeyId,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    data: { fields },
  });
}
