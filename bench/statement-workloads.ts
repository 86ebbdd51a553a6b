/** The workloads of the `statements` phase (see statement-overhead.ts), and what they share. */

export const CONNECTIONS = 4;

/** Messages `first` .. `first + count - 1`, written from connection `lane`; `run` tags their provider ids. */
export interface Batch {
  first: number;
  count: number;
  lane: number;
  run: string;
}

export type Row = Record<string, unknown>;

/**
 * A statement, run with `batch` messages at a time. The SQL takes arrays, so one message and
 * sixteen are the same statement and only the rows differ. It returns a row per message written.
 */
export interface WorkloadStatement {
  text: string;
  /** Its parameters, given the rows each statement before it in the workload returned for this batch. */
  values(batch: Batch, earlier: Row[][]): unknown[];
}

/** What one batch of messages goes through: its statements, in order, each a round trip. */
export interface Workload {
  name: string;
  statements: WorkloadStatement[];
}

export const TEXT = 'what is the price of a cake';

export const providerIds = (tag: string, first: number, count: number) => Array.from({ length: count }, (_, i) => `${tag}-${first + i}`);

export function messageRow(workspace: string, channel: string): Workload {
  const conversation = '00000000-0000-4000-8000-000000000001';
  return {
    name: 'message row',
    statements: [
      {
        text: `insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, provider_message_id, status)
               select $1, $2, $3, 'in', 'contact', $4, p, 'received' from unnest($5::text[]) as p returning id`,
        values: ({ first, count, run }) => [workspace, conversation, channel, TEXT, providerIds(`row-${run}`, first, count)],
      },
    ],
  };
}

/**
 * What the store writes for a known customer, as CTEs over `input` (contact_id, provider_id): the
 * contact and conversation stamped (`conversation`: id, contact_id), the message inserted
 * (`message`: id, conversation_id). Parameters: $1 contact ids, $2 provider ids, $3 channel, $4 workspace, $5 text.
 */
export const STORE_CTES = `input as (select * from unnest($1::uuid[], $2::text[]) as t(contact_id, provider_id)),
  contact as (update bench_contacts c set deleted_at = null, updated_at = now() from input where c.id = input.contact_id returning c.id),
  conversation as (
    update bench_conversations cv set last_message_at = greatest(cv.last_message_at, now()), last_inbound_at = now(),
      waiting_since = coalesce(cv.waiting_since, now()), updated_at = now()
    from input where cv.contact_id = input.contact_id and cv.channel_id = $3 and cv.status = 'open'
    returning cv.id, cv.contact_id
  ), message as (
    insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, provider_message_id, status)
    select $4, conversation.id, $3, 'in', 'contact', $5, input.provider_id, 'received'
    from input join conversation on conversation.contact_id = input.contact_id
    returning id, conversation_id
  )`;

/**
 * STORE_CTES's parameters for a batch. A batch never names a customer twice, and connections
 * never share one: no row waits on another.
 */
export function storeValues(
  customers: string[],
  channel: string,
  workspace: string,
  tag: string,
  { first, count, lane, run }: Batch,
): unknown[] {
  const perLane = customers.length / CONNECTIONS;
  return [
    Array.from({ length: count }, (_, i) => customers[lane * perLane + ((first + i) % perLane)]),
    providerIds(`${tag}-${run}`, first, count),
    channel,
    workspace,
    TEXT,
  ];
}

export function storeShaped(workspace: string, channel: string, customers: string[]): Workload {
  return {
    name: 'store-shaped',
    statements: [
      { text: `with ${STORE_CTES} select id from message`, values: (batch) => storeValues(customers, channel, workspace, 'store', batch) },
    ],
  };
}
