import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { assignConversation } from '../src/inbox/assignment';
import { addMember as invite, call, cookieFrom, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let channel: { id: string; secret?: string };
let n = 0;

async function inbound(from: string, text = 'hello') {
  const id = `m-${++n}`;
  const raw = JSON.stringify({ id, from, text, name: from });
  const res = await postWebhook(ctx, channel.id, raw, {
    'content-type': 'application/json',
    'x-switchboard-signature': sha256Header(channel.secret!, raw),
  });
  expect(res.status).toBe(200);
  const { rows } = await ctx.database.pool.query('select conversation_id from messages where provider_message_id = $1', [id]);
  return rows[0].conversation_id as string;
}

async function addMember(name: string, extra: Record<string, unknown> = {}) {
  const email = `${name.toLowerCase()}-${Math.random().toString(16).slice(2)}@example.com`;
  const member = await invite(ctx.app, owner, { name, email });
  if (Object.keys(extra).length)
    expect((await call(ctx.app, 'PATCH', `/api/members/${member.userId}`, { cookie: owner.cookie, body: extra })).status).toBe(200);
  return { userId: member.userId, cookie: member.cookie };
}

const assign = (conversationId: string, input: Partial<Parameters<typeof assignConversation>[1]>) =>
  ctx.deps.db.transaction((tx) => assignConversation(tx, { workspaceId: owner.workspaceId, conversationId, to: 'team', ...input }));

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Inbox');
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
  // The owner is not part of the rotation in these tests.
  await call(ctx.app, 'PATCH', `/api/members/${owner.userId}`, { cookie: owner.cookie, body: { available: false } });
});
afterAll(() => ctx.close());

describe('assignment engine', () => {
  let a: { userId: string }, b: { userId: string }, c: { userId: string };
  let teamId: string;

  beforeAll(async () => {
    a = await addMember('Ann', { maxConversations: 2 });
    b = await addMember('Ben', { maxConversations: 2 });
    c = await addMember('Cid', { available: false });
    const team = await call(ctx.app, 'POST', '/api/teams', {
      cookie: owner.cookie,
      body: { name: 'Sales', memberIds: [a.userId, b.userId, c.userId] },
    });
    expect(team.status).toBe(201);
    teamId = team.body.id;
  });

  it('rotates round robin, skips unavailable agents, respects capacity, then leaves the conversation in the team queue', async () => {
    const picks = [];
    for (let i = 0; i < 5; i++) picks.push(await assign(await inbound(`rr-${i}`), { teamId }));
    expect(picks.slice(0, 4).sort()).toEqual([a.userId, a.userId, b.userId, b.userId].sort());
    expect(picks[0]).not.toBe(picks[1]);
    expect(picks).not.toContain(c.userId);
    expect(picks[4]).toBeNull();
    const { rows } = await ctx.database.pool.query(
      'select assignee_id, team_id from conversations where contact_id = (select contact_id from contact_identities where external_id = $1)',
      ['rr-4'],
    );
    expect(rows[0]).toEqual({ assignee_id: null, team_id: teamId });
  });

  it('least busy picks the agent with fewest open conversations; resolving frees capacity', async () => {
    const { rows } = await ctx.database.pool.query(`select id from conversations where assignee_id = $1 order by created_at limit 2`, [
      a.userId,
    ]);
    for (const row of rows) {
      expect(
        (await call(ctx.app, 'PATCH', `/api/conversations/${row.id}`, { cookie: owner.cookie, body: { status: 'resolved' } })).status,
      ).toBe(200);
    }
    expect(await assign(await inbound('lb-1'), { teamId, strategy: 'least_busy' })).toBe(a.userId);
  });

  it('assigns concurrently without exceeding anyone’s capacity', async () => {
    await ctx.database.pool.query(`update conversations set status = 'resolved' where workspace_id = $1`, [owner.workspaceId]);
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => inbound(`race-${i}`)));
    const picks = await Promise.all(ids.map((id) => assign(id, { teamId, strategy: 'least_busy' })));
    expect(picks.filter((p) => p === a.userId)).toHaveLength(2);
    expect(picks.filter((p) => p === b.userId)).toHaveLength(2);
    expect(picks.filter((p) => p === null)).toHaveLength(2);
  });
});

