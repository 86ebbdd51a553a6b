import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '@switchboard/db';
import { hearCustomer, type HearingScope } from '../src/flows/hear-customer';
import { createWebchat, customerSays } from './flow-helpers';
import { createTestContext, signup, type Session, type TestContext } from './helpers';

/**
 * The working agent's inbox read against Postgres: messages no flow has taken yet, heard once per
 * step (a step run again hears the same), consent keywords left to routing, scoped to the workspace.
 */
let ctx: TestContext;
let owner: Session;
let scope: HearingScope;

beforeAll(async () => {
  // No job runs: the stored messages stay unrouted, as while the agent's job holds their queue.
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Inbox');
  const channel = await createWebchat(ctx, owner.workspaceId);
  const stored = [];
  for (const text of ['first', 'STOP', 'second']) stored.push(await customerSays(ctx, channel, 'visitor-1', text));
  scope = { workspaceId: owner.workspaceId, conversationId: stored[0]!.conversationId!, channelType: 'api', consent: {} };
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

const texts = (heard: { text: string }[]) => heard.map((m) => m.text);

describe('hearCustomer', () => {
  it('hears the untaken messages once per step, and a step run again hears the same', async () => {
    const run = randomUUID();
    expect(texts(await hearCustomer(ctx.database.db, scope, { runId: run, seq: 5 }))).toEqual(['first', 'second']);
    expect(texts(await hearCustomer(ctx.database.db, scope, { runId: run, seq: 5 }))).toEqual(['first', 'second']);
    expect(await hearCustomer(ctx.database.db, scope, { runId: run, seq: 6 })).toEqual([]);
    expect(await hearCustomer(ctx.database.db, scope, { runId: randomUUID(), seq: 5 })).toEqual([]);
    // STOP stays for the route stage (it records the opt-out); the heard ones are routed.
    const rows = await ctx.database.db
      .select({ text: messages.text, routedAt: messages.routedAt, meta: messages.meta })
      .from(messages)
      .where(eq(messages.conversationId, scope.conversationId));
    expect(rows.filter((r) => r.routedAt === null).map((r) => r.text)).toEqual(['STOP']);
    expect(rows.find((r) => r.text === 'first')!.meta).toMatchObject({ heardBy: run, heardAtStep: '5' });
  });

  it('hears a message routing left for its run, and only that run does', async () => {
    const channel = {
      id: (
        await ctx.database.db
          .select({ channelId: messages.channelId })
          .from(messages)
          .where(eq(messages.conversationId, scope.conversationId))
      )[0]!.channelId,
      workspaceId: owner.workspaceId,
      type: 'webchat',
    };
    const left = await customerSays(ctx, channel, 'visitor-1', 'third');
    const run = randomUUID();
    await ctx.database.pool.query(
      `update messages set routed_at = now(), meta = meta || jsonb_build_object('leftForRun', $2::text) where id = $1`,
      [left.messageId, run],
    );
    expect(await hearCustomer(ctx.database.db, scope, { runId: randomUUID(), seq: 1 })).toEqual([]);
    expect(texts(await hearCustomer(ctx.database.db, scope, { runId: run, seq: 1 }))).toEqual(['third']);
  });

  it('hears nothing of a conversation outside its workspace', async () => {
    const other = await signup(ctx.app, 'Elsewhere');
    const channel = await createWebchat(ctx, owner.workspaceId);
    const stored = await customerSays(ctx, channel, 'visitor-2', 'not yours');
    expect(
      await hearCustomer(
        ctx.database.db,
        { ...scope, workspaceId: other.workspaceId, conversationId: stored.conversationId! },
        { runId: randomUUID(), seq: 1 },
      ),
    ).toEqual([]);
    expect(
      texts(await hearCustomer(ctx.database.db, { ...scope, conversationId: stored.conversationId! }, { runId: randomUUID(), seq: 1 })),
    ).toEqual(['not yours']);
  });
});
