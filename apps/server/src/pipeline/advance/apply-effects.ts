import { and, eq, sql } from 'drizzle-orm';
import { contactEvents, contacts, conversations, messages, type Executor } from '@switchboard/db';
import { unverifiedField, type Effect } from '@switchboard/flow';
import { assignConversation, NotInWorkspaceError, OPEN_STATUSES } from '../../inbox/assignment';
import { pushTranscriptOnResolve } from '../../crm/on-resolve';
import { recordCrmPush } from '../../crm/record-push';
import { queueOutboundMessage, type OutboundInput } from '../../inbox/outbound';
import { QR_ATTACHMENT } from '../../media/qr-code';
import { MissingFlowFile, resolveFlowFiles } from '../../media/flow-files';
import { enqueueTagAdded } from '../../flows/tag-events';

export interface EffectTarget {
  workspaceId: string;
  runId: string;
  contactId: string | null;
  conversationId: string | null;
  channelId: string | null;
}

export interface AppliedEffects {
  /** Variables set by `vars.x` fields, merged into the run by the caller. */
  vars: Record<string, unknown>;
  /** Conversations whose inbox view changed: published after commit. */
  conversationsChanged: string[];
  messagesCreated: string[];
  /** Agents a resolved or snoozed conversation freed: the queue drains to them after commit (inbox/queue-drain.ts). */
  freedAgents?: string[];
}

/** The message a send_message effect asks for. */
export function replyOf(
  effect: Extract<Effect, { type: 'send_message' }>,
): Pick<OutboundInput, 'text' | 'mediaUrl' | 'attachments' | 'quickReplies' | 'meta'> {
  // More files by link, and a QR code drawn into the media store before delivery (media/qr-code.ts).
  const attachments = [...(effect.attachments ?? []).map((url) => ({ url })), ...(effect.qrCode ? [QR_ATTACHMENT] : [])];
  const meta = {
    ...(effect.whatsappTemplate && { whatsappTemplate: effect.whatsappTemplate }),
    ...(effect.qrCode && { qrCode: effect.qrCode }),
    ...(effect.location && { location: effect.location }),
  };
  return {
    text: effect.text,
    ...(effect.mediaUrl ? { mediaUrl: effect.mediaUrl } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(effect.quickReplies?.length ? { quickReplies: effect.quickReplies } : {}),
    ...(Object.keys(meta).length ? { meta } : {}),
  };
}

/** A user-facing problem with an effect (e.g. replying with no conversation): the step fails with it. */
export class EffectError extends Error {
  override name = 'EffectError';
}

/** An agent or team that is not the workspace's fails the step with that reason (no retry helps). */
async function asStepError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw err instanceof NotInWorkspaceError ? new EffectError(err.message) : err;
  }
}

/**
 * Applies a step's effects inside the step's transaction, so a step and what it did
 * commit together or not at all: a re-run after a crash finds the step and skips it.
 */
