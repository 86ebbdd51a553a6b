import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';

/**
 * A flow or an agent naming another workspace's people or teams: publishing refuses it (422
 * naming node and field), conversation edits refuse it (400), and a published flow that already
 * holds such an id assigns nothing across workspaces when it runs.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let a: Session;
let b: Session;
let aTeam: string;
let bTeam: string;

beforeAll(async () => {
  ctx = await createTestContext();
  app = createApp(ctx.deps, { rateLimit: false });
  a = await signup(app, 'Alpha');
  b = await signup(app, 'Bravo');
  aTeam = (await call(app, 'POST', '/api/teams', { cookie: a.cookie, body: { name: 'Alpha support' } })).body.id;
  bTeam = (await call(app, 'POST', '/api/teams', { cookie: b.cookie, body: { name: 'Bravo support' } })).body.id;
});
afterAll(() => ctx.close());

const withNode = (node: { id: string; type: string; config: Record<string, unknown> }) =>
  flow([{ id: 't', type: 'trigger.message_received', config: { keywords: ['route me'] } }, node], [{ source: 't', target: node.id }]);

async function publish(definition: unknown) {
  const created = await call(app, 'POST', '/api/workflows', { cookie: a.cookie, body: { name: 'Router', definition } });
  expect(created.status).toBe(201);
  return call(app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: a.cookie });
}

describe('publishing', () => {
  it("refuses another workspace's agent or team in assign and handoff nodes, naming node and field", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ id: 'as', type: 'action.assign', config: { to: 'agent', userId: b.userId } }, 'as', 'userId'],
      [{ id: 'at', type: 'action.assign', config: { to: 'team', teamId: bTeam } }, 'at', 'teamId'],
      [{ id: 'ho', type: 'action.handoff', config: { teamId: bTeam } }, 'ho', 'teamId'],
      [{ id: 'bad', type: 'action.assign', config: { to: 'agent', userId: 'not-an-id' } }, 'bad', 'userId'],
    ];
    for (const [node, nodeId, field] of cases) {
      const res = await publish(withNode(node as never));
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.code).toBe('flow_invalid');
      expect(res.body.error.details.errors).toContainEqual(expect.objectContaining({ nodeId, field, code: 'foreign_reference' }));
      expect(res.body.error.message).toContain(`Node ${nodeId}: ${field}`);
    }
  });

  it("publishes the same nodes with the workspace's own agent and team", async () => {
    for (const node of [
      { id: 'as', type: 'action.assign', config: { to: 'agent', userId: a.userId } },
      { id: 'at', type: 'action.assign', config: { to: 'team', teamId: aTeam } },
      { id: 'ho', type: 'action.handoff', config: { teamId: aTeam } },
    ]) {
      const res = await publish(withNode(node));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
});

describe('assignment', () => {
  it("PATCH conversation refuses another workspace's assignee and team (400) and changes nothing", async () => {
    const webchat = await createWebchat(ctx, a.workspaceId);
    const { conversationId } = await customerSays(ctx, webchat, 'patch-visitor', 'hello');
    for (const body of [{ assigneeId: b.userId }, { teamId: bTeam }, { assigneeId: a.userId, teamId: bTeam }]) {
      const res = await call(app, 'PATCH', `/api/conversations/${conversationId}`, { cookie: a.cookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(/assigneeId|teamId/);
    }
    const { rows } = await ctx.database.pool.query('select assignee_id, team_id from conversations where id = $1', [conversationId]);
    expect(rows[0]).toEqual({ assignee_id: null, team_id: null });
  });

  it("a flow published before the check, holding another workspace's team, assigns nothing across workspaces", async () => {
    const flowId = await publishFlow(
      ctx,
      a,
      withNode({ id: 'at', type: 'action.assign', config: { to: 'team', teamId: aTeam } }),
      'Legacy router',
    );
    // As stored before publishing checked references: the version names Bravo's team.
    await ctx.database.pool.query(
      `update workflow_versions set definition = jsonb_set(definition, '{nodes,1,config,teamId}', to_jsonb($1::text)) where workflow_id = $2`,
      [bTeam, flowId],
    );
    await ctx.database.pool.query(`select pg_notify('switchboard_events', '{}')`);
    ctx.deps.activeFlows.invalidate(a.workspaceId);
    // The routers published above answer "route me" too; one flow answers a message: this one, first.
    expect((await call(app, 'PUT', '/api/workflows/order', { cookie: a.cookie, body: { ids: [flowId] } })).status).toBe(200);
    const webchat = await createWebchat(ctx, a.workspaceId);
    const { conversationId } = await customerSays(ctx, webchat, 'legacy-visitor', 'route me please');
    await drain(ctx);
    const { rows } = await ctx.database.pool.query('select team_id from conversations where id = $1', [conversationId]);
    expect(rows[0].team_id).not.toBe(bTeam);
    const { rows: inB } = await ctx.database.pool.query('select count(*)::int as n from conversations where team_id = $1', [bTeam]);
    expect(inB[0].n).toBe(0);
    // The run reached the node and failed there, saying why (no retry can help).
    const { rows: steps } = await ctx.database.pool.query(
      `select s.status, s.error from run_steps s join workflow_runs r on r.id = s.run_id where r.workflow_id = $1 and s.node_id = 'at'`,
      [flowId],
    );
    expect(steps).toEqual([{ status: 'failed', error: expect.stringContaining(`The team ${bTeam} is not part of this workspace`) }]);
  });
});
