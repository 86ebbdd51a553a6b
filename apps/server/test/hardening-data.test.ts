import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, cookieFrom, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, flow } from './flow-helpers';

let ctx: TestContext;
let owner: Session;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Keeper');
});
afterAll(() => ctx.close());

const row = async (table: string, id: string) => (await ctx.database.pool.query(`select * from ${table} where id = $1`, [id])).rows[0];
const auditOf = async (targetId: string) =>
  (
    await ctx.database.pool.query(
      `select action, actor_user_id, actor_api_key_id, data from audit_log where target_id = $1 order by created_at, id`,
      [targetId],
    )
  ).rows;

describe('destructive routes are soft and audited', () => {
  it('deleting a flow stops it and keeps it, its versions and its history', async () => {
    const wf = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Doomed flow',
        definition: flow(
          [
            { id: 't', type: 'trigger.message_received' },
            { id: 'r', type: 'action.send_message', config: { text: 'hi' } },
          ],
          [{ source: 't', target: 'r' }],
        ),
      },
    });
    const id = wf.body.id as string;
    await call(ctx.app, 'PUT', `/api/workflows/${id}`, {
      cookie: owner.cookie,
      body: { name: 'Renamed flow', definition: wf.body.draft ?? flow([{ id: 't', type: 'trigger.message_received' }], []) },
    });
    expect((await call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie })).status).toBe(200);
    expect((await call(ctx.app, 'DELETE', `/api/workflows/${id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: owner.cookie })).status).toBe(404);
    const kept = await row('workflows', id);
    expect(kept).toMatchObject({ status: 'paused' });
    expect(kept.deleted_at).not.toBeNull();
    expect((await ctx.database.pool.query('select count(*)::int as n from workflow_versions where workflow_id = $1', [id])).rows[0].n).toBe(
      1,
    );
    expect((await auditOf(id)).map((a) => a.action)).toEqual([
      'workflow.created',
      'workflow.draft_saved',
      'workflow.published',
      'workflow.deleted',
    ]);
    expect((await auditOf(id)).every((a) => a.actor_user_id === owner.userId)).toBe(true);
  });

  it('deleting a channel disconnects it and keeps its conversations', async () => {
    const created = await call(ctx.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'webchat', name: 'Site', config: {} },
    });
    const id = created.body.id as string;
    const inbound = await customerSays(ctx, { id, workspaceId: owner.workspaceId, type: 'webchat' }, 'keep-me', 'hello');
    await call(ctx.app, 'PATCH', `/api/channels/${id}`, { cookie: owner.cookie, body: { name: 'Site 2' } });
    expect((await call(ctx.app, 'DELETE', `/api/channels/${id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', `/api/channels/${id}`, { cookie: owner.cookie })).status).toBe(404);
    expect((await call(ctx.app, 'POST', `/widget/${id}/sessions`, { body: {} })).status).toBe(404);
    expect((await row('channels', id)).deleted_at).not.toBeNull();
    expect(
      (await call(ctx.app, 'GET', `/api/conversations/${inbound.conversationId}/messages`, { cookie: owner.cookie })).body.messages,
    ).toHaveLength(1);
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['channel.created', 'channel.updated', 'channel.deleted']);
  });

  it('deleting a contact hides it and keeps its conversations and timeline; every change is audited', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    const created = await call(ctx.app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: { name: 'Dana', email: 'dana@example.com' },
    });
    const id = created.body.id as string;
    await call(ctx.app, 'PATCH', `/api/contacts/${id}`, { cookie: owner.cookie, body: { phone: '+15550001234', tags: ['vip'] } });
    const inbound = await customerSays(ctx, channel, 'dana-visitor', 'hi');
    expect((await call(ctx.app, 'DELETE', `/api/contacts/${id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', `/api/contacts/${id}`, { cookie: owner.cookie })).status).toBe(404);
    expect(
      (await call(ctx.app, 'GET', '/api/contacts', { cookie: owner.cookie })).body.contacts.map((c: { id: string }) => c.id),
    ).not.toContain(id);
    const kept = await row('contacts', id);
    expect(kept).toMatchObject({ name: 'Dana', email: 'dana@example.com' });
    expect(kept.deleted_at).not.toBeNull();
    expect(
      (await ctx.database.pool.query('select count(*)::int as n from contact_events where contact_id = $1', [id])).rows[0].n,
    ).toBeGreaterThanOrEqual(3);
    expect(inbound.conversationId).toBeTruthy();
    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    expect(audit[1].data.fields).toEqual(expect.arrayContaining(['phone', 'tag_added']));
    // The audit log keeps who, not the values.
    expect(JSON.stringify(audit)).not.toContain('+15550001234');
  });

  it('records who did it when an API key acts, and shows the log to admins only', async () => {
    const key = await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'Zapier' } });
    const entry = await call(ctx.app, 'POST', '/api/knowledge', {
      token: key.body.key,
      body: { question: 'Open on Sunday?', answer: 'No' },
    });
    await call(ctx.app, 'PATCH', `/api/knowledge/${entry.body.id}`, { token: key.body.key, body: { answer: 'Yes, 10-14' } });
    await call(ctx.app, 'DELETE', `/api/knowledge/${entry.body.id}`, { token: key.body.key });
    const audit = await auditOf(entry.body.id);
    expect(audit.map((a) => a.action)).toEqual(['knowledge.created', 'knowledge.updated', 'knowledge.deleted']);
    expect(audit.every((a) => a.actor_api_key_id === key.body.id && a.actor_user_id === null)).toBe(true);

    const log = await call(ctx.app, 'GET', `/api/audit-log?targetId=${entry.body.id}`, { cookie: owner.cookie });
    expect(log.status).toBe(200);
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'knowledge.deleted',
      'knowledge.updated',
      'knowledge.created',
    ]);
    const all = await call(ctx.app, 'GET', '/api/audit-log?limit=200', { cookie: owner.cookie });
    expect(all.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['api_key.created', 'workflow.deleted', 'channel.deleted', 'contact.deleted']),
    );

    const email = `agent-${Date.now()}@example.com`;
    await addMember(ctx.app, owner, { name: 'Agent', email });
    const agent = cookieFrom((await call(ctx.app, 'POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).res);
    expect((await call(ctx.app, 'GET', '/api/audit-log', { cookie: agent })).status).toBe(403);
    expect((await call(ctx.app, 'GET', '/api/audit-log')).status).toBe(401);
  });

  it('audits conversation changes and message retries', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    const inbound = await customerSays(ctx, channel, 'conv-audit', 'help');
    await call(ctx.app, 'PATCH', `/api/conversations/${inbound.conversationId}`, { cookie: owner.cookie, body: { status: 'resolved' } });
    const audit = await auditOf(inbound.conversationId!);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'conversation.updated', actor_user_id: owner.userId, data: { fields: ['status'] } }),
    ]);
  });
});