export async function applyEffects(tx: Executor, target: EffectTarget, effects: Effect[]): Promise<AppliedEffects> {
  const applied: AppliedEffects = { vars: {}, conversationsChanged: [], messagesCreated: [] };
  for (const effect of effects) {
    switch (effect.type) {
      case 'send_message': {
        const { conversationId, channelId } = requireConversation(target, 'send a message');
        const reply = replyOf(effect);
        // Files uploaded for the flow (`media:<id>`) are sent as the stored files themselves.
        if (reply.attachments)
          reply.attachments = await resolveFlowFiles(tx, target.workspaceId, reply.attachments).catch((err: unknown) => {
            throw err instanceof MissingFlowFile ? new EffectError(err.message) : err;
          });
        const sent = await queueOutboundMessage(tx, {
          workspaceId: target.workspaceId,
          conversationId,
          channelId,
          author: 'bot',
          ...reply,
          runId: target.runId,
        });
        applied.messagesCreated.push(sent.id);
        break;
      }
      case 'note': {
        if (target.conversationId && target.channelId) {
          const note = await queueOutboundMessage(tx, {
            workspaceId: target.workspaceId,
            conversationId: target.conversationId,
            channelId: target.channelId,
            author: 'bot',
            text: effect.text,
            private: true,
            runId: target.runId,
          });
          applied.messagesCreated.push(note.id);
        }
        if (target.contactId) await logEvent(tx, target, 'note', { text: effect.text });
        break;
      }
      case 'assign': {
        const { conversationId } = requireConversation(target, 'assign the conversation');
        await asStepError(
          assignConversation(tx, {
            workspaceId: target.workspaceId,
            conversationId,
            to: effect.to,
            ...(effect.userId ? { userId: effect.userId } : {}),
            ...(effect.teamId ? { teamId: effect.teamId } : {}),
            ...(effect.strategy ? { strategy: effect.strategy } : {}),
          }),
        );
        applied.conversationsChanged.push(conversationId);
        break;
      }
      case 'handoff': {
        const { conversationId } = requireConversation(target, 'hand off to a person');
        const handedOff = await tx
          .update(conversations)
          .set({
            handledBy: 'human',
            status: 'open',
            waitingSince: sql`coalesce(${conversations.waitingSince}, now())`,
            waitingForPersonSince: sql`coalesce(${conversations.waitingForPersonSince}, now())`,
            updatedAt: new Date(),
          })
          .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, target.workspaceId)))
          .returning({ assigneeId: conversations.assigneeId, teamId: conversations.teamId });
        // To the step's team, or the conversation's (an earlier assign step chose it), or with no
        // team to whoever is available; a person already on it keeps it. Nobody free leaves it
        // queued until someone is (inbox/queue-drain.ts).
        if (effect.teamId) {
          await asStepError(
            assignConversation(tx, {
              workspaceId: target.workspaceId,
              conversationId,
              to: 'team',
              teamId: effect.teamId,
              strategy: 'round_robin',
            }),
          );
        } else if (handedOff[0] && !handedOff[0].assigneeId) {
          const to = handedOff[0].teamId ? ('team' as const) : ('anyone' as const);
          await asStepError(assignConversation(tx, { workspaceId: target.workspaceId, conversationId, to, strategy: 'round_robin' }));
        }
        applied.conversationsChanged.push(conversationId);
        break;
      }
      case 'add_tags':
      case 'remove_tags':
        await changeTags(tx, target, effect.type === 'add_tags' ? effect.tags : [], effect.type === 'remove_tags' ? effect.tags : []);
        break;
      case 'set_field':
        await setField(tx, target, effect.field, effect.value, applied);
        break;
      case 'set_status': {
        const { conversationId } = requireConversation(target, 'change the conversation status');
        const resolvedAt = effect.status === 'resolved' ? new Date() : null;
        if (resolvedAt) await pushTranscriptOnResolve(tx, { workspaceId: target.workspaceId, conversationId, resolvedAt, actor: 'bot' });
        const [changed] = await tx
          .update(conversations)
          .set({
            ...(effect.status ? { status: effect.status, resolvedAt } : {}),
            ...(effect.priority ? { priority: effect.priority } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, target.workspaceId)))
          .returning({ assigneeId: conversations.assigneeId });
        applied.conversationsChanged.push(conversationId);
        if (changed?.assigneeId && effect.status && !(OPEN_STATUSES as readonly string[]).includes(effect.status))
          (applied.freedAgents ??= []).push(changed.assigneeId);
        break;
      }
      case 'crm':
        await applyCrm(tx, target, effect.operation, effect.payload);
        break;
      default: {
        const unknown: never = effect;
        throw new Error(`Unknown effect ${JSON.stringify(unknown)}`);
      }
    }
  }
  return applied;
}

function requireConversation(target: EffectTarget, action: string) {
  if (!target.conversationId || !target.channelId) {
    throw new EffectError(`This run has no conversation, so it cannot ${action}. Start it from a message, or give the webhook a contact.`);
  }
  return { conversationId: target.conversationId, channelId: target.channelId };
}

async function logEvent(tx: Executor, target: EffectTarget, kind: string, data: Record<string, unknown>) {
  if (!target.contactId) return;
  await tx.insert(contactEvents).values({ workspaceId: target.workspaceId, contactId: target.contactId, kind, data, actor: 'bot' });
}

