import { ApiError, type Api } from './api';
import type { TypingEvent, WidgetMessage } from './contract';
import type { Stored } from './storage';
import { Thread } from './thread';
import { uuid } from './uuid';

export interface Identity {
  name?: string;
  email?: string;
  phone?: string;
  userId?: string;
  userHash?: string;
}

const SEND_ATTEMPTS = 5;
/** The agents' "typing…" lasts a few seconds; one signal per this often keeps it up. */
const TYPING_EVERY_MS = 4_000;
/** An agent's typing is shown this long after their last signal (they repeat every 5 s). */
const TYPING_SHOWN_MS = 6_000;

/** A 4xx other than timeout/rate limit will fail the same way again. */
const isFinal = (e: unknown) => e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;

/**
 * The visitor's side of the conversation: session, history, live stream, sending.
 * Knows nothing about the DOM; the view subscribes through `onUpdate`.
 */
export class Chat {
  readonly thread = new Thread();
  onUpdate: () => void = () => {};
  private ready: Promise<string> | undefined;
  private stream: EventSource | undefined;
  private restartDelay = 1000;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while an agent is typing: their name, or '' when the server does not share it. */
  agentTyping: string | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTypingSent = 0;
  /** Uploaded file ids of messages being sent, by clientId (a retry sends them again). */
  private readonly files = new Map<string, string[]>();

  constructor(
    private readonly api: Api,
    private readonly token: Stored,
    private identity: Identity = {},
  ) {}

  /** A visitor from an earlier page view: resume at once so replies and the badge arrive. */
  hasVisitor(): boolean {
    return !!this.token.get();
  }

  /** Creates or resumes the visitor, loads history and subscribes. Idempotent. */
  start(): Promise<string> {
    return (this.ready ??= this.connect().catch((e: unknown) => {
      this.ready = undefined;
      // Server unreachable or failing: keep trying in the background, so replies reach
      // a visitor who opened the panel during an outage. A 404 channel will not heal.
      if (!isFinal(e)) this.restart(this.restartDelay);
      throw e;
    }));
  }

  /** Names the visitor; sent with the session so the contact record gets it. */
  identify(identity: Identity): void {
    this.identity = { ...this.identity, ...identity };
    if (this.ready) this.restart(0);
  }

  /**
   * Forgets the visitor on this browser, for the site's logout: a shared computer must not show the
   * next person the last one's thread. The next chat starts as a new, anonymous visitor.
   */
  reset(): void {
    this.stream?.close();
    this.stream = undefined;
    this.ready = undefined;
    clearTimeout(this.restartTimer);
    this.token.set(null);
    this.identity = {};
    this.thread.clear();
    this.onUpdate();
  }

  send(text: string): void {
    // The next keystroke starts a new message: the agents hear of it at once.
    this.lastTypingSent = 0;
    const clientId = uuid();
    this.thread.addPending(text, clientId);
    this.onUpdate();
    void this.deliver(text, clientId);
  }

  /** Uploads a file, then sends it as a message of its own. */
  sendFile(file: File): void {
    const clientId = uuid();
    this.thread.addPending(`📎 ${file.name || 'file'}`, clientId);
    this.onUpdate();
    void this.start()
      .then((token) => this.api.upload(token, file))
      .then(({ attachment }) => {
        this.files.set(clientId, [attachment.id]);
        return this.deliver('', clientId);
      })
      .catch(() => {
        this.thread.setState(clientId, 'failed');
        this.onUpdate();
      });
  }

  /** Called as the visitor types; tells the agents, at most once per few seconds. */
  typing(): void {
    const now = Date.now();
    const token = this.token.get();
    // Before a session there is no conversation an agent could have open.
    if (!token || now - this.lastTypingSent < TYPING_EVERY_MS) return;
    this.lastTypingSent = now;
    this.api.typing(token).catch(() => {});
  }

  private showTyping(name: string | null): void {
    clearTimeout(this.typingTimer);
    this.agentTyping = name;
    if (name !== null) this.typingTimer = setTimeout(() => this.showTyping(null), TYPING_SHOWN_MS);
    this.onUpdate();
  }

  retry(clientId: string): void {
    const item = this.thread.list().find((m) => m.state === 'failed' && m.clientId === clientId);
    if (!item) return;
    this.thread.setState(clientId, 'sending');
    this.onUpdate();
    void this.deliver(this.files.has(clientId) ? '' : item.text, clientId);
  }

  private async connect(): Promise<string> {
    const { visitorToken } = await this.api.session({
      visitorToken: this.token.get() ?? undefined,
      ...this.identity,
    });
    // The server answers a new token when the old one expired: a new visitor.
    this.token.set(visitorToken);
    this.listen(visitorToken);
    await this.refresh(visitorToken);
    return visitorToken;
  }

  private listen(token: string): void {
    this.stream?.close();
    const es = (this.stream = new EventSource(this.api.streamUrl(token)));
    es.addEventListener('message', (e) => {
      let message: WidgetMessage;
      try {
        message = JSON.parse((e as MessageEvent<string>).data) as WidgetMessage;
      } catch {
        return;
      }
      // The agent's message ends their typing.
      if (message.direction === 'out' && this.agentTyping !== null) {
        clearTimeout(this.typingTimer);
        this.agentTyping = null;
      }
      this.thread.merge([message]);
      this.onUpdate();
    });
    es.addEventListener('typing', (e) => {
      try {
        const { name } = JSON.parse((e as MessageEvent<string>).data) as TypingEvent;
        this.showTyping(typeof name === 'string' ? name : '');
      } catch {
        // A malformed signal is only a missed courtesy.
      }
    });
    // Every (re)connect may have missed messages while the stream was down.
    es.onopen = () => {
      this.restartDelay = 1000;
      void this.refresh(token);
    };
    // EventSource retries network drops itself; it gives up (CLOSED) only when the server
    // answers with an error status, e.g. an expired token. Then start over with a session.
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) this.restart(this.restartDelay);
    };
  }

  private async refresh(token: string): Promise<void> {
    try {
      const { messages } = await this.api.messages(token);
      this.thread.merge(messages);
      this.onUpdate();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.restart(this.restartDelay);
    }
  }

  private restart(delay: number): void {
    this.stream?.close();
    this.stream = undefined;
    this.ready = undefined;
    this.restartDelay = Math.min(this.restartDelay * 2, 60_000);
    // One pending restart at most, however many paths (stream, refresh, send) ask for it.
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.start().catch(() => {}), delay);
  }

  private async deliver(text: string, clientId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const token = await this.start();
        const attachments = this.files.get(clientId);
        const { message } = await this.api.send(token, { text, clientId, ...(attachments && { attachments }) });
        this.thread.confirm(clientId, message);
        break;
      } catch (e) {
        const expired = e instanceof ApiError && e.status === 401;
        if ((isFinal(e) && !expired) || attempt >= SEND_ATTEMPTS) {
          this.thread.setState(clientId, 'failed');
          break;
        }
        if (expired) this.restart(0);
        // Same clientId on every attempt: the server stores the message once.
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
    this.onUpdate();
  }
}
