import type { WidgetMessage } from './contract';

/** A visitor's message the server has not confirmed yet. */
export type SendState = 'sending' | 'failed';

export interface ThreadItem extends WidgetMessage {
  state?: SendState;
}

/**
 * The visitor's conversation as the widget shows it. Messages reach it three ways —
 * history fetches, the event stream and POST responses — often the same message
 * twice (a reconnect refetches everything), so everything is merged by id.
 */
export class Thread {
  private items: ThreadItem[] = [];

  list(): readonly ThreadItem[] {
    return this.items;
  }

  clear(): void {
    this.items = [];
  }

  /** Merges server messages in; returns those not seen before (for the unread badge). */
  merge(messages: readonly WidgetMessage[]): WidgetMessage[] {
    const fresh: WidgetMessage[] = [];
    for (const m of messages) {
      const i = this.indexOfServer(m);
      if (i >= 0) this.items[i] = { ...m };
      else {
        this.items.push({ ...m });
        fresh.push(m);
      }
    }
    this.sort();
    return fresh;
  }

  /** Shows the visitor's message at once, before the server has it. */
  addPending(text: string, clientId: string): void {
    this.items.push({
      id: `local:${clientId}`,
      clientId,
      direction: 'in',
      author: 'contact',
      text,
      createdAt: new Date().toISOString(),
      state: 'sending',
    });
  }

  setState(clientId: string, state: SendState): void {
    const item = this.items.find((m) => m.state && m.clientId === clientId);
    if (item) item.state = state;
  }

  /** Swaps the pending copy for the stored one (the stream may have done it already). */
  confirm(clientId: string, message: WidgetMessage): void {
    const i = this.items.findIndex((m) => m.state && m.clientId === clientId);
    if (i >= 0) this.items.splice(i, 1);
    this.merge([{ ...message, clientId }]);
  }

  private indexOfServer(m: WidgetMessage): number {
    const byId = this.items.findIndex((x) => x.id === m.id);
    if (byId >= 0) return byId;
    if (m.direction !== 'in') return -1;
    // The stream can deliver the visitor's own message before the POST answers. A server
    // that echoes clientId makes the match exact; otherwise the oldest pending copy with
    // the same text is the one (same text twice in flight is identical on screen anyway).
    return this.items.findIndex((x) => x.state !== undefined && (m.clientId ? x.clientId === m.clientId : x.text === m.text));
  }

  private sort(): void {
    // Unconfirmed messages stay last. Array.prototype.sort is stable (ES2019),
    // so equal keys keep their arrival order.
    const key = (m: ThreadItem) => (m.state ? Number.MAX_VALUE : Date.parse(m.createdAt) || 0);
    this.items.sort((a, b) => key(a) - key(b));
  }
}
