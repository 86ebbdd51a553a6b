import type { AppDeps } from '../context';
import type { BusEvent, EventBus } from '../events/bus';
import { INBOX_CHANGED, type InboxChange } from './live-feed';

export type InboxEventType = 'message.created' | 'message.updated' | 'conversation.updated';

type PublishDeps = Pick<AppDeps, 'events' | 'logger'>;

/** Ids per notification: 36-character uuids (two for a conversation) stay well inside NOTIFY's 8 KB. */
const MAX_IDS = 120;
/** How long a flush waits for more updates to join it. */
const GATHER_MS = 25;

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
 * Now requests gather while one flush runs (at most one in flight per process), an id touched ten
 * times is sent once, and one statement sends the ids of a flush; the processes where someone
 * watches read the rows (live-feed.ts), in order: messages created, conversations, message updates.
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
        this.deps.logger.warn(
          { err, messages: batch.created.size + batch.updated.size, conversations: batch.conversations.size },
          'could not publish live inbox updates',
        );
      }
      for (const resolve of batch.waiters) resolve();
    }
    this.flushing = false;
  }

  private async flush(batch: Pending): Promise<void> {
    const created = [...batch.created];
    const pairs = [...batch.conversations];
    const updated = [...batch.updated];
    const events: BusEvent[] = [];
    while (created.length || pairs.length || updated.length) {
      let room = MAX_IDS;
      const take = <T>(from: T[], weight: number) => {
        const part = from.splice(0, Math.max(0, Math.floor(room / weight)));
        room -= part.length * weight;
        return part;
      };
      const change: InboxChange = { created: take(created, 1), conversations: take(pairs, 2), updated: take(updated, 1) };
      events.push({ workspaceId: '*', type: INBOX_CHANGED, data: change as unknown as Record<string, unknown> });
    }
    await this.deps.events.publishMany(events);
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