describe('inbox API', () => {
  it('filters by status, assignee and channel and pages with a cursor', async () => {
    const agent = await addMember('Dee');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await inbound(`page-${i}`));
    await call(ctx.app, 'PATCH', `/api/conversations/${ids[0]}`, {
      cookie: owner.cookie,
      body: { assigneeId: agent.userId, priority: 'high' },
    });

    const mine = await call(ctx.app, 'GET', '/api/conversations?assignee=me', { cookie: agent.cookie });
    expect(mine.body.conversations.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(mine.body.conversations[0]).toMatchObject({
      priority: 'high',
      handledBy: 'human',
      assignee: { id: agent.userId, name: 'Dee' },
      channel: { id: channel.id, type: 'api' },
    });
    expect(mine.body.conversations[0].lastMessage).toMatchObject({ text: 'hello', direction: 'in', author: 'contact' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/conversations?status=open&assignee=unassigned&channelId=${channel.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(ctx.app, 'GET', q, { cookie: owner.cookie });
      expect(page.status).toBe(200);
      expect(page.body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.conversations.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids.slice(1)) expect(seen).toContain(id);
    expect(seen).not.toContain(ids[0]);
    expect((await call(ctx.app, 'GET', '/api/conversations?cursor=garbage', { cookie: owner.cookie })).status).toBe(400);
  });

  it('keeps private notes out of delivery, and an agent reply makes a person handle the conversation', async () => {
    const id = await inbound('notes');
    const note = await call(ctx.app, 'POST', `/api/conversations/${id}/messages`, {
      cookie: owner.cookie,
      body: { text: 'VIP customer', private: true },
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ private: true, status: 'sent', author: 'agent', authorUser: { id: owner.userId } });
    const { rows } = await ctx.database.pool.query(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'deliver_message' and key = 'deliver:' || $1`,
      [note.body.id],
    );
    expect(rows[0].n).toBe(0);
    expect((await call(ctx.app, 'GET', `/api/conversations/${id}`, { cookie: owner.cookie })).body.handledBy).toBe('bot');
    const reply = await call(ctx.app, 'POST', `/api/conversations/${id}/messages`, { cookie: owner.cookie, body: { text: 'On it' } });
    expect(reply.body.status).toBe('queued');
    const detail = await call(ctx.app, 'GET', `/api/conversations/${id}`, { cookie: owner.cookie });
    expect(detail.body.handledBy).toBe('human');
    const thread = await call(ctx.app, 'GET', `/api/conversations/${id}/messages`, { cookie: owner.cookie });
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toEqual(['hello', 'VIP customer', 'On it']);
  });

  it('reopens a resolved conversation when the customer writes again', async () => {
    const id = await inbound('comeback');
    await call(ctx.app, 'PATCH', `/api/conversations/${id}`, { cookie: owner.cookie, body: { status: 'resolved' } });
    expect((await call(ctx.app, 'GET', `/api/conversations/${id}`, { cookie: owner.cookie })).body.status).toBe('resolved');
    expect(await inbound('comeback', 'me again')).toBe(id);
    expect((await call(ctx.app, 'GET', `/api/conversations/${id}`, { cookie: owner.cookie })).body.status).toBe('open');
  });

  it('records contact edits, tags and notes on the timeline', async () => {
    const created = await call(ctx.app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: { name: 'Eve', email: 'eve@example.com', tags: ['lead'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const patched = await call(ctx.app, 'PATCH', `/api/contacts/${id}`, {
      cookie: owner.cookie,
      body: { name: 'Eve B', attributes: { cake: 'lemon' }, tags: ['lead', 'vip'] },
    });
    expect(patched.body).toMatchObject({ name: 'Eve B', attributes: { cake: 'lemon' }, tags: ['lead', 'vip'] });
    await call(ctx.app, 'POST', `/api/contacts/${id}/notes`, { cookie: owner.cookie, body: { text: 'Wedding in June' } });
    const events = await call(ctx.app, 'GET', `/api/contacts/${id}/events`, { cookie: owner.cookie });
    const kinds = events.body.events.map((e: { kind: string; data: Record<string, unknown> }) => [e.kind, e.data]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['field_changed', { field: 'name', old: 'Eve', new: 'Eve B' }],
        ['field_changed', { field: 'attributes.cake', old: null, new: 'lemon' }],
        ['tag_added', { tag: 'vip' }],
        ['note', { text: 'Wedding in June' }],
      ]),
    );
    expect((await call(ctx.app, 'GET', '/api/tags', { cookie: owner.cookie })).body.tags).toEqual(expect.arrayContaining(['lead', 'vip']));
    const search = await call(ctx.app, 'GET', '/api/contacts?q=eve&tag=vip', { cookie: owner.cookie });
    expect(search.body.contacts.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await call(ctx.app, 'DELETE', `/api/contacts/${id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', `/api/contacts/${id}`, { cookie: owner.cookie })).status).toBe(404);
  });

  it('keeps agents from managing members and channels', async () => {
    const agent = await addMember('Fay');
    expect(
      (await call(ctx.app, 'POST', '/api/members/invitations', { cookie: agent.cookie, body: { email: 'x@example.com', role: 'agent' } }))
        .status,
    ).toBe(403);
    expect((await call(ctx.app, 'PATCH', `/api/members/${owner.userId}`, { cookie: agent.cookie, body: { available: true } })).status).toBe(
      403,
    );
    expect(
      (await call(ctx.app, 'PATCH', `/api/members/${agent.userId}`, { cookie: agent.cookie, body: { available: false } })).status,
    ).toBe(200);
    expect((await call(ctx.app, 'DELETE', `/api/channels/${channel.id}`, { cookie: agent.cookie })).status).toBe(403);
  });
});

describe('GET /api/stream', () => {
  it('streams message.created for its own workspace only', async () => {
    const other = await signup(ctx.app, 'Other');
    const otherChannel = await createChannel(ctx, other, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
    const res = await ctx.app.request('/api/stream', { headers: { cookie: owner.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 5_000;
      while (!text.includes(needle) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (chunk && !chunk.done) text += decoder.decode(chunk.value);
      }
      return text.includes(needle);
    };
    await readUntil(': connected');
    const rawOther = JSON.stringify({ id: 'other-1', from: 'stranger', text: 'secret of another shop' });
    await postWebhook(ctx, otherChannel.id, rawOther, { 'x-switchboard-signature': sha256Header(otherChannel.secret!, rawOther) });
    await inbound('streamer', 'live hello');
    expect(await readUntil('live hello')).toBe(true);
    expect(text).toContain('event: message.created');
    expect(await readUntil('conversation.updated')).toBe(true);
    expect(text).not.toContain('secret of another shop');
    await reader.cancel();
  });
});
