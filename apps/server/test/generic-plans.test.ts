import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitingForReply } from '../src/flows/reply-waits';
import { flowContextColumns } from '../src/flows/run-context';
import { createTestContext, signup, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

/**
 * The hot path's statements run as prepared statements, whose generic plan may be made while the
 * tables are small and never analyzed (a new install, a benchmark run). Such a plan must still find
 * rows by primary key, not read a whole workspace's rows or scan a whole table per message.
 */
let ctx: TestContext;
let scope: { workspaceId: string; contactId: string; conversationId: string; messageId: string };
beforeAll(async () => {
  ctx = await createTestContext();
  const session = await signup(ctx.app, 'Planner');
  const channel = await createChannel(ctx, session, 'api', { callbackUrl: 'https://example.com/hook' });
  const { rows } = await ctx.database.pool.query('select id from workspaces limit 1');
  // Ids need not exist for a plan; they only have to be well-formed.
  scope = { workspaceId: rows[0].id, contactId: channel.id, conversationId: channel.id, messageId: channel.id };
});
afterAll(() => ctx.close());

async function genericPlan(statement: SQL): Promise<string> {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement);
  const client = await ctx.database.pool.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare planned as ${text}`);
    const { rows } = await client.query(`explain execute planned(${params.map((p) => `'${String(p)}'`).join(', ')})`);
    return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('deallocate all');
    await client.query('reset plan_cache_mode');
    client.release();
  }
}

describe('generic plans of the hot path', () => {
  it("the flow context finds the trigger message, contact and conversation by primary key, not through the workspace's index", async () => {
    const plan = await genericPlan(sql`select ${flowContextColumns(scope, scope.messageId)}`);
    expect(plan).toContain('messages_pkey');
    expect(plan).not.toMatch(/(messages|contacts|conversations)_workspace\w*_idx/);
  });

  it("a conversation's open wait reads its run by primary key, not by scanning workflow_runs", async () => {
    const plan = await genericPlan(sql`select exists (${waitingForReply(scope.conversationId)})`);
    expect(plan).toContain('workflow_runs_pkey');
    expect(plan).not.toContain('Seq Scan on workflow_runs');
  });
});
