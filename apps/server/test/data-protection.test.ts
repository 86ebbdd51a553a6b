import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '@switchboard/db';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { eraseContact } from '../src/inbox/erasure';
import { retentionSweepTask, sweepRetention } from '../src/jobs/retention';
import { drain, flow, publishFlow } from './flow-helpers';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { count, createChannel, jobsOf, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let other: Session;
let agentCookie: string;
let channel: { id: string; secret?: string };
let otherChannel: { id: string; secret?: string };
let n = 0;

/** A customer message through the signed API-channel webhook, as the provider sends it. */
async function inbound(to: { id: string; secret?: string }, from: string, text: string, extra: Record<string, unknown> = {}) {
  const id = `dp-${++n}`;
  const raw = JSON.stringify({ id, from, text, name: `Customer ${from}`, ...extra });
  const res = await postWebhook(ctx, to.id, raw, {
    'content-type': 'application/json',
    'x-switchboard-signature': sha256Header(to.secret!, raw),
  });
  expect(res.status, res.text).toBe(200);
  const { rows } = await ctx.database.pool.query(
    'select m.id, m.conversation_id, c.contact_id from messages m join conversations c on c.id = m.conversation_id where m.channel_id = $1 and m.provider_message_id = $2',
    [to.id, id],
  );
  return rows[0] as { id: string; conversation_id: string; contact_id: string };
}

const auditEntries = async (session: Session, targetId: string) =>
  (await call(ctx.app, 'GET', `/api/audit-log?targetId=${targetId}`, { cookie: session.cookie })).body.entries as {
    action: string;
    actorUserId: string;
    data: { fields?: string[] };
  }[];

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Privacy');
  other = await signup(ctx.app, 'Elsewhere');
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
  otherChannel = await createChannel(ctx, other, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
  agentCookie = (await addMember(ctx.app, owner, { name: 'Privacy Agent' })).cookie;
});
afterAll(() => ctx.close());

