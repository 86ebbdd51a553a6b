import { StatementBatcher, type Executor } from '@switchboard/db';
import { storeInOpenConversations, type OpenConversationMessage, type OpenConversationOutcome } from './store-open-conversations';

/** Messages per statement at most, by default (INGEST_BATCH_MAX). */
export const DEFAULT_INGEST_BATCH_MAX = 64;
/**
 * Store statements on their way at once. At saturation (`npm run bench`) two or more were on their
 * way for a fraction of the time only (1.4 on average as a statement left, with up to 8 allowed),
 * with about 5 messages each; at 200 msg/s, 1.0 to 1.4 messages each.
 */
const IN_FLIGHT = 4;

const batchers = new WeakMap<Executor, StatementBatcher<OpenConversationMessage, OpenConversationOutcome>>();

/**
 * Known customers' messages that arrive together, stored in one statement (storeInOpenConversations;
 * see StatementBatcher): one batcher per database handle (`maxBatch` is read when it is made). A
 * customer (channel, external id) is in one statement at a time, once: their messages keep their
 * order, no row is written twice in one statement, and two statements on their way never lock the
 * same contact or conversation. A statement's messages share the worker their jobs are added for.
 */
export function openConversationBatcher(db: Executor, maxBatch: number): StatementBatcher<OpenConversationMessage, OpenConversationOutcome> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new StatementBatcher({
      run: (messages) => storeInOpenConversations(db, messages),
      maxBatch,
      maxInFlight: IN_FLIGHT,
      keyOf: ({ channel, event }) => `${channel.id}\u0000${event.externalId}`,
      groupOf: ({ taker }) => taker?.workerId ?? null,
    });
    batchers.set(db, batcher);
  }
  return batcher;
}
