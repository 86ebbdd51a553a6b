import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { contactIdentities, contacts, type Executor } from '@switchboard/db';
import { matchablePhone, normalizeEmail } from './contact-keys';

/**
 * What a channel knows of a person. `email` and `phone` must be verified: given by a provider that
 * checked them (the carrier's number, a signed API call), never typed by a visitor. A visitor's typed
 * details belong in `contact.attributes.typed_email` / `typed_phone`, which nothing matches on.
 */
export interface ContactHint {
  externalId: string;
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

/**
 * Finds or creates the contact behind `externalId` on a channel, locking its identity row so that
 * concurrent messages from one person are handled one after another. A new identity joins the one
 * existing contact with the same verified phone or email, so one customer keeps one record across
 * channels; when several contacts match, it joins none of them.
 */
export async function upsertContactIdentity(
  tx: Executor,
  workspaceId: string,
  channelId: string,
  raw: ContactHint,
): Promise<{ contactId: string; created: boolean }> {
  // A provider's odd format is kept as it came rather than dropped.
  const hint = {
    ...raw,
    email: raw.email && normalizeEmail(raw.email),
    phone: raw.phone && (matchablePhone(raw.phone) ?? raw.phone.trim()),
  };
  // One statement for a known person: fills what we did not know and locks the contact row, which
  // is what serialises two messages of theirs.
  const [existing] = await tx
    .update(contacts)
    .set({
      name: sql`coalesce(${contacts.name}, ${hint.name ?? null})`,
      email: sql`coalesce(${contacts.email}, ${hint.email ?? null})`,
      phone: sql`coalesce(${contacts.phone}, ${hint.phone ?? null})`,
      // Someone deleted from the CRM who writes again comes back.
      deletedAt: null,
      updatedAt: sql`now()`,
    })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.channelId, channelId),
        eq(contactIdentities.externalId, hint.externalId),
        eq(contacts.id, contactIdentities.contactId),
        isNull(contacts.erasedAt),
      ),
    )
    .returning({ id: contacts.id });
  if (existing) return { contactId: existing.id, created: false };

  const sameness: SQL[] = [];
  if (hint.phone) sameness.push(eq(contacts.phone, hint.phone));
  if (hint.email) sameness.push(eq(contacts.email, hint.email));
  let contactId: string | undefined;
  let created = false;
  if (sameness.length) {
    const matches = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), or(...sameness)))
      .limit(2);
    contactId = matches.length === 1 ? matches[0]!.id : undefined;
  }
  if (!contactId) {
    const [row] = await tx
      .insert(contacts)
      .values({ workspaceId, name: hint.name ?? null, email: hint.email ?? null, phone: hint.phone ?? null })
      .returning({ id: contacts.id });
    contactId = row!.id;
    created = true;
  }
  const inserted = await tx
    .insert(contactIdentities)
    .values({ workspaceId, contactId, channelId, externalId: hint.externalId })
    .onConflictDoNothing({ target: [contactIdentities.channelId, contactIdentities.externalId] })
    .returning({ id: contactIdentities.id });
  if (inserted.length) return { contactId, created };

  // A concurrent first message from the same person won the insert (we waited for its commit).
  if (created) await tx.delete(contacts).where(eq(contacts.id, contactId));
  const winner = await lockIdentity(tx, channelId, hint.externalId);
  if (!winner) throw new Error('contact identity vanished during insert');
  return { contactId: winner, created: false };
}

async function lockIdentity(tx: Executor, channelId: string, externalId: string): Promise<string | null> {
  const [row] = await tx
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, externalId)))
    .for('update')
    .limit(1);
  return row?.contactId ?? null;
}