describe('contact export', () => {
  it('downloads the contact, identities, conversations with messages, notes and attachments, and the timeline; audited', async () => {
    const first = await inbound(channel, 'exp-1', 'Where is order 4242?', {
      attachments: [{ url: 'https://files.example.com/receipt.pdf', contentType: 'application/pdf' }],
    });
    const contactId = first.contact_id;
    expect(
      (
        await call(ctx.app, 'PATCH', `/api/contacts/${contactId}`, {
          cookie: owner.cookie,
          body: { email: 'export@example.com', attributes: { plan: 'gold' }, tags: ['vip'] },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/notes`, { cookie: owner.cookie, body: { text: 'Prefers email' } })).status,
    ).toBe(201);
    expect(
      (
        await call(ctx.app, 'POST', `/api/conversations/${first.conversation_id}/messages`, {
          cookie: owner.cookie,
          body: { text: 'It ships today.' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(ctx.app, 'POST', `/api/conversations/${first.conversation_id}/messages`, {
          cookie: owner.cookie,
          body: { text: 'Checked with the warehouse', private: true },
        })
      ).status,
    ).toBe(201);

    const res = await call(ctx.app, 'GET', `/api/contacts/${contactId}/export`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect(res.res.headers.get('content-disposition')).toBe(`attachment; filename="contact-${contactId}.json"`);
    expect(res.res.headers.get('cache-control')).toBe('no-store');
    const file = res.body;
    expect(file.format).toBe('switchboard.contact-export.v1');
    expect(file.contact).toMatchObject({
      id: contactId,
      name: 'Customer exp-1',
      email: 'export@example.com',
      attributes: { plan: 'gold' },
      tags: ['vip'],
    });
    expect(file.identities).toEqual([expect.objectContaining({ channelId: channel.id, channelType: 'api', externalId: 'exp-1' })]);
    expect(file.conversations).toHaveLength(1);
    const messages = file.conversations[0].messages as { text: string; direction: string; note: boolean; attachments: unknown[] }[];
    expect(messages.map((m) => [m.direction, m.text, m.note])).toEqual([
      ['in', 'Where is order 4242?', false],
      ['out', 'It ships today.', false],
      ['out', 'Checked with the warehouse', true],
    ]);
    expect(messages[0]!.attachments).toEqual([{ url: 'https://files.example.com/receipt.pdf', contentType: 'application/pdf' }]);
    const events = file.events as { kind: string; data: Record<string, unknown> }[];
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['field_changed', 'tag_added', 'note']));
    expect(events.find((e) => e.kind === 'note')!.data).toEqual({ text: 'Prefers email' });

    expect((await auditEntries(owner, contactId)).map((e) => e.action)).toContain('contact.exported');
  });

  it('is 404 from another workspace, 403 for an agent, 401 without a session', async () => {
    const { contact_id: contactId } = await inbound(channel, 'exp-2', 'Hello');
    const foreign = await call(ctx.app, 'GET', `/api/contacts/${contactId}/export`, { cookie: other.cookie });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect(JSON.stringify(foreign.body)).not.toContain('exp-2');
    const agent = await call(ctx.app, 'GET', `/api/contacts/${contactId}/export`, { cookie: agentCookie });
    expect(agent.status).toBe(403);
    expect(agent.body.error.code).toBe('forbidden');
    expect((await call(ctx.app, 'GET', `/api/contacts/${contactId}/export`)).status).toBe(401);
    expect((await call(ctx.app, 'GET', '/api/contacts/not-a-uuid/export', { cookie: owner.cookie })).status).toBe(400);
  });
});

describe('contact erasure', () => {
  it('removes messages, attachments, identities, timeline and fields, cancels runs, audits, and a later message starts a new contact', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['size'] } },
          { id: 'ask', type: 'action.ask_question', config: { text: 'Which size?', saveTo: 'vars.size', timeoutMinutes: 60 } },
          { id: 'ok', type: 'action.send_message', config: { text: 'Noted.' } },
        ],
        [
          { source: 't', target: 'ask' },
          { source: 'ask', sourceHandle: 'reply', target: 'ok' },
        ],
      ),
      'Sizes',
    );
    const first = await inbound(channel, 'erase-1', 'size please, my secret is AARDVARK-7731', {
      email: 'erase-me@example.com',
      attachments: [{ url: 'https://files.example.com/passport-7731.jpg', contentType: 'image/jpeg' }],
    });
    const contactId = first.contact_id;
    await drain(ctx);
    const [run] = (await ctx.database.pool.query('select id, status from workflow_runs where workflow_id = $1', [workflowId])).rows;
    expect(run.status).toBe('waiting');
    expect(await count(ctx, `select 1 from graphile_worker.jobs where key = $1`, [`wait:${run.id}`])).toBe(1);
    expect(
      (
        await call(ctx.app, 'PATCH', `/api/contacts/${contactId}`, {
          cookie: owner.cookie,
          body: { name: 'Ada Erase', phone: '+15550007731', attributes: { passport: 'P7731' }, tags: ['vip'] },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/notes`, { cookie: owner.cookie, body: { text: 'AARDVARK-7731 note' } }))
        .status,
    ).toBe(201);
    expect(
      (
        await call(ctx.app, 'POST', `/api/conversations/${first.conversation_id}/messages`, {
          cookie: owner.cookie,
          body: { text: 'AARDVARK-7731 internal', private: true },
        })
      ).status,
    ).toBe(201);

    // Refusals first: wrong confirmation, an agent, another workspace.
    const wrong = await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, {
      cookie: owner.cookie,
      body: { confirm: 'Someone Else' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('validation_failed');
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ field: 'confirm' })]);
    expect((await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, { cookie: owner.cookie, body: {} })).status).toBe(400);
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, { cookie: agentCookie, body: { confirm: 'Ada Erase' } })).status,
    ).toBe(403);
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, { cookie: other.cookie, body: { confirm: contactId } })).status,
    ).toBe(404);
    expect(await count(ctx, `select 1 from messages where text like '%AARDVARK%'`)).toBe(2);

    const erased = await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, {
      cookie: owner.cookie,
      body: { confirm: 'Ada Erase' },
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body).toMatchObject({ erased: true, contactId, removed: { conversations: 1, identities: 1, runsCancelled: 1 } });
    expect(erased.body.removed.messages).toBeGreaterThanOrEqual(3); // the customer's, the bot's question, the note

    // Nothing the person said or is remains in the database.
    for (const needle of ['AARDVARK', 'passport-7731', 'erase-me@example.com', '+15550007731', 'P7731', 'Ada Erase']) {
      const { rows } = await ctx.database.pool.query(
        `select 'messages' as t from messages where text like $1 or attachments::text like $1
         union all select 'contacts' from contacts where concat_ws(' ', name, email, phone, attributes::text) like $1
         union all select 'events' from contact_events where data::text like $1
         union all select 'runs' from workflow_runs where variables::text like $1 or trigger::text like $1
         union all select 'steps' from run_steps where input::text like $1 or output::text like $1
         union all select 'audit' from audit_log where data::text like $1`,
        [`%${needle}%`],
      );
      expect(rows, needle).toEqual([]);
    }
    expect(await count(ctx, 'select 1 from contact_identities where contact_id = $1', [contactId])).toBe(0);
    expect(await count(ctx, 'select 1 from contact_events where contact_id = $1', [contactId])).toBe(0);
    expect(await count(ctx, 'select 1 from conversations where contact_id = $1', [contactId])).toBe(0);
    const [row] = (
      await ctx.database.pool.query('select name, email, phone, attributes, tags, erased_at, deleted_at from contacts where id = $1', [
        contactId,
      ])
    ).rows;
    expect(row).toMatchObject({ name: null, email: null, phone: null, attributes: {}, tags: [] });
    expect(row.erased_at).not.toBeNull();
    expect(row.deleted_at).not.toBeNull();
    const [after] = (await ctx.database.pool.query('select status, variables from workflow_runs where id = $1', [run.id])).rows;
    expect(after).toEqual({ status: 'cancelled', variables: {} });
    expect(await count(ctx, 'select 1 from run_waits where run_id = $1', [run.id])).toBe(0);
    expect(await count(ctx, `select 1 from graphile_worker.jobs where key = $1`, [`wait:${run.id}`])).toBe(0);

    // Gone from the API; a second erasure finds nothing; audited with field names only.
    expect((await call(ctx.app, 'GET', `/api/contacts/${contactId}`, { cookie: owner.cookie })).status).toBe(404);
    expect((await call(ctx.app, 'GET', `/api/contacts/${contactId}/export`, { cookie: owner.cookie })).status).toBe(404);
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, { cookie: owner.cookie, body: { confirm: contactId } })).status,
    ).toBe(404);
    const entry = (await auditEntries(owner, contactId)).find((e) => e.action === 'contact.erased');
    expect(entry).toMatchObject({
      actorUserId: owner.userId,
      data: { fields: expect.arrayContaining(['name', 'email', 'messages', 'identities']) },
    });

    // Jobs queued before the erasure find nothing to act on.
    await drain(ctx);
    expect((await ctx.database.pool.query('select status from workflow_runs where id = $1', [run.id])).rows[0].status).toBe('cancelled');

    // The same provider identity writes again, with the same email: a new, empty contact.
    const again = await inbound(channel, 'erase-1', 'hello again', { email: 'erase-me@example.com' });
    expect(again.contact_id).not.toBe(contactId);
    const fresh = await call(ctx.app, 'GET', `/api/contacts/${again.contact_id}`, { cookie: owner.cookie });
    expect(fresh.body).toMatchObject({ name: 'Customer erase-1', attributes: {}, tags: [] });
    const thread = await call(ctx.app, 'GET', `/api/conversations/${again.conversation_id}/messages`, { cookie: owner.cookie });
    expect(thread.status).toBe(200);
    expect(JSON.stringify(thread.body)).not.toContain('AARDVARK');
    expect(
      (await ctx.database.pool.query('select name, erased_at is not null as erased from contacts where id = $1', [contactId])).rows[0],
    ).toEqual({ name: null, erased: true });
    const exported = await call(ctx.app, 'GET', `/api/contacts/${again.contact_id}/export`, { cookie: owner.cookie });
    expect(exported.body.conversations).toHaveLength(1);
    expect(exported.body.conversations[0].messages.map((m: { text: string }) => m.text)).toEqual(['hello again']);
  });

  it('a message that arrives while the erasure commits waits for it and then starts a new contact', async () => {
    const first = await inbound(channel, 'erase-race', 'before the erasure');
    let arrived: Promise<Awaited<ReturnType<typeof inbound>>> | undefined;
    await ctx.deps.db.transaction(async (tx) => {
      expect(await eraseContact(tx, owner.workspaceId, first.contact_id)).not.toBeNull();
      // The message's statement blocks on the erased contact's row lock until this commits.
      arrived = inbound(channel, 'erase-race', 'during the erasure');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await count(ctx, `select 1 from messages where text = 'during the erasure'`)).toBe(0);
    });
    const during = await arrived!;
    expect(during.contact_id).not.toBe(first.contact_id);
    const [old] = (
      await ctx.database.pool.query('select name, deleted_at is not null as deleted from contacts where id = $1', [first.contact_id])
    ).rows;
    expect(old).toEqual({ name: null, deleted: true });
    expect(await count(ctx, `select 1 from messages where text = 'before the erasure'`)).toBe(0);
  });

  it('the database refuses personal fields on an erased contact, whatever path writes them', async () => {
    const { contact_id: contactId } = await inbound(channel, 'erase-2', 'hi');
    expect(
      (await call(ctx.app, 'POST', `/api/contacts/${contactId}/erase`, { cookie: owner.cookie, body: { confirm: contactId } })).status,
    ).toBe(200);
    await expect(ctx.database.pool.query(`update contacts set name = 'Back again' where id = $1`, [contactId])).rejects.toThrow(
      /contacts_erased_holds_nothing/,
    );
  });
});

