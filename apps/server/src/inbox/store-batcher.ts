import type { Executor } from '@switchboard/db';
import { storeInOpenConversations, type OpenConversationMessage, type OpenConversationOutcome } from './store-open-conversations';

/** Messages per statement at most, by default (INGEST_BATCH_MAX). */
export const DEFAULT_INGEST_BATCH_MAX = 64;

type Waiting = { message: OpenConversationMessage; resolve(outcome: OpenConversationOutcome): void; reject(reason: unknown): void };

/**
 * Stores known customers' messages (storeInOpenConversations) several to a statement: those that
 * arrive in one turn of the event loop, and those that arrive while the statement before them
 * runs. One statement at a time, so nothing waits on a timer: alone, a message leaves at the end
 * of its turn (setImmediate); under load, the next statement takes everything that queued up
 * meanwhile, and the batch grows with the load. One at a time also means two of these statements
 * never lock each other's rows in opposite orders.
 *
 * A customer's second message waits for the next statement (one per customer and channel in each:
 * their order holds, and no row is written twice in one statement). If a statement fails, its
 * messages are stored one per statement, so one bad message fails alone.
 */
export class OpenConversationBatcher {
  private waiting: Waiting[] = [];
  /** A statement is on its way, or about to be sent at setImmediate. */
  private busy = false;

  constructor(
    private readonly db: Executor,
    /** Messages per statement at most. */
    private readonly maxBatch: number,
  ) {}

  store(message: OpenConversationMessage): Promise<OpenConversationOutcome> {
    const outcome = new Promise<OpenConversationOutcome>((resolve, reject) => this.waiting.push({ message, resolve, reject }));
    this.next();
    return outcome;
  }

  private next(): void {
    if (this.busy || !this.waiting.length) return;
    this.busy = true;
    setImmediate(() => void this.send());
  }

  private async send(): Promise<void> {
    const batch = this.takeBatch();
    try {
      const outcomes = await storeInOpenConversations(this.db, batch.map((w) => w.message));
      batch.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else await Promise.all(batch.map((w) => storeInOpenConversations(this.db, [w.message]).then(([outcome]) => w.resolve(outcome!), w.reject)));
    }
    this.busy = false;
    this.next();
  }

  /** The waiting messages that go together: in arrival order, one per customer, all for one worker (see OpenConversationMessage.taker). */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const customers = new Set<string>();
    const workerId = this.waiting[0]?.message.taker?.workerId ?? null;
    for (const waiting of this.waiting) {
      const { channel, event, taker } = waiting.message;
      const customer = `${channel.id}\u0000${event.externalId}`;
      if (batch.length < this.maxBatch && !customers.has(customer) && (taker?.workerId ?? null) === workerId) {
        customers.add(customer);
        batch.push(waiting);
      } else rest.push(waiting);
    }
    this.waiting = rest;
    return batch;
  }
}

const batchers = new WeakMap<Executor, OpenConversationBatcher>();

/** The batcher of `db`'s statements (one per database handle; `maxBatch` is read when it is made). */
export function openConversationBatcher(db: Executor, maxBatch: number): OpenConversationBatcher {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new OpenConversationBatcher(db, maxBatch)));
  return batcher;
}
