import { eq, inArray } from 'drizzle-orm';
import { conversations, messages, users } from '@switchboard/db';
import type { AppDeps } from '../context';
import type { BusEvent, EventBus } from '../events/bus';
import { loadConversations, presentMessage, type MessageView } from './present';

export type InboxEventType = 'message.created' | 'message.updated' | 'conversation.updated';

type PublishDeps = Pick<AppDeps, 'db' | 'events' | 'logger'>;

// NOTIFY payloads are capped near 8 KB; the live inbox needs the gist, the thread reloads in full.
const MAX_TEXT = 2_000;
/** Ids per flush: one query per kind reads them all, one statement notifies them all. */
const MAX_BATCH = 500;
/** How long a flush waits for more updates to join it. */
const GATHER_MS = 25;

function clip(message: MessageView): MessageView & { truncated?: true } {
  return message.text.length > MAX_TEXT ? { ...message, text: message.text.slice(0, MAX_TEXT), truncated: true } : message;
}

interface Pending {
  created: Set<string>;
  updated: Set<string>;
  /** conversation id -> workspace id */
  conversations: Map<string, string>;
  waiters: (() => void)[];
}

const emptyPending = (): Pending => ({ created: new Set(), updated: new Set(), conversations: new Map(), waiters: [] });

/**
 * Live inbox updates, coalesced. Every committed write used to read its rows back and notify on its
 * own: five queries a message, unbounded, and under load they starved the pool the flows need.
 * Now requests gather while one flush runs (at most one in flight per process), a conversation
 * touched ten times is read once, and one statement sends all the notifications of a flush, in
 * order: messages created, then conversations, then message updates.
 */
class LiveBatcher {
  private pending = emptyPending();
  private flushing = false;

  constructor(private readonly deps: PublishDeps) {}

  add(fill: (p: Pending) => void): Promise<void> {
    fill(this.pending);
    const done = new Promise<void>((resolve) => this.pending.waiters.push(resolve));
    if (!this.flushing) {
      this.flushing = true;
      // A person watching the inbox cannot tell 25 ms; under load, a batch then holds dozens of writes.
      setTimeout(() => void this.drain(), GATHER_MS);
    }
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending.waiters.length) {
      const batch = this.pending;
      this.pending = emptyPending();
      try {
        await this.flush(batch);
      } catch (err) {
        this.deps.logger.warn({ err, messages: batch.created.size + batch.updated.size, conversations: batch.conversations.size }, 'could not publish live inbox updates');
      }
      for (const resolve of batch.waiters) resolve();
    }
    this.flushing = false;
  }

  private async flush(batch: Pending): Promise<void> {
    const events: BusEvent[] = [];
    events.push(...(await this.messageEvents('message.created', [...batch.created])));
    const byId = [...batch.conversations.keys()];
    for (let i = 0; i < byId.length; i += MAX_BATCH) {
      const rows = await loadConversations(this.deps.db, inArray(conversations.id, byId.slice(i, i + MAX_BATCH)), MAX_BATCH);
      for (const { view, workspaceId } of rows) {
        // Scoped: a conversation is announced only to the workspace the caller named, and it owns.
        if (batch.conversations.get(view.id) === workspaceId) events.push({ workspaceId, type: 'conversation.updated', data: { conversation: view } });
      }
    }
    events.push(...(await this.messageEvents('message.updated', [...batch.updated])));
    await this.deps.events.publishMany(events);
  }

  private async messageEvents(type: 'message.created' | 'message.updated', ids: string[]): Promise<BusEvent[]> {
    const events: BusEvent[] = [];
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      const rows = await this.deps.db
        .select({ message: messages, authorName: users.name, contactId: conversations.contactId })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .leftJoin(users, eq(users.id, messages.authorUserId))
        .where(inArray(messages.id, ids.slice(i, i + MAX_BATCH)))
        .orderBy(messages.createdAt, messages.id);
      for (const row of rows) {
        const message = presentMessage(row.message, row.authorName);
        events.push({
          workspaceId: row.message.workspaceId,
          type,
          data: { conversationId: message.conversationId, channelId: row.message.channelId, contactId: row.contactId, message: clip(message) },
        });
      }
    }
    return events;
  }
}

const batchers = new WeakMap<EventBus, LiveBatcher>();

function batcherFor(deps: PublishDeps): LiveBatcher {
  let batcher = batchers.get(deps.events);
  if (!batcher) {
    batcher = new LiveBatcher(deps);
    batchers.set(deps.events, batcher);
  }
  return batcher;
}

/**
 * Publishes `message.created` / `message.updated` for messages that are committed. Call after the
 * transaction: a listener that reloads must find the rows. Resolves once sent; never throws: the
 * write already happened.
 */
export async function publishMessages(deps: PublishDeps, type: 'message.created' | 'message.updated', messageIds: string[]): Promise<void> {
  if (!messageIds.length) return;
  await batcherFor(deps).add((p) => {
    const into = type === 'message.created' ? p.created : p.updated;
    for (const id of messageIds) into.add(id);
  });
}

export const publishMessageCreated = (deps: PublishDeps, messageId: string) => publishMessages(deps, 'message.created', [messageId]);
export const publishMessageUpdated = (deps: PublishDeps, messageId: string) => publishMessages(deps, 'message.updated', [messageId]);

/** Publishes `conversation.updated {conversation}` with the inbox list item shape. Never throws. */
export async function publishConversationUpdated(deps: PublishDeps, workspaceId: string, conversationId: string): Promise<void> {
  await batcherFor(deps).add((p) => p.conversations.set(conversationId, workspaceId));
}