describe('retention', () => {
  it('validates the workspace setting', async () => {
    for (const bad of [0, 3651, 1.5, '30']) {
      const res = await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { retentionDays: bad } } });
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.error.message).toContain('retentionDays');
    }
    expect(
      (await call(ctx.app, 'PATCH', '/api/workspace', { cookie: agentCookie, body: { settings: { retentionDays: 30 } } })).status,
    ).toBe(403);
    const set = await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { retentionDays: 30 } } });
    expect(set.status).toBe(200);
    expect(set.body.settings.retentionDays).toBe(30);
    const cleared = await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { retentionDays: null } } });
    expect(cleared.body.settings.retentionDays).toBeUndefined();
  });

  it('the daily sweep deletes messages older than the setting, in this workspace only, and queues the next sweep', async () => {
    const oldMine = await inbound(channel, 'ret-1', 'old message of mine');
    const newMine = await inbound(channel, 'ret-1', 'new message of mine');
    const oldTheirs = await inbound(otherChannel, 'ret-2', 'old message of theirs');
    const backdate = (id: string, days: number) =>
      ctx.database.pool.query(`update messages set created_at = now() - make_interval(days => $2) where id = $1`, [id, days]);
    await backdate(oldMine.id, 45);
    await backdate(newMine.id, 10);
    await backdate(oldTheirs.id, 400);
    // 2,100 more old messages: more than one delete batch.
    await ctx.database.pool.query(
      `insert into messages (workspace_id, conversation_id, channel_id, direction, author, text, status, created_at)
       select $1, $2, $3, 'in', 'contact', 'bulk ' || g, 'received', now() - interval '60 days' from generate_series(1, 2100) g`,
      [owner.workspaceId, oldMine.conversation_id, channel.id],
    );
    expect(
      (await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { retentionDays: 30 } } })).status,
    ).toBe(200);

    const outcome = await retentionSweepTask(ctx.deps.db, {});
    expect(outcome.deleted).toBe(2101);
    expect(await count(ctx, 'select 1 from messages where id = $1', [oldMine.id])).toBe(0);
    expect(await count(ctx, 'select 1 from messages where id = $1', [newMine.id])).toBe(1);
    // The other workspace has no setting: its 400-day-old message stays.
    expect(await count(ctx, 'select 1 from messages where id = $1', [oldTheirs.id])).toBe(1);
    expect(await count(ctx, `select 1 from messages where text like 'bulk %'`)).toBe(0);
    const thread = await call(ctx.app, 'GET', `/api/conversations/${newMine.conversation_id}/messages`, { cookie: owner.cookie });
    expect(JSON.stringify(thread.body)).not.toContain('old message of mine');

    const [next] = await jobsOf(ctx, 'retention_sweep');
    expect(next.key).toBe('retention_sweep');
    expect(new Date(next.run_at).getUTCHours()).toBe(3);
    expect(new Date(next.run_at).getTime()).toBeGreaterThan(Date.now());
    // Run again: nothing left to delete.
    expect((await sweepRetention(ctx.deps.db)).deleted).toBe(0);

    // The queued job, once due, runs on the real worker and queues the one after it.
    const later = await inbound(channel, 'ret-1', 'aged since the last sweep');
    await backdate(later.id, 31);
    await ctx.database.pool.query(
      `select graphile_worker.reschedule_jobs(array_agg(id), run_at := now()) from graphile_worker.jobs where key = 'retention_sweep'`,
    );
    await drain(ctx);
    expect(await count(ctx, 'select 1 from messages where id = $1', [later.id])).toBe(0);
    expect(await count(ctx, 'select 1 from messages where id = $1', [newMine.id])).toBe(1);
    const queued = await jobsOf(ctx, 'retention_sweep');
    expect(queued).toHaveLength(1);
    expect(new Date(queued[0].run_at).getTime()).toBeGreaterThan(Date.now());
  });
});

