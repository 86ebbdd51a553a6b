import { and, eq, inArray } from 'drizzle-orm';
import { conversations, messages, users } from '@switchboard/db';
import type { AppDeps } from '../context';
import type { BusEvent, EventBus } from '../events/bus';
import { loadConversations, presentMessage, type MessageView } from './present';
import { mediaLinks } from '../media/attachment-view';

/** The bus event publish.ts sends: ids only, in the order the inbox shows them. */
export const INBOX_CHANGED = 'inbox.changed';

export interface InboxChange {
  created: string[];
  /** [conversation id, workspace id] */
  conversations: [string, string][];
  updated: string[];
}

// With the config, links to stored files are signed for the agents and visitors watching.
type FeedDeps = Pick<AppDeps, 'db' | 'events' | 'logger'> & Partial<Pick<AppDeps, 'config'>>;
type Listener = (event: BusEvent) => void;

// The live inbox needs the gist, the thread reloads in full.
const MAX_TEXT = 2_000;

function clip(message: MessageView): MessageView & { truncated?: true } {
  return message.text.length > MAX_TEXT ? { ...message, text: message.text.slice(0, MAX_TEXT), truncated: true } : message;
}

/**
 * Turns `inbox.changed` ids into the events a live inbox or a chat widget shows
 * (`message.created`, `conversation.updated`, `message.updated`), in the process that has someone
 * watching, and only for the workspaces watched there. Publishers used to read every row back for
 * the notification whether or not anyone looked: three queries per customer message on the path
 * that answers them. Changes are presented one at a time, so events keep their order.
 */
class LiveFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unsubscribeBus: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FeedDeps) {}

  subscribe(workspaceId: string, listener: Listener): () => void {
    let set = this.listeners.get(workspaceId);
    if (!set) this.listeners.set(workspaceId, (set = new Set()));
    set.add(listener);
    this.unsubscribeBus ??= this.deps.events.subscribe((event) => this.onBusEvent(event));
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(workspaceId);
      if (!this.listeners.size) {
        this.unsubscribeBus?.();
        this.unsubscribeBus = null;
      }
    };
  }

  private onBusEvent(event: BusEvent) {
    if (event.type !== INBOX_CHANGED || !this.listeners.size) return;
    const change = event.data as unknown as InboxChange;
    this.chain = this.chain
      .then(() => this.present(change))
      .catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message }, 'could not present live inbox updates'));
  }

  private async present(change: InboxChange): Promise<void> {
    const watched = [...this.listeners.keys()];
    if (!watched.length) return;
    const events = [
      ...(await this.messageEvents('message.created', change.created, watched)),
      ...(await this.conversationEvents(change.conversations, watched)),
      ...(await this.messageEvents('message.updated', change.updated, watched)),
    ];
    for (const event of events) for (const listener of this.listeners.get(event.workspaceId) ?? []) listener(event);
  }

  private async messageEvents(type: 'message.created' | 'message.updated', ids: string[], watched: string[]): Promise<BusEvent[]> {
    if (!ids.length) return [];
    const rows = await this.deps.db
      .select({ message: messages, authorName: users.name, contactId: conversations.contactId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .leftJoin(users, eq(users.id, messages.authorUserId))
      .where(and(inArray(messages.id, ids), inArray(messages.workspaceId, watched)))
      .orderBy(messages.createdAt, messages.id);
    return rows.map((row) => {
      const message = presentMessage(row.message, row.authorName, this.deps.config && mediaLinks(this.deps.config));
      return {
        workspaceId: row.message.workspaceId,
        type,
        data: {
          conversationId: message.conversationId,
          channelId: row.message.channelId,
          contactId: row.contactId,
          message: clip(message),
        },
      };
    });
  }

  private async conversationEvents(pairs: [string, string][], watched: string[]): Promise<BusEvent[]> {
    // Scoped: a conversation is announced only to the workspace the publisher named, and it owns.
    const named = new Map(pairs.filter(([, workspaceId]) => watched.includes(workspaceId)));
    if (!named.size) return [];
    const rows = await loadConversations(this.deps.db, inArray(conversations.id, [...named.keys()]), named.size);
    return rows
      .filter(({ view, workspaceId }) => named.get(view.id) === workspaceId)
      .map(({ view, workspaceId }) => ({ workspaceId, type: 'conversation.updated', data: { conversation: view } }));
  }
}

const feeds = new WeakMap<EventBus, LiveFeed>();

/** The process's live feed over this bus (one per bus, made on first use). */
export function liveFeed(deps: FeedDeps): LiveFeed {
  let feed = feeds.get(deps.events);
  if (!feed) feeds.set(deps.events, (feed = new LiveFeed(deps)));
  return feed;
}
