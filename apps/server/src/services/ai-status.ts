/**
 * Whether the workspace's AI is connected: the last "Test connection" passed with the settings
 * in force now. A test records what it used (base URL, model, when the key was last saved);
 * changing any of them, or removing or replacing the key, makes the record stale, so the app
 * says "AI not connected" again until a new test passes.
 */
import { and, eq } from 'drizzle-orm';
import { workspaceCredentials, type Executor, type WorkspaceSettings } from '@switchboard/db';
import { AI_CREDENTIAL } from './credentials';

/** The stored AI key's record (never its value), or null when none is saved. */
export type AiKey = { updatedAt: Date } | null;
type AiSettings = WorkspaceSettings['ai'];
export type AiTested = NonNullable<NonNullable<AiSettings>['tested']>;

export async function loadAiKey(db: Executor, workspaceId: string): Promise<AiKey> {
  const [row] = await db
    .select({ updatedAt: workspaceCredentials.updatedAt })
    .from(workspaceCredentials)
    .where(and(eq(workspaceCredentials.workspaceId, workspaceId), eq(workspaceCredentials.name, AI_CREDENTIAL)));
  return row ?? null;
}

/** What a test is run with: recorded with a passing test, compared when the status is shown. */
export function aiTestStamp(ai: AiSettings, key: AiKey): Omit<AiTested, 'okAt'> {
  return { baseUrl: ai?.baseUrl ?? null, model: ai?.model ?? null, keyAt: key ? key.updatedAt.toISOString() : null };
}

/** When the last test passed, if it tested the settings in force now; undefined otherwise. */
export function testedOkAt(ai: AiSettings, key: AiKey): string | undefined {
  const tested = ai?.tested;
  if (!tested) return undefined;
  const now = aiTestStamp(ai, key);
  return tested.baseUrl === now.baseUrl && tested.model === now.model && tested.keyAt === now.keyAt ? tested.okAt : undefined;
}
