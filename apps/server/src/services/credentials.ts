/**
 * Workspace credentials: named secrets sealed with the app secret, each bound to the hosts it may
 * be sent to. Nothing here returns a value to a caller outside the server: listings carry names
 * and hosts only, and a value is unsealed only on its way into an outbound request.
 */
import { and, asc, eq } from 'drizzle-orm';
import { workspaceCredentials, type Executor } from '@switchboard/db';
import { hostAllowed } from '@switchboard/flow';
import { sealJson, unsealJson } from './crypto';

export type CredentialRow = typeof workspaceCredentials.$inferSelect;
export type CredentialSummary = { name: string; hosts: string[]; createdAt: string; updatedAt: string };

/** The AI provider's key is the credential of this name. */
export const AI_CREDENTIAL = 'ai';
/** Where the AI key goes when no base URL is set. */
export const DEFAULT_AI_HOST = 'api.openai.com';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A plain-words problem with a host pattern, or null: exact names (`shop.example.com`, an IPv4
 * literal) or one leading wildcard label (`*.example.com`); no ports, schemes or paths.
 */
export function hostProblem(pattern: string): string | null {
  const body = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  const labels = body.split('.');
  if (pattern.length > 253 || labels.some((l) => !LABEL.test(l)))
    return `"${pattern}" is not a host name: use e.g. shop.example.com or *.example.com`;
  if (pattern.startsWith('*.') && labels.length < 2) return `"${pattern}" is too wide: name at least a domain, e.g. *.example.com`;
  return null;
}

/** Host patterns as stored: trimmed, lower case, no trailing dot, without repeats. */
export function normalizeHosts(hosts: string[]): string[] {
  return [...new Set(hosts.map((h) => h.trim().toLowerCase().replace(/\.$/, '')))];
}

/** The host an AI base URL sends to (OpenAI's when none is set). */
export function aiHost(baseUrl: string | undefined): string {
  if (!baseUrl) return DEFAULT_AI_HOST;
  try {
    return new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return DEFAULT_AI_HOST;
  }
}

export function presentCredential(row: CredentialRow): CredentialSummary {
  return { name: row.name, hosts: row.allowedHosts, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export async function listCredentials(db: Executor, workspaceId: string): Promise<CredentialRow[]> {
  return db
    .select()
    .from(workspaceCredentials)
    .where(eq(workspaceCredentials.workspaceId, workspaceId))
    .orderBy(asc(workspaceCredentials.name));
}

export async function findCredential(db: Executor, workspaceId: string, name: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(workspaceCredentials)
    .where(and(eq(workspaceCredentials.workspaceId, workspaceId), eq(workspaceCredentials.name, name)));
  return row;
}

/** Creates or replaces a credential's value and hosts. */
export async function saveCredential(
  db: Executor,
  appSecret: Buffer,
  input: { workspaceId: string; name: string; value: string; hosts: string[]; userId: string | null },
): Promise<CredentialRow> {
  const sealedValue = sealJson(appSecret, input.value);
  const [row] = await db
    .insert(workspaceCredentials)
    .values({ workspaceId: input.workspaceId, name: input.name, sealedValue, allowedHosts: input.hosts, createdBy: input.userId })
    .onConflictDoUpdate({
      target: [workspaceCredentials.workspaceId, workspaceCredentials.name],
      set: { sealedValue, allowedHosts: input.hosts, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

/** Creates a credential; null when the name is taken. */
export async function insertCredential(
  db: Executor,
  appSecret: Buffer,
  input: { workspaceId: string; name: string; value: string; hosts: string[]; userId: string | null },
): Promise<CredentialRow | null> {
  const [row] = await db
    .insert(workspaceCredentials)
    .values({
      workspaceId: input.workspaceId,
      name: input.name,
      sealedValue: sealJson(appSecret, input.value),
      allowedHosts: input.hosts,
      createdBy: input.userId,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** Changes what is given of a credential; null when there is no such credential. */
export async function updateCredential(
  db: Executor,
  appSecret: Buffer,
  workspaceId: string,
  name: string,
  change: { value?: string; hosts?: string[] },
): Promise<CredentialRow | null> {
  const [row] = await db
    .update(workspaceCredentials)
    .set({
      ...(change.value !== undefined ? { sealedValue: sealJson(appSecret, change.value) } : {}),
      ...(change.hosts ? { allowedHosts: change.hosts } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(workspaceCredentials.workspaceId, workspaceId), eq(workspaceCredentials.name, name)))
    .returning();
  return row ?? null;
}

export async function deleteCredential(db: Executor, workspaceId: string, name: string): Promise<boolean> {
  const rows = await db
    .delete(workspaceCredentials)
    .where(and(eq(workspaceCredentials.workspaceId, workspaceId), eq(workspaceCredentials.name, name)))
    .returning({ id: workspaceCredentials.id });
  return rows.length > 0;
}

/** The value of a credential, for an outbound request to `host`; null when there is none or the host is not one of its own. */
export function unsealFor(row: CredentialRow, appSecret: Buffer, host: string): string | null {
  return hostAllowed(row.allowedHosts, host) ? unsealJson<string>(appSecret, row.sealedValue) : null;
}