describe('audit log', () => {
  it('keeps the names of changed fields, never their values', async () => {
    const { contact_id: contactId } = await inbound(channel, 'aud-1', 'hi');
    expect(
      (await call(ctx.app, 'PATCH', `/api/contacts/${contactId}`, { cookie: owner.cookie, body: { email: 'value-email@example.com' } }))
        .status,
    ).toBe(200);
    const created = await call(ctx.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'telegram', name: 'Value Bot', config: { botToken: '123456:VALUE-TOKEN-SECRET', secretToken: 'value-secret-token-1' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await call(ctx.app, 'PATCH', `/api/channels/${created.body.id}`, {
      cookie: owner.cookie,
      body: { name: 'Value Bot Renamed', config: { botToken: '654321:VALUE-TOKEN-NEW' } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(
      (
        await call(ctx.app, 'PATCH', '/api/workspace', {
          cookie: owner.cookie,
          body: { name: 'Value Workspace Name', settings: { expectedReplyMinutes: 17 } },
        })
      ).status,
    ).toBe(200);

    const log = await call(ctx.app, 'GET', '/api/audit-log?limit=200', { cookie: owner.cookie });
    expect(log.status).toBe(200);
    const entries = log.body.entries as { action: string; targetId: string; data: { fields?: string[] } }[];
    const of = (action: string, targetId: string) => entries.find((e) => e.action === action && e.targetId === targetId)?.data;
    expect(of('contact.updated', contactId)).toEqual({ fields: ['email'] });
    expect(of('channel.created', created.body.id)!.fields).toEqual(expect.arrayContaining(['name', 'botToken']));
    expect(of('channel.updated', created.body.id)).toEqual({ fields: ['name', 'botToken'] });
    expect(of('workspace.updated', owner.workspaceId)).toEqual({ fields: ['name', 'settings.expectedReplyMinutes'] });
    const text = JSON.stringify(entries);
    for (const value of ['value-email@example.com', 'VALUE-TOKEN', 'value-secret-token', 'Value Bot', 'Value Workspace Name'])
      expect(text, value).not.toContain(value);
    // Every entry holds field names and nothing else.
    for (const e of entries) expect(Object.keys(e.data)).toEqual(['fields']);
  });

  it('the upgrade strips values from entries written before the rule, keeping their names', async () => {
    const insert = (data: unknown) =>
      ctx.database.pool.query(
        `insert into audit_log (workspace_id, action, target_type, data) values ($1, 'old.entry', 'test', $2) returning id`,
        [other.workspaceId, JSON.stringify(data)],
      );
    const ids = [
      (await insert({ name: 'Old Channel Name', fields: ['botToken'] })).rows[0].id,
      (await insert({ status: 'resolved', assigneeId: 'u-1' })).rows[0].id,
      (await insert({ fields: ['email'] })).rows[0].id,
      (await insert({})).rows[0].id,
    ];
    const statements = readFileSync(join(migrationsFolder, '0012_data_protection.sql'), 'utf8').split('--> statement-breakpoint');
    await ctx.database.pool.query(statements.find((st) => st.includes('update audit_log'))!);
    const { rows } = await ctx.database.pool.query('select id, data from audit_log where id = any($1::uuid[])', [ids]);
    const data = (id: string) => rows.find((r) => r.id === id)!.data;
    expect(data(ids[0])).toEqual({ fields: ['botToken', 'name'] });
    expect(data(ids[1])).toEqual({ fields: ['assigneeId', 'status'] });
    expect(data(ids[2])).toEqual({ fields: ['email'] });
    expect(data(ids[3])).toEqual({});
  });
});
