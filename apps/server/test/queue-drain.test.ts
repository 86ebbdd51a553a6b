/**
 * Queues that drain, with two server processes on one database: 20 agents at capacity resolve a
 * conversation each at the same moment, half through each process; the 20 longest-waiting queued
 * conversations go to them, each exactly once, oldest first. An agent coming back takes the next,
 * and a hand-off with no team goes to whoever is available.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { startServerProcess, TEST_APP_SECRET, waitFor, type ServerProcess } from './processes';

const AGENTS = 20;
const QUEUED = 30;

let ctx: TestContext;
let owner: Session;
let agents: Session[] = [];
let servers: ServerProcess[] = [];
let receiver: StandIn;
let channel: { id: string; secret: string };
/** Queued conversation ids, oldest first. */
let queued: string[] = [];
/** One open conversation per agent, filling their capacity of 1. */
const held = new Map<string, string>();

const sql = (text: string, values: unknown[] = []) => ctx.database.pool.query(text, values);

/** A request to a server process as the agent's browser makes it (its session, same origin). */
async function asAgent(server: ServerProcess, agent: Session, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie: agent.cookie, origin: server.url, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function conversation(contactName: string, values: { assignee?: string; handledBy: 'bot' | 'human'; waitingMinutesAgo: number }) {
  const contact = await sql(`insert into contacts (workspace_id, name) values ($1, $2) returning id`, [owner.workspaceId, contactName]);
  const row = await sql(
    `insert into conversations (workspace_id, contact_id, channel_id, status, handled_by, assignee_id, waiting_since, waiting_for_person_since, last_message_at)
     values ($1, $2, $3, 'open', $4, $5, now() - make_interval(mins => $6), now() - make_interval(mins => $6), now() - make_interval(mins => $6)) returning id`,
    [owner.workspaceId, contact.rows[0].id, channel.id, values.handledBy, values.assignee ?? null, values.waitingMinutesAgo],
  );
  return row.rows[0].id as string;
}

beforeAll(async () => {
  ctx = await createTestContext({ appSecret: Buffer.from(TEST_APP_SECRET, 'hex') });
  owner = await signup(ctx.app, 'Queue');
  receiver = await startStandIn(() => ({ json: { ok: true } }));
  const created = await call(ctx.app, 'POST', '/api/channels', {
    cookie: owner.cookie,
    body: { type: 'api', name: 'Shop app', config: { callbackUrl: `${receiver.baseUrl}/hook` } },
  });
  channel = { id: created.body.id, secret: created.body.secret };
  // The owner takes no conversations: only the agents share the queue.
  await call(ctx.app, 'PATCH', `/api/members/${owner.userId}`, { cookie: owner.cookie, body: { available: false } });
  for (let i = 0; i < AGENTS; i++) agents.push(await addMember(ctx.app, owner, { name: `Agent ${i + 1}`, maxConversations: 1 }));
  for (const [i, agent] of agents.entries())
    held.set(agent.userId, await conversation(`Held ${i}`, { assignee: agent.userId, handledBy: 'human', waitingMinutesAgo: 500 }));
  // Queued: handed to a person, nobody free. Distinct waits: customer 0 has waited longest.
  for (let i = 0; i < QUEUED; i++) queued.push(await conversation(`Queued ${i}`, { handledBy: 'human', waitingMinutesAgo: 300 - i }));
  servers = [
    await startServerProcess({ ROLE: 'all', DATABASE_URL: ctx.database.url }),
    await startServerProcess({ ROLE: 'all', DATABASE_URL: ctx.database.url }),
  ];
}, 180_000);

afterAll(async () => {
  for (const s of servers) await s.kill();
  await receiver?.close();
  await ctx?.close();
});

describe('queues that drain', () => {
  it('20 agents resolving at once across two processes: the 20 oldest queued, each assigned exactly once', async () => {
    const started = Date.now();
    const results = await Promise.all(
      agents.map((agent, i) =>
        asAgent(servers[i % 2]!, agent, 'PATCH', `/api/conversations/${held.get(agent.userId)}`, { status: 'resolved' }),
      ),
    );
    const ms = Date.now() - started;
    expect(results.map((r) => r.status)).toEqual(agents.map(() => 200));

    const rows = (await sql(`select id, assignee_id from conversations where id = any($1)`, [queued])).rows as {
      id: string;
      assignee_id: string | null;
    }[];
    const assigneeOf = new Map(rows.map((r) => [r.id, r.assignee_id]));
    const oldest = queued.slice(0, AGENTS);
    const newest = queued.slice(AGENTS);
    expect(
      oldest.filter((id) => !assigneeOf.get(id)),
      'oldest left unassigned',
    ).toEqual([]);
    expect(
      newest.filter((id) => assigneeOf.get(id)),
      'newer assigned before older',
    ).toEqual([]);
    // Each agent got exactly one: no conversation went to two agents, no agent past capacity.
    const perAgent = new Map<string, number>();
    for (const id of oldest) perAgent.set(assigneeOf.get(id)!, (perAgent.get(assigneeOf.get(id)!) ?? 0) + 1);
    expect([...perAgent.keys()].sort()).toEqual(agents.map((a) => a.userId).sort());
    const open = (
      await sql(
        `select assignee_id, count(*)::int as n from conversations where workspace_id = $1 and status = 'open' and assignee_id is not null group by assignee_id`,
        [owner.workspaceId],
      )
    ).rows;
    expect(open.map((r: { n: number }) => r.n)).toEqual(agents.map(() => 1));
    console.log(`20 resolves across 2 processes answered in ${ms} ms; 20 oldest of ${QUEUED} queued assigned, one each`);
  });

  it('an agent who comes back takes the longest-waiting queued conversation at once', async () => {
    const agent = agents[0]!;
    await asAgent(servers[0]!, agent, 'PATCH', `/api/members/${agent.userId}`, { available: false });
    const mine = (await sql(`select id from conversations where assignee_id = $1 and status = 'open'`, [agent.userId])).rows[0]
      .id as string;
    expect((await asAgent(servers[1]!, agent, 'PATCH', `/api/conversations/${mine}`, { status: 'resolved' })).status).toBe(200);
    // Away: nothing is assigned to them.
    expect(
      (await sql(`select count(*)::int as n from conversations where assignee_id = $1 and status = 'open'`, [agent.userId])).rows[0].n,
    ).toBe(0);
    expect((await asAgent(servers[1]!, agent, 'PATCH', `/api/members/${agent.userId}`, { available: true })).status).toBe(200);
    const taken = (await sql(`select id from conversations where assignee_id = $1 and status = 'open'`, [agent.userId])).rows.map(
      (r: { id: string }) => r.id,
    );
    expect(taken).toEqual([queued[AGENTS]]);
  });

  it('a hand-off with no team goes to whoever is available', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Talk to a person',
        definition: {
          schemaVersion: 1,
          nodes: [
            { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { channels: ['any'], keywords: ['person'] } },
            { id: 'h', type: 'action.handoff', position: { x: 0, y: 120 }, config: { text: 'Passing you to a person now.' } },
          ],
          edges: [{ id: 'e0', source: 't', target: 'h' }],
        },
      },
    });
    expect((await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie })).status).toBe(200);
    // Room for one more: agent 2 raises their capacity (which also drains the queue to them), and the queue is emptied first.
    await sql(`update conversations set status = 'resolved' where workspace_id = $1 and assignee_id is null`, [owner.workspaceId]);
    const agent = agents[1]!;
    expect(
      (await call(ctx.app, 'PATCH', `/api/members/${agent.userId}`, { cookie: owner.cookie, body: { maxConversations: 2 } })).status,
    ).toBe(200);

    const raw = JSON.stringify({ id: randomBytes(8).toString('hex'), from: 'eve', text: 'I need a person please' });
    const res = await fetch(`${servers[0]!.url}/webhooks/channels/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret, raw) },
      body: raw,
    });
    expect(res.status).toBeLessThan(300);
    const assigned = await waitFor(async () => {
      const row = (
        await sql(
          `select c.assignee_id from conversations c join contact_identities i on i.contact_id = c.contact_id where i.external_id = 'eve'`,
        )
      ).rows[0];
      return row?.assignee_id as string | undefined;
    }, 20_000);
    expect(assigned).toBe(agent.userId);
  });

  it('a flow that resolves a conversation frees its agent, and the queue drains to them', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Goodbye',
        definition: {
          schemaVersion: 1,
          nodes: [
            {
              id: 't',
              type: 'trigger.message_received',
              position: { x: 0, y: 0 },
              config: { channels: ['any'], keywords: ['bye'], onlyWhenBot: false },
            },
            { id: 's', type: 'action.set_status', position: { x: 0, y: 120 }, config: { status: 'resolved' } },
          ],
          edges: [{ id: 'e0', source: 't', target: 's' }],
        },
      },
    });
    expect((await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie })).status).toBe(200);
    // Eve's conversation fills agent 2's capacity of 2; one more customer waits in the queue.
    const agent = agents[1]!;
    const waiting = await conversation('Queued late', { handledBy: 'human', waitingMinutesAgo: 1 });
    const raw = JSON.stringify({ id: randomBytes(8).toString('hex'), from: 'eve', text: 'thanks, bye' });
    const res = await fetch(`${servers[1]!.url}/webhooks/channels/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret, raw) },
      body: raw,
    });
    expect(res.status).toBeLessThan(300);
    const assigned = await waitFor(
      async () => (await sql(`select assignee_id from conversations where id = $1`, [waiting])).rows[0].assignee_id as string | null,
      20_000,
    );
    expect(assigned).toBe(agent.userId);
  });
});
