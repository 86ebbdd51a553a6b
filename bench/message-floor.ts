import { STORE_CTES, storeValues, TEXT, type Row, type Workload } from './statement-workloads';

/** The flow the floor's runs pretend to run: trigger, keyword condition, reply. */
const STEPS = `(values
  (0, 'trigger', 'trigger.message', null::jsonb, '{"text": "what is the price of a cake"}'::jsonb),
  (1, 'match', 'condition.keyword', '{"text": "what is the price of a cake"}'::jsonb, '{"branch": "match"}'::jsonb),
  (2, 'reply', 'action.reply', null::jsonb, '{"sent": true}'::jsonb)
) as s(seq, node_id, node_type, input, output)`;

const REPLY = 'A cake is 20 dollars. Anything else?';

/**
 * The schema's foreign keys on the rows the floor writes (messages, runs, run steps), the
 * workspace, channel, flow and version ones to `bench_parents`. Not valid: the rows already there
 * are not checked, each new one is.
 */
export const FLOOR_FOREIGN_KEYS = `
  alter table bench_messages
    add foreign key (workspace_id) references bench_parents (id) on delete cascade not valid,
    add foreign key (conversation_id) references bench_conversations (id) on delete cascade not valid,
    add foreign key (channel_id) references bench_parents (id) on delete cascade not valid;
  alter table bench_runs
    add foreign key (workspace_id) references bench_parents (id) on delete cascade not valid,
    add foreign key (workflow_id) references bench_parents (id) on delete cascade not valid,
    add foreign key (version_id) references bench_parents (id) on delete cascade not valid,
    add foreign key (conversation_id) references bench_conversations (id) on delete set null not valid,
    add foreign key (contact_id) references bench_contacts (id) on delete set null not valid;
  alter table bench_run_steps
    add foreign key (workspace_id) references bench_parents (id) on delete cascade not valid,
    add foreign key (run_id) references bench_runs (id) on delete cascade not valid;`;

/**
 * The least Postgres must do for one replied message under DESIGN §4's rules, in the scratch copies
 * of the hot path's tables: the rows our hot path writes, in its 3 statements, and nothing else (no
 * flow context read, no routing guard, no Graphile NOTIFY, and no foreign keys until
 * FLOOR_FOREIGN_KEYS adds the schema's):
 * 1. store: the contact and conversation stamped, the message inserted, the conversation's job
 *    queue taken and its job added, locked (a message that got a 2xx is never lost);
 * 2. route and reply: the message marked routed, the run inserted finished with its 3 step rows
 *    (each step a `run_steps` row), the reply inserted, claimed for sending;
 * 3. complete: the reply's provider id and status written, the job deleted, its queue let go.
 * That is 14 row writes a message, one fewer than the hot path measured at saturation. Whatever
 * the server does, a message costs Postgres at least this.
 */
export function messageFloor(workspace: string, channel: string, customers: string[]): Workload {
  const workerId = 'bench-floor';
  const ids = (rows: Row[], column: string) => rows.map((row) => row[column]);
  return {
    name: 'message floor',
    statements: [
      {
        text: `with ${STORE_CTES},
          queue as (
            insert into bench_job_queues as q (queue_name, locked_at, locked_by)
            select 'conversation:' || message.conversation_id, now(), $6 from message
            on conflict (queue_name) do update set locked_at = now(), locked_by = excluded.locked_by
            returning id, queue_name
          ), job as (
            insert into bench_jobs (job_queue_id, task_id, payload, run_at, attempts, max_attempts, locked_at, locked_by)
            select queue.id, 1, json_build_object('messageId', message.id, 'text', $5::text), now(), 1, 25, now(), $6
            from message join queue on queue.queue_name = 'conversation:' || message.conversation_id
            returning id, job_queue_id, payload
          )
          select message.id as message_id, message.conversation_id, conversation.contact_id, job.id as job_id
          from message join conversation on conversation.id = message.conversation_id join job on (job.payload->>'messageId')::uuid = message.id`,
        values: (batch) => [...storeValues(customers, channel, workspace, 'floor', batch), workerId],
      },
      {
        text: `with input as (select * from unnest($1::uuid[], $2::uuid[], $3::uuid[]) as t(message_id, conversation_id, contact_id)),
          routed as (update bench_messages m set routed_at = now() from input where m.id = input.message_id and m.routed_at is null returning m.id),
          run as (
            insert into bench_runs (workspace_id, workflow_id, version_id, conversation_id, contact_id, trigger, status, step_count, finished_at)
            select $4, $5, $6, input.conversation_id, input.contact_id, jsonb_build_object('type', 'message', 'messageId', input.message_id, 'text', $7::text),
              'completed', 3, now()
            from input join routed on routed.id = input.message_id
            returning id, conversation_id
          ), steps as (
            insert into bench_run_steps (workspace_id, run_id, seq, node_id, node_type, status, input, output, finished_at)
            select $4, run.id, s.seq, s.node_id, s.node_type, 'completed', s.input, s.output, now() from run cross join ${STEPS}
          ), reply as (
            insert into bench_messages (workspace_id, conversation_id, channel_id, direction, author, text, status, attempts, run_id)
            select $4, run.conversation_id, $8, 'out', 'bot', $9, 'queued', 1, run.id from run
            returning id, conversation_id
          )
          select id as reply_id, conversation_id from reply`,
        values: (_batch, [stored]) => [
          ids(stored!, 'message_id'),
          ids(stored!, 'conversation_id'),
          ids(stored!, 'contact_id'),
          workspace,
          workspace, // the flow's and version's ids: any id bench_parents holds (FLOOR_FOREIGN_KEYS)
          channel,
          TEXT,
          channel,
          REPLY,
        ],
      },
      {
        text: `with input as (select * from unnest($1::uuid[], $2::bigint[], $3::text[]) as t(reply_id, job_id, provider_id)),
          sent as (update bench_messages m set status = 'sent', provider_message_id = input.provider_id from input where m.id = input.reply_id returning m.id),
          done as (delete from bench_jobs j using input where j.id = input.job_id returning j.job_queue_id),
          let_go as (update bench_job_queues q set locked_at = null, locked_by = null from done where q.id = done.job_queue_id)
          select id from sent`,
        values: ({ run }, [stored, replies]) => {
          const jobOf = new Map(stored!.map((row) => [row.conversation_id, row.job_id]));
          return [
            ids(replies!, 'reply_id'),
            replies!.map((row) => jobOf.get(row.conversation_id)),
            replies!.map((row) => `floor-reply-${run}-${row.reply_id}`),
          ];
        },
      },
    ],
  };
}
