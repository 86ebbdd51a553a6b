/**
 * Sends one recorded CRM push (see crm/record-push.ts) through the egress guard and writes the
 * outcome on the push and on the contact's timeline. A 429, a 5xx or an unreachable host comes
 * back later (Retry-After honoured, else backoff) by a job of its own; anything else, or the last
 * attempt, marks the push failed with the provider's message, for the owner to fix and retry.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { contactEvents, contacts, crmPushes, workspaces, type Database } from '@switchboard/db';
import { redactValues } from '@switchboard/flow';
import { createSafeHttp } from '@switchboard/flow/runtime';
import type { AppDeps } from '../context';
import { noteKeyOf, pushToHubspot } from '../crm/hubspot';
import { PushError } from '../crm/provider-call';
import { enqueueCrmPush } from '../crm/record-push';
import { resolveMarks } from '../crm/secret-marks';
import { loadTranscript, transcriptText } from '../crm/transcript';
import { pushToWebhook, WEBHOOK_SIGNING_CREDENTIAL } from '../crm/webhook';
import { egressFor } from '../egress';
import { findCredential, unsealFor } from '../services/credentials';
import { unsealJson } from '../services/crypto';
import { retryDelay } from '../pipeline/deliver';

export const CrmPushPayload = z.object({ pushId: z.string().uuid() });
/** Attempts before a push is marked failed, the first one included. */
export const MAX_PUSH_ATTEMPTS = 6;
export const DEFAULT_HUBSPOT_API = 'https://api.hubapi.com';

type Push = typeof crmPushes.$inferSelect;

const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '');

/** The push's timeline entry shows where the push stands now. */
async function settle(
  db: Database,
  push: Push,
  set: { status: 'queued' | 'done' | 'failed'; recordId?: string | null; error: string | null },
) {
  await db
    .update(crmPushes)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(crmPushes.id, push.id));
  const data = {
    pushId: push.id,
    target: push.target,
    status: set.status,
    ...(set.recordId ? { recordId: set.recordId } : {}),
    ...(set.error ? { error: set.error } : {}),
  };
  await db
    .update(contactEvents)
    .set({ data: sql`${contactEvents.data} || ${JSON.stringify(data)}::jsonb` })
    .where(
      and(
        eq(contactEvents.contactId, push.contactId),
        eq(contactEvents.kind, 'crm_push'),
        sql`${contactEvents.data}->>'pushId' = ${push.id}`,
      ),
    );
}

async function send(deps: Pick<AppDeps, 'db' | 'config'>, push: Push, used: string[]): Promise<string | null> {
  const { db, config } = deps;
  const [contact] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, push.contactId), eq(contacts.workspaceId, push.workspaceId)));
  if (!contact || contact.erasedAt) throw new PushError('The contact was erased.', false);
  const transcript = push.conversationId ? await loadTranscript(db, push.workspaceId, push.conversationId) : [];
  const request = push.request as { note?: string; title?: string; url?: string; headers?: Record<string, string>; mark?: string };
  const egress = egressFor(config);
  if (push.target === 'hubspot') {
    const base = (config.hubspotApiUrl ?? DEFAULT_HUBSPOT_API).replace(/\/+$/, '');
    const credential = await findCredential(db, push.workspaceId, 'hubspot');
    if (!credential)
      throw new PushError(
        'Add the credential "hubspot" (a HubSpot private app token, for api.hubapi.com) in Settings → Credentials.',
        false,
      );
    const token = unsealFor(credential, config.appSecret, hostOf(base));
    if (token === null) throw new PushError(`The credential "hubspot" may only be sent to ${credential.allowedHosts.join(', ')}.`, false);
    used.push(token);
    const note = [request.title, request.note, transcriptText(transcript)].filter((p) => p && p.trim()).join('\n\n');
    const http = createSafeHttp({ egress });
    const noteOptions = { text: note, key: noteKeyOf(push.id), lookFirst: push.attempts > 1 };
    return pushToHubspot(http, base, token, { name: contact.name, email: contact.email, phone: contact.phone }, noteOptions, new Date());
  }
  const url = request.url ?? '';
  const signing = await findCredential(db, push.workspaceId, WEBHOOK_SIGNING_CREDENTIAL);
  if (!signing)
    throw new PushError(
      `Add the credential "${WEBHOOK_SIGNING_CREDENTIAL}" (the secret your webhook checks the signature with) in Settings → Credentials.`,
      false,
    );
  const headers = await resolveMarks(db, config.appSecret, push.workspaceId, request.headers ?? {}, request.mark ?? '', hostOf(url), used);
  const secret = unsealJson<string>(config.appSecret, signing.sealedValue);
  used.push(secret);
  const [ws] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, push.workspaceId));
  const http = createSafeHttp({ egress, onlyHosts: ws?.settings.httpAllowHosts ?? [] });
  await pushToWebhook(http, {
    url,
    headers,
    pushId: push.id,
    secret,
    payload: {
      contact: { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone },
      transcript,
      conversation: push.conversationId ? { id: push.conversationId, ...(request.title ? { title: request.title } : {}) } : null,
      ...(request.note ? { note: request.note } : {}),
    },
  });
  return null;
}

export type PushOutcome =
  | { kind: 'done'; recordId: string | null }
  | { kind: 'retry'; delayMs: number; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'skipped' };

export async function runCrmPush(deps: Pick<AppDeps, 'db' | 'config' | 'logger'>, pushId: string): Promise<PushOutcome> {
  const { db } = deps;
  // Counted before the call, and only while queued: a push done or failed is left alone.
  const [push] = await db
    .update(crmPushes)
    .set({ attempts: sql`${crmPushes.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(crmPushes.id, pushId), eq(crmPushes.status, 'queued')))
    .returning();
  if (!push) return { kind: 'skipped' };
  // What the answer might echo back is masked before it is kept on the push and the timeline.
  const used: string[] = [];
  try {
    const recordId = await send(deps, push, used);
    await settle(db, push, { status: 'done', recordId, error: null });
    return { kind: 'done', recordId };
  } catch (err) {
    if (!(err instanceof PushError)) throw err;
    err.message = redactValues(err.message, used);
    if (err.retryable && push.attempts < MAX_PUSH_ATTEMPTS) {
      const delayMs = retryDelay(push.attempts, err.retryAfterMs);
      await db.update(crmPushes).set({ error: err.message }).where(eq(crmPushes.id, push.id));
      await enqueueCrmPush(db, push.id, new Date(Date.now() + delayMs));
      return { kind: 'retry', delayMs, error: err.message };
    }
    deps.logger.warn({ pushId, attempt: push.attempts, target: push.target }, 'crm push failed');
    await settle(db, push, { status: 'failed', error: err.message });
    return { kind: 'failed', error: err.message };
  }
}

export async function crmPushTask(deps: Pick<AppDeps, 'db' | 'config' | 'logger'>, payload: unknown): Promise<PushOutcome> {
  return runCrmPush(deps, CrmPushPayload.parse(payload).pushId);
}
