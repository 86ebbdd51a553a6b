export interface StatementBatcherOptions<T, R> {
  /** One statement for `items`; its outcomes in their order. */
  run(items: T[]): Promise<R[]>;
  /** Items per statement at most. */
  maxBatch: number;
  /** Statements on their way at once at most; past that, items queue up for the next one. */
  maxInFlight: number;
  /** Items of one key are never in one statement together, nor in two on their way at once (and keep their order). */
  keyOf?(item: T): string;
  /** Items of one statement share this. */
  groupOf?(item: T): string | null;
}

type Waiting<T, R> = { item: T; resolve(outcome: R): void; reject(reason: unknown): void };

/**
 * Runs the items handed to it in one turn of the event loop as one statement, at the end of that
 * turn (setImmediate: no timer, so an item alone waits for nothing). At most `maxInFlight`
 * statements are on their way; past that, items queue up and the next statement takes them all, so
 * the batches grow with the load. Most of what a short statement costs Postgres is the statement,
 * not its rows (`npm run bench`'s `statements` phase), and the same goes for building, sending and
 * parsing it here.
 *
 * If a statement of several items fails, each of them is run alone, so one bad item fails alone
 * (the statement was its own transaction: nothing of it stayed).
 */
export class StatementBatcher<T, R> {
  private waiting: Waiting<T, R>[] = [];
  /** Keys with an item in a statement on its way. */
  private readonly sending = new Set<string>();
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: StatementBatcherOptions<T, R>) {}

  add(item: T): Promise<R> {
    const outcome = new Promise<R>((resolve, reject) => this.waiting.push({ item, resolve, reject }));
    this.next();
    return outcome;
  }

  private next(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || !this.waiting.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    const batch = this.takeBatch();
    // Every waiting item's key is on its way already: that statement's end sends them.
    if (!batch.length) return;
    const keys = this.options.keyOf ? batch.map((w) => this.options.keyOf!(w.item)) : [];
    for (const key of keys) this.sending.add(key);
    this.inFlight++;
    this.next();
    try {
      const outcomes = await this.options.run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else await Promise.all(batch.map((w) => this.options.run([w.item]).then(([outcome]) => w.resolve(outcome!), w.reject)));
    }
    for (const key of keys) this.sending.delete(key);
    this.inFlight--;
    this.next();
  }

  /** The waiting items that go together: in arrival order, up to maxBatch, one per key and none of a key on its way, of one group. */
  private takeBatch(): Waiting<T, R>[] {
    const { keyOf, groupOf, maxBatch } = this.options;
    const batch: Waiting<T, R>[] = [];
    const rest: Waiting<T, R>[] = [];
    const keys = new Set<string>();
    let group: string | null | undefined;
    for (const waiting of this.waiting) {
      const key = keyOf?.(waiting.item);
      const itsGroup = groupOf ? groupOf(waiting.item) : null;
      const fits = batch.length < maxBatch && (key === undefined || (!keys.has(key) && !this.sending.has(key))) && (group === undefined || itsGroup === group);
      if (!fits) {
        rest.push(waiting);
        continue;
      }
      if (key !== undefined) keys.add(key);
      group = itsGroup;
      batch.push(waiting);
    }
    this.waiting = rest;
    return batch;
  }
}
