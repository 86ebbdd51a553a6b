import { auditLog, type Executor } from '@switchboard/db';
import type { AuthContext } from '../context';

/** Records who changed what; written in the caller's transaction when one is given. */
export async function audit(
  db: Executor,
  auth: Pick<AuthContext, 'workspaceId' | 'userId' | 'apiKeyId'>,
  action: string,
  target: { type: string; id?: string | null },
  data: Record<string, unknown> = {},
): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId: auth.workspaceId,
    actorUserId: auth.userId,
    actorApiKeyId: auth.apiKeyId,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    data,
  });
}
