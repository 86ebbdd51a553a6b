import { createHmac } from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { contactIdentities, contacts, type Database, type Executor } from '@switchboard/db';
import { DomainError } from '../domain-errors';
import { randomToken, safeEqual, sha256 } from '../services/crypto';
import type { LoadedChannel } from './channel-store';
import { upsertContactIdentity } from './contacts';

export interface WidgetSessionRequest {
  visitorToken?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  userId?: string | undefined;
  userHash?: string | undefined;
}

/** A verified user's identity on a webchat channel: one per user, shared by all their devices. */
const USER_PREFIX = 'user:';

/** The `userHash` the owner's server computes: hex HMAC-SHA256 of the user id with the channel's identity secret. */
export const userHashOf = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');

/**
 * Checks `userId` + `userHash`. Undefined for an anonymous visitor; a 400 when only one of the two
 * is given, a 401 when the hash does not match (or the chat has no identity secret).
 */
export function verifiedUserId(channel: LoadedChannel, req: WidgetSessionRequest): string | undefined {
  if (req.userId === undefined && req.userHash === undefined) return undefined;
  const missing = req.userId === undefined ? 'userId' : req.userHash === undefined ? 'userHash' : undefined;
  if (missing)
    throw new DomainError('validation_failed', `${missing}: send userId and userHash together`, [
      { field: missing, message: 'required with the other' },
    ]);
  const secret = channel.config.identitySecret;
  if (typeof secret !== 'string')
    throw new DomainError(
      'unauthorized',
      'This chat has no identity secret yet: generate one in the channel settings, then sign user ids with it',
    );
  if (!safeEqual(req.userHash!.toLowerCase(), userHashOf(secret, req.userId!))) {
    throw new DomainError(
      'unauthorized',
      "userHash does not match userId: compute it on your server as the hex HMAC-SHA256 of the userId with this chat's identity secret",
      [{ field: 'userHash', message: 'does not match' }],
    );
  }
  return req.userId;
}

/**
 * Starts or resumes a visitor. Only a verified user id joins an existing contact; a visitor's
 * typed email and phone are kept as `attributes.typed_email` / `typed_phone`, which nothing matches on.
 * A token of an anonymous visitor who then verifies is moved to the verified contact (never the
 * reverse); a token of another verified user is replaced by a new one.
 */
export async function openWidgetSession(
  db: Database,
  channel: LoadedChannel,
  req: WidgetSessionRequest,
): Promise<{ visitorToken: string; verified: boolean }> {
  const userId = verifiedUserId(channel, req);
  return db.transaction(async (tx) => {
    const held = req.visitorToken ? await tokenIdentity(tx, channel.id, req.visitorToken) : undefined;
    let visitorToken = held ? req.visitorToken : undefined;
    let contactId = held?.contactId;
    if (userId !== undefined) {
      const user = await upsertContactIdentity(tx, channel.workspaceId, channel.id, { externalId: USER_PREFIX + userId, name: req.name });
      if (held && held.contactId !== user.contactId) {
        if (await isVerified(tx, channel.id, held.contactId)) visitorToken = undefined;
        else await tx.update(contactIdentities).set({ contactId: user.contactId }).where(eq(contactIdentities.id, held.id));
      }
      contactId = user.contactId;
      if (!visitorToken) {
        visitorToken = randomToken(24);
        await tx
          .insert(contactIdentities)
          .values({ workspaceId: channel.workspaceId, contactId, channelId: channel.id, externalId: sha256(visitorToken) });
      }
    } else if (!visitorToken) {
      visitorToken = randomToken(24);
      contactId = (await upsertContactIdentity(tx, channel.workspaceId, channel.id, { externalId: sha256(visitorToken), name: req.name }))
        .contactId;
    }
    await noteTypedDetails(tx, contactId!, req);
    return { visitorToken: visitorToken!, verified: userId !== undefined };
  });
}

async function tokenIdentity(tx: Executor, channelId: string, token: string) {
  const [row] = await tx
    .select({ id: contactIdentities.id, contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, sha256(token))))
    .for('update');
  return row;
}

async function isVerified(tx: Executor, channelId: string, contactId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: contactIdentities.id })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.channelId, channelId),
        eq(contactIdentities.contactId, contactId),
        like(contactIdentities.externalId, `${USER_PREFIX}%`),
      ),
    )
    .limit(1);
  return !!row;
}

/** Name as given; email and phone only as typed, unverified attributes. */
async function noteTypedDetails(tx: Executor, contactId: string, req: WidgetSessionRequest) {
  const typed: Record<string, string> = {};
  if (req.email) typed.typed_email = req.email;
  if (req.phone) typed.typed_phone = req.phone;
  if (!req.name && !Object.keys(typed).length) return;
  await tx
    .update(contacts)
    .set({
      ...(req.name && { name: req.name }),
      ...(Object.keys(typed).length && { attributes: sql`${contacts.attributes} || ${JSON.stringify(typed)}::jsonb` }),
      updatedAt: new Date(),
    })
    .where(eq(contacts.id, contactId));
}