async function changeTags(tx: Executor, target: EffectTarget, add: string[], remove: string[]) {
  if (!target.contactId) throw new EffectError('This run has no contact to tag.');
  const [row] = await tx
    .select({ tags: contacts.tags })
    .from(contacts)
    .where(and(eq(contacts.id, target.contactId), eq(contacts.workspaceId, target.workspaceId)))
    .for('update');
  if (!row) return;
  const added = add.filter((t) => !row.tags.includes(t));
  const removed = remove.filter((t) => row.tags.includes(t));
  if (!added.length && !removed.length) return;
  const tags = [...row.tags.filter((t) => !removed.includes(t)), ...added];
  await tx.update(contacts).set({ tags, updatedAt: new Date() }).where(eq(contacts.id, target.contactId));
  if (added.length) {
    await logEvent(tx, target, 'tag_added', { tags: added });
    await enqueueTagAdded(tx, {
      workspaceId: target.workspaceId,
      contactId: target.contactId,
      conversationId: target.conversationId,
      tags: added,
      sourceRunId: target.runId,
    });
  }
  if (removed.length) await logEvent(tx, target, 'tag_removed', { tags: removed });
}

const CONTACT_COLUMNS = { 'contact.name': 'name' } as const;

async function setField(tx: Executor, target: EffectTarget, requested: string, value: unknown, applied: AppliedEffects) {
  const field = unverifiedField(requested);
  if (field.startsWith('vars.')) {
    applied.vars[field.slice('vars.'.length)] = value;
    return;
  }
  if (!target.contactId) throw new EffectError(`This run has no contact, so "${field}" cannot be saved.`);
  const [row] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, target.contactId), eq(contacts.workspaceId, target.workspaceId)))
    .for('update');
  if (!row) return;
  const column = CONTACT_COLUMNS[field as keyof typeof CONTACT_COLUMNS];
  let old: unknown;
  if (column) {
    old = row[column];
    const text = value === null || value === undefined ? null : String(value);
    await tx
      .update(contacts)
      .set({ [column]: text, updatedAt: new Date() })
      .where(eq(contacts.id, row.id));
  } else if (field.startsWith('contact.attributes.')) {
    const key = field.slice('contact.attributes.'.length);
    old = row.attributes[key];
    await tx
      .update(contacts)
      .set({ attributes: { ...row.attributes, [key]: value }, updatedAt: new Date() })
      .where(eq(contacts.id, row.id));
  } else {
    throw new EffectError(
      `"${field}" is not a field that can be saved; use contact.name, contact.email, contact.phone, contact.attributes.<name> or vars.<name>.`,
    );
  }
  if (old !== value) await logEvent(tx, target, 'field_changed', { field, old: old ?? null, new: value ?? null });
}

async function applyCrm(tx: Executor, target: EffectTarget, operation: string, payload: Record<string, unknown>) {
  if (operation === 'log_transcript') {
    if (!target.conversationId) throw new EffectError('There is no conversation to log.');
    const rows = await tx
      .select({ author: messages.author, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.conversationId, target.conversationId), eq(messages.private, false)))
      .orderBy(messages.createdAt);
    await logEvent(tx, target, 'transcript', {
      conversationId: target.conversationId,
      title: typeof payload.title === 'string' && payload.title ? payload.title : 'Conversation transcript',
      messages: rows.map((r) => ({ author: r.author, text: r.text, at: r.createdAt.toISOString() })),
    });
    return;
  }
  if (operation === 'upsert_contact') {
    const fields = (payload.fields ?? payload) as Record<string, unknown>;
    const ignored: AppliedEffects = { vars: {}, conversationsChanged: [], messagesCreated: [] };
    for (const [key, value] of Object.entries(fields)) {
      const field = key.startsWith('contact.')
        ? key
        : ['name', 'email', 'phone'].includes(key)
          ? `contact.${key}`
          : `contact.attributes.${key}`;
      await setField(tx, target, field, value, ignored);
    }
    return;
  }
  if (operation === 'push_hubspot' || operation === 'push_webhook') {
    // Recorded with its job in the step's transaction; the job sends it and writes the outcome.
    if (!target.contactId) throw new EffectError('This run has no contact to push to the CRM.');
    await recordCrmPush(tx, {
      workspaceId: target.workspaceId,
      contactId: target.contactId,
      conversationId: target.conversationId,
      target: operation === 'push_hubspot' ? 'hubspot' : 'webhook',
      request: payload,
    });
    return;
  }
  throw new EffectError(`Unknown CRM operation "${operation}".`);
}
