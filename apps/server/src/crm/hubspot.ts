/**
 * HubSpot's CRM v3: the contact upserted by its verified email (batch/upsert, idProperty email) or
 * found by its verified phone (search) and created or updated, then a note associated with it.
 */
import { callJson, PushError, type Http } from './provider-call';

/** HubSpot's own association type for a note attached to a contact. */
const NOTE_TO_CONTACT = 202;

export interface HubspotContact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

function properties(c: HubspotContact): Record<string, string> {
  const [first, ...rest] = (c.name ?? '').trim().split(/\s+/).filter(Boolean);
  return {
    ...(c.email ? { email: c.email } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(first ? { firstname: first } : {}),
    ...(rest.length ? { lastname: rest.join(' ') } : {}),
  };
}

const idOf = (body: unknown): string | undefined => {
  const id = (body as { id?: unknown })?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

/** A word in the note that names its push, so a push sent again can find the note it made. */
export const noteKeyOf = (pushId: string) => `sbpush${pushId.replace(/-/g, '')}`;

export interface NoteOptions {
  text: string;
  /** The push's key, written into the note. */
  key: string;
  /** A push tried before may have made its note already (a crash before its outcome was saved). */
  lookFirst: boolean;
}

/** Upserts the contact and attaches the note; returns HubSpot's contact id. */
export async function pushToHubspot(
  http: Http,
  base: string,
  token: string,
  contact: HubspotContact,
  note: NoteOptions,
  now: Date,
): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown, method = 'POST') =>
    callJson(http, { method, url: `${base}${path}`, headers, body: JSON.stringify(body) });
  let id: string | undefined;
  if (contact.email) {
    const upserted = (await post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ idProperty: 'email', id: contact.email, properties: properties(contact) }],
    })) as { results?: unknown[] };
    id = idOf(upserted.results?.[0]);
  } else if (contact.phone) {
    const found = (await post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'EQ', value: contact.phone }] }],
      properties: ['phone', 'email'],
      limit: 1,
    })) as { results?: unknown[] };
    const existing = idOf(found.results?.[0]);
    id = existing
      ? (idOf(await post(`/crm/v3/objects/contacts/${encodeURIComponent(existing)}`, { properties: properties(contact) }, 'PATCH')) ??
        existing)
      : idOf(await post('/crm/v3/objects/contacts', { properties: properties(contact) }));
  } else {
    throw new PushError('The contact has no verified email address or phone number to find it by in HubSpot.', false);
  }
  if (!id) throw new PushError('HubSpot did not say which contact it saved.', true);
  if (note.lookFirst) {
    const made = (await post('/crm/v3/objects/notes/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: note.key }] }],
      limit: 1,
    })) as { total?: number; results?: unknown[] };
    if (made.results?.length) return id;
  }
  if (note.text) {
    await post('/crm/v3/objects/notes', {
      properties: { hs_timestamp: now.toISOString(), hs_note_body: `${note.text}\n\n(${note.key})` },
      associations: [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }] }],
    });
  }
  return id;
}
