import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInbound } from '../src/pipeline/store';
import { createWebchat, customerSays, drain } from './flow-helpers';
import { createTestContext, signup, type TestContext } from './helpers';

let ctx: TestContext;
let channel: Awaited<ReturnType<typeof createWebchat>>;

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  const owner = await signup(ctx.app, 'HotUpdates');
  channel = await createWebchat(ctx, owner.workspaceId);
});
afterAll(() => ctx.close());

describe("a known customer's message", () => {
  it('updates the conversation and the contact in place (HOT: no new index entries)', async () => {
    await customerSays(ctx, channel, 'hot-1', 'hello');
    await drain(ctx);
    // The transaction's own counters are exact (the cumulative ones are reported later, in bulk).
    const counts = await ctx.database.db.transaction(async (tx) => {
      const event = {
        kind: 'message' as const,
        providerMessageId: randomUUID(),
        externalId: 'hot-1',
        name: 'Ann',
        text: 'price?',
        attachments: [],
        timestamp: new Date(),
      };
      const stored = await storeInbound({ ...ctx.deps, db: tx as unknown as typeof ctx.deps.db }, channel, event);
      expect(stored).toMatchObject({ messageId: expect.any(String) });
      const { rows } = await tx.execute<{ relname: string; updated: number; hot: number }>(sql`
        select relname, pg_stat_get_xact_tuples_updated(oid)::int as updated, pg_stat_get_xact_tuples_hot_updated(oid)::int as hot
        from pg_class where oid in ('conversations'::regclass, 'contacts'::regclass) order by relname`);
      return rows;
    });
    expect(counts).toEqual([
      { relname: 'contacts', updated: 1, hot: 1 },
      { relname: 'conversations', updated: 1, hot: 1 },
    ]);
  });
});
