import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { sweepRetention } from '../src/jobs/retention';
import { drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let other: Session;
let channel: { id: string; secret?: string };
let otherChannel: { id: string; secret?: string };
let n = 0;

/** A customer message through the signed API-channel webhook, as the provider sends it. */
async function inbound(to: { id: string; secret?: string }, from: string, text: string) {
  const raw = JSON.stringify({ id: `rr-${++n}`, from, text, name: `Customer ${from}` });
  const res = await postWebhook(ctx, to.id, raw, {
    'content-type': 'application/json',
    'x-switchboard-signature': sha256Header(to.secret!, raw),
  });
  expect(res.status, res.text).toBe(200);
  const { rows } = await ctx.database.pool.query(
    'select conversation_id from messages where channel_id = $1 and provider_message_id = $2',
    [to.id, `rr-${n}`],
  );
  return rows[0].conversation_id as string;
}

/** A flow that keeps what the customer answers: its runs and their steps hold their words. */
const sizes = flow(
  [
    { id: 't', type: 'trigger.message_received', config: { keywords: ['size'] } },
    { id: 'size', type: 'action.ask_question', config: { text: 'Which size?', saveTo: 'vars.size', timeoutMinutes: 600 } },
    { id: 'colour', type: 'action.ask_question', config: { text: 'Which colour?', saveTo: 'vars.colour', timeoutMinutes: 600 } },
    { id: 'ok', type: 'action.send_message', config: { text: 'Noted: {{ vars.size }} in {{ vars.colour }}' } },
  ],
  [
    { source: 't', target: 'size' },
    { source: 'size', sourceHandle: 'reply', target: 'colour' },
    { source: 'colour', sourceHandle: 'reply', target: 'ok' },
  ],
);

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Retains');
  other = await signup(ctx.app, 'Keeps');
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
  otherChannel = await createChannel(ctx, other, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
});
afterAll(() => ctx.close());

describe('agent media links', () => {
  it('accepts only http(s) addresses for mediaUrl, 400 naming the field', async () => {
    const conversation = await inbound(channel, 'media-1', 'hello');
    for (const mediaUrl of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'https://',
      'ftp://files.example.com/a.png',
    ]) {
      const res = await call(ctx.app, 'POST', `/api/conversations/${conversation}/messages`, {
        cookie: owner.cookie,
        body: { text: 'see this', mediaUrl },
      });
      expect(res.status, mediaUrl).toBe(400);
      expect(
        res.body.error.details.map((d: { field: string }) => d.field),
        mediaUrl,
      ).toContain('mediaUrl');
    }
    const ok = await call(ctx.app, 'POST', `/api/conversations/${conversation}/messages`, {
      cookie: owner.cookie,
      body: { text: 'see this', mediaUrl: 'https://files.example.com/menu.png' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });
});

describe('retention of flow runs', () => {
  it('the sweep clears old runs and their steps of what customers said, keeps recent ones, waiting runs and other workspaces', async () => {
    await publishFlow(ctx, owner, sizes, 'Sizes');
    await publishFlow(ctx, other, sizes, 'Sizes');
    /** A customer who writes each of `texts` in turn, the flow answering in between; answers their run. */
    const customer = async (to: { id: string; secret?: string }, from: string, texts: string[]) => {
      let conversation = '';
      for (const text of texts) {
        conversation = await inbound(to, from, text);
        await drain(ctx);
      }
      return (await ctx.database.pool.query('select id, status from workflow_runs where conversation_id = $1', [conversation])).rows[0] as {
        id: string;
        status: string;
      };
    };
    const done = await customer(channel, 'old-done', ['size please', 'XL OLDSIZE-1111', 'red OLDCOLOUR-2222']);
    expect(done.status).toBe('completed');
    const waiting = await customer(channel, 'old-waiting', ['size please', 'M WAITING-3333']);
    expect(waiting.status).toBe('waiting');
    const recent = await customer(channel, 'recent', ['size please', 'S RECENT-4444']);
    const theirs = await customer(otherChannel, 'theirs', ['size please', 'L THEIRS-5555']);
    const backdate = (id: string, days: number) =>
      Promise.all([
        ctx.database.pool.query(`update workflow_runs set created_at = now() - make_interval(days => $2) where id = $1`, [id, days]),
        ctx.database.pool.query(`update run_steps set started_at = now() - make_interval(days => $2) where run_id = $1`, [id, days]),
      ]);
    await backdate(done.id, 45);
    await backdate(waiting.id, 40);
    await backdate(recent.id, 5);
    await backdate(theirs.id, 400);
    const leftovers = async (needle: string) =>
      (
        await ctx.database.pool.query(
          `select 'runs' as t from workflow_runs where variables::text like $1 or trigger::text like $1 or coalesce(node_state::text, '') like $1
           union all select 'steps' from run_steps where input::text like $1 or output::text like $1`,
          [`%${needle}%`],
        )
      ).rows.map((r) => r.t);
    // 1,100 more old runs, all created at the same instant: more than two pages, ties broken by id.
    await ctx.database.pool.query(
      `insert into workflow_runs (workspace_id, workflow_id, version_id, trigger, status, variables, created_at)
       select workspace_id, workflow_id, version_id, jsonb_build_object('kind', 'webhook', 'body', 'BULK-6666'), 'completed', '{}', now() - interval '90 days'
       from workflow_runs, generate_series(1, 1100) where id = $1`,
      [done.id],
    );
    expect(
      (await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { retentionDays: 30 } } })).status,
    ).toBe(200);

    const outcome = await sweepRetention(ctx.deps.db);
    expect(outcome.runsCleared).toBe(2 + 1100);
    expect(await leftovers('BULK-6666')).toEqual([]);
    expect(await leftovers('OLDSIZE-1111')).toEqual([]);
    expect(await leftovers('OLDCOLOUR-2222')).toEqual([]);
    // The waiting run keeps the state it needs to go on; its old steps are cleared.
    expect(await leftovers('WAITING-3333')).toEqual(['runs']);
    expect(await leftovers('RECENT-4444')).not.toEqual([]);
    expect(await leftovers('THEIRS-5555')).not.toEqual([]);

    // What an agent sees of the old run through the API: its kind of trigger, none of the words.
    const seen = await call(ctx.app, 'GET', `/api/runs/${done.id}`, { cookie: owner.cookie });
    expect(seen.status).toBe(200);
    expect(seen.body.run.status).toBe('completed');
    expect(seen.body.run.trigger).toEqual({ kind: expect.any(String) });
    expect(seen.body.steps.length).toBeGreaterThan(0);
    expect(JSON.stringify(seen.body)).not.toMatch(/OLDSIZE|OLDCOLOUR/);

    // Nothing is written again on the next sweep.
    expect((await sweepRetention(ctx.deps.db)).runsCleared).toBe(0);
  });
});
