/**
 * The setup guide's kept record and who sees it. Done-ness of each step is derived from real
 * state (progress.ts); the server keeps only when the guide was closed and when the owner first
 * looked at a conversation in the inbox (workspace settings.setup).
 */
import { api } from '../api/client';
import type { Me } from '../api/types';

export interface SetupRecord {
  dismissedAt?: string;
  inboxSeenAt?: string;
}

/** The flow a new owner starts with: it answers every first message with a menu of buttons. */
export const RECOMMENDED_TEMPLATE = 'welcome-menu';

export function setupRecord(me: Me): SetupRecord {
  const stored = (me.workspace.settings as { setup?: SetupRecord }).setup;
  return stored ?? {};
}

/** Admins set the workspace up; agents answer conversations and never see the guide. */
export function canSetUp(me: Me): boolean {
  return me.role === 'owner' || me.role === 'admin';
}

export function guideOpen(me: Me): boolean {
  return canSetUp(me) && !setupRecord(me).dismissedAt;
}

/** Where "/" leads a signed-in person: the guide until it is closed, then the inbox. */
export function homePath(me: Me): string {
  return guideOpen(me) ? '/start' : '/inbox';
}

export function saveSetup(patch: { dismissed?: boolean; inboxSeen?: boolean }): Promise<unknown> {
  return api.patch('/api/workspace', { settings: { setup: patch } });
}
