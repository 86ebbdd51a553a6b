/**
 * The CRM pushes: the contact (and a note) sent to HubSpot with the workspace's credential
 * `hubspot`, or POSTed as JSON to the owner's webhook (whose headers may read credentials). A
 * credential bound for another host stops the run before any call; a 4xx answer is the owner's
 * to fix (token, address); a 5xx or a network fault throws so the job retries.
 */
import { BlockedAddressError } from '../../runtime/safe-http';
import { CredentialHostError, maskUrlParams } from '../../secrets';
import type { HandlerContext, HttpResponse, StepResult } from '../../types';
import { misconfigured, next, outboundScope, renderAll, renderOutbound } from '../result';
import { isHttpUrl } from '../send-message/window';

/** HubSpot's API host; the credential `hubspot` must list it. */
export const HUBSPOT_API = 'https://api.hubapi.com';
// HubSpot's own association type for a note attached to a contact.
const NOTE_TO_CONTACT = 202;

type Call = { method: string; url: string; headers: Record<string, string>; body: unknown };

async function send(ctx: HandlerContext, field: string, call: Call): Promise<HttpResponse | StepResult> {
  try {
    ctx.services.credentials?.release(call.url);
  } catch (err) {
    if (err instanceof CredentialHostError) return misconfigured(field, err.message);
    throw err;
  }
  let res: HttpResponse;
  try {
    res = await ctx.services.http({ method: call.method, url: call.url, headers: { 'content-type': 'application/json', ...call.headers }, body: JSON.stringify(call.body) });
  } catch (err) {
    // A refused address stays refused: the owner's setting to fix, not a fault to retry.
    if (err instanceof BlockedAddressError) return misconfigured(field, err.message);
    throw err;
  }
  if (res.status >= 500) throw new Error(`${new URL(call.url).host} answered ${res.status}; trying again later.`);
  if (res.status >= 400) return misconfigured(field, `${new URL(call.url).host} refused the push (${res.status}): check the address and the credential.`);
  return res;
}

const failed = (r: HttpResponse | StepResult): r is StepResult => 'effects' in r;

function contactOf(ctx: HandlerContext) {
  const { id, name, email, phone, attributes, tags } = ctx.data.contact;
  return { id, name, email, phone, attributes, tags };
}

/** POSTs `{contact, note, conversationId}` to the webhook. */
export async function pushWebhook(ctx: HandlerContext, config: { url: string; note?: string | undefined; headers?: Record<string, string> | undefined }): Promise<StepResult> {
  const headerTemplates = Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [`headers.${k}`, v]));
  const out = await renderOutbound(ctx, { url: config.url, ...headerTemplates });
  if ('failed' in out) return out.failed;
  // The note is also kept on the contact's timeline: it is rendered without credentials.
  const text = await renderAll(ctx, { note: config.note });
  if ('failed' in text) return text.failed;
  const url = out.values.url.trim();
  if (!isHttpUrl(url)) return misconfigured('url', 'The address must start with https:// or http://.');
  const rendered: Record<string, string | undefined> = out.values;
  const headers = Object.fromEntries(Object.keys(config.headers ?? {}).map((k) => [k, rendered[`headers.${k}`] ?? '']));
  const note = text.values.note;
  const res = await send(ctx, 'url', { method: 'POST', url, headers, body: { contact: contactOf(ctx), ...(note ? { note } : {}), conversationId: ctx.data.conversation?.id ?? null } });
  if (failed(res)) return res;
  return next([{ type: 'crm', operation: 'push_webhook', payload: { url: maskUrlParams(url), status: res.status, ...(note ? { note } : {}) } }]);
}

function upsertedId(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { results?: { id?: string }[] }).results?.[0]?.id;
  } catch {
    return undefined;
  }
}

/** Upserts the contact in HubSpot by email, then attaches the note to it. */
export async function pushHubspot(ctx: HandlerContext, config: { note?: string | undefined }): Promise<StepResult> {
  const text = await renderAll(ctx, { note: config.note });
  if ('failed' in text) return text.failed;
  const contact = ctx.data.contact;
  if (!contact.email) return next([], { log: 'Not pushed to HubSpot: the contact has no email address.' });
  const auth = await renderAll(ctx, { token: '{{ secrets.hubspot }}' }, await outboundScope(ctx));
  if ('failed' in auth) return auth.failed;
  if (!auth.values.token) return misconfigured(undefined, 'Add the credential "hubspot" (a HubSpot private app token, for api.hubapi.com) in Settings → Credentials.');
  const headers = { authorization: `Bearer ${auth.values.token}` };
  const [first, ...rest] = (contact.name ?? '').trim().split(/\s+/);
  const properties = { email: contact.email, ...(first ? { firstname: first } : {}), ...(rest.length ? { lastname: rest.join(' ') } : {}), ...(contact.phone ? { phone: contact.phone } : {}) };
  const upsert = await send(ctx, 'operation', {
    method: 'POST',
    url: `${HUBSPOT_API}/crm/v3/objects/contacts/batch/upsert`,
    headers,
    body: { inputs: [{ idProperty: 'email', id: contact.email, properties }] },
  });
  if (failed(upsert)) return upsert;
  const note = text.values.note;
  const hubspotId = upsertedId(upsert.body);
  if (note && hubspotId) {
    // Same fixed host as the upsert, whose call checked the credential's hosts.
    const attached = await send(ctx, 'note', {
      method: 'POST',
      url: `${HUBSPOT_API}/crm/v3/objects/notes`,
      headers,
      body: {
        properties: { hs_timestamp: ctx.services.now().toISOString(), hs_note_body: note },
        associations: [{ to: { id: hubspotId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }] }],
      },
    });
    if (failed(attached)) return attached;
  }
  return next([{ type: 'crm', operation: 'push_hubspot', payload: { ...(hubspotId ? { hubspotId } : {}), ...(note ? { note } : {}) } }]);
}
