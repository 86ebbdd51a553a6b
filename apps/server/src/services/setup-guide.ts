/**
 * The owner's setup guide ("Get started"). Whether a step is done is derived from real state
 * (a website chat exists, a flow is published, a conversation arrived); only what cannot be
 * derived is kept here, in workspace settings: when the owner closed the guide, and when they
 * first looked at a conversation in the inbox. Each is a time the server sets, never a value
 * the client sends.
 */
import { z } from '@hono/zod-openapi';

export const SetupPatch = z
  .object({
    /** true closes the guide; false brings it back. */
    dismissed: z.boolean().optional(),
    /** true once the owner has opened the inbox with a conversation in it. */
    inboxSeen: z.boolean().optional(),
  })
  .strict();
export type SetupPatch = z.infer<typeof SetupPatch>;

export interface SetupRecord {
  dismissedAt?: string;
  inboxSeenAt?: string;
}

/** The stored record, ignoring anything that is not a timestamp string (older or hand-edited rows). */
function readSetup(stored: unknown): SetupRecord {
  const record: SetupRecord = {};
  if (stored && typeof stored === 'object') {
    const { dismissedAt, inboxSeenAt } = stored as Record<string, unknown>;
    if (typeof dismissedAt === 'string') record.dismissedAt = dismissedAt;
    if (typeof inboxSeenAt === 'string') record.inboxSeenAt = inboxSeenAt;
  }
  return record;
}

/** Applies a settings.setup change; a time already recorded is kept (the first time counts). */
export function applySetupPatch(stored: unknown, patch: SetupPatch, now = new Date()): SetupRecord {
  const next = readSetup(stored);
  const mark = (key: keyof SetupRecord, on: boolean | undefined) => {
    if (on === true) next[key] ??= now.toISOString();
    else if (on === false) delete next[key];
  };
  mark('dismissedAt', patch.dismissed);
  mark('inboxSeenAt', patch.inboxSeen);
  return next;
}
