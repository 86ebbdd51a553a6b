/**
 * The AI provider settings: base URL and model live in the workspace settings, the key is the
 * credential `ai`, bound to the base URL's host. Pointing the base URL at another host deletes
 * the key, and so does any change of its scheme or port (a plain-http downgrade, another
 * service on the same machine): an admin cannot redirect the stored key to a server of their
 * own, whoever moves the AI elsewhere enters the key for it again.
 */
import type { Executor, WorkspaceSettings } from '@switchboard/db';
import { hostAllowed } from '@switchboard/flow';
import { AI_CREDENTIAL, aiHost, DEFAULT_AI_HOST, deleteCredential, findCredential, saveCredential } from './credentials';

export type AiPatch = { baseUrl?: string | undefined; model?: string | undefined; apiKey?: string | undefined };

/** Applies a settings.ai change; answers the new settings.ai and whether the stored key was cleared. */
export async function applyAiSettings(
  tx: Executor,
  appSecret: Buffer,
  who: { workspaceId: string; userId: string | null },
  current: WorkspaceSettings['ai'],
  patch: AiPatch,
): Promise<{ ai: NonNullable<WorkspaceSettings['ai']>; keyCleared: boolean }> {
  const { apiKey, ...rest } = patch;
  // apiKeyEncrypted is where the key lived before it became a credential; it is never kept.
  const { apiKeyEncrypted: _old, ...kept } = current ?? {};
  const ai = { ...kept, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  const host = aiHost(ai.baseUrl);
  if (apiKey) {
    await saveCredential(tx, appSecret, {
      workspaceId: who.workspaceId,
      name: AI_CREDENTIAL,
      value: apiKey,
      hosts: [host],
      userId: who.userId,
    });
    return { ai, keyCleared: false };
  }
  const stored = await findCredential(tx, who.workspaceId, AI_CREDENTIAL);
  const moved = rest.baseUrl !== undefined && originOf(rest.baseUrl) !== originOf(current?.baseUrl);
  if (stored && (moved || !hostAllowed(stored.allowedHosts, host))) {
    await deleteCredential(tx, who.workspaceId, AI_CREDENTIAL);
    return { ai, keyCleared: true };
  }
  return { ai, keyCleared: false };
}

function originOf(baseUrl: string | undefined): string {
  if (!baseUrl) return `https://${DEFAULT_AI_HOST}`;
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}
