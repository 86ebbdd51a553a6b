/**
 * The CRM pushes. The step sends nothing itself: it asks for a push (an effect the server records,
 * with a job, in the step's transaction), and the job calls HubSpot or the owner's webhook through
 * the egress guard, retries, and writes the outcome on the contact's timeline. A header's
 * credential is not rendered here: each bare `{{ secrets.name }}` becomes a mark with this push's
 * nonce, which the job replaces with the credential's value if the address is one of its hosts.
 */
import { isSensitiveHeader, markSecretOutputs, secretUseProblem } from '../../secrets';
import type { HandlerContext, StepResult } from '../../types';
import { misconfigured, next, renderAll } from '../result';
import { isHttpUrl } from '../send-message/window';

function nonce(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The mark a header's credential reference becomes until the job sends it. */
export const secretMark = (mark: string, name: string) => `[[${mark}:${name}]]`;

/** Asks for the contact, the note and the conversation's transcript to be POSTed to the webhook. */
export async function pushWebhook(
  ctx: HandlerContext,
  config: { url: string; note?: string | undefined; headers?: Record<string, string> | undefined },
): Promise<StepResult> {
  const mark = nonce();
  const templates: Record<string, string | undefined> = { url: config.url, note: config.note };
  for (const [k, v] of Object.entries(config.headers ?? {})) {
    const problem = secretUseProblem(v);
    if (problem) return misconfigured(`headers.${k}`, problem);
    templates[`headers.${k}`] = markSecretOutputs(v, (name) => secretMark(mark, name));
  }
  if (/secrets/.test(config.url)) return misconfigured('url', 'Put credentials in a header, not in the address.');
  // Rendered without credentials: no filter or lookup can reach one.
  const r = await renderAll(ctx, templates, { secrets: {} });
  if ('failed' in r) return r.failed;
  const values: Record<string, string | undefined> = r.values;
  const url = (values.url ?? '').trim();
  if (!isHttpUrl(url)) return misconfigured('url', 'The address must start with https:// or http://.');
  const headers = Object.fromEntries(Object.keys(config.headers ?? {}).map((k) => [k, values[`headers.${k}`] ?? '']));
  // The request is kept (run history, the push's record) until sent: a credential-like header may
  // only read credentials, so no typed-in secret is kept with it.
  const typedIn = Object.entries(headers).find(
    ([k, v]) =>
      isSensitiveHeader(k) &&
      v
        .split(/\[\[[0-9a-f]+:[a-z0-9_]+\]\]/)
        .join('')
        .replace(/^(bearer|basic|token|bot)\s+/i, '')
        .trim() !== '',
  );
  if (typedIn)
    return misconfigured(
      `headers.${typedIn[0]}`,
      `Save this value as a credential in Settings → Credentials and use {{ secrets.name }} here.`,
    );
  const note = values.note;
  return next([{ type: 'crm', operation: 'push_webhook', payload: { url, headers, mark, ...(note ? { note } : {}) } }]);
}

/** Asks for the contact (by its verified email or phone) and a note with the transcript in HubSpot. */
export async function pushHubspot(ctx: HandlerContext, config: { note?: string | undefined }): Promise<StepResult> {
  const text = await renderAll(ctx, { note: config.note });
  if ('failed' in text) return text.failed;
  const contact = ctx.data.contact;
  if (!contact.email && !contact.phone)
    return next([], { log: 'Not pushed to HubSpot: the contact has no verified email address or phone number.' });
  const note = text.values.note;
  return next([{ type: 'crm', operation: 'push_hubspot', payload: { ...(note ? { note } : {}) } }]);
}
