import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { loadFlowData } from '../src/flows/run-context';
import { createTestContext, signup, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** A workspace with one inbound message from one customer, through its api channel. */
async function workspaceWithMessage(owner: string, text: string) {
  const session = await signup(ctx.app, owner);
  const channel = await createChannel(ctx, session, 'api', { callbackUrl: 'https://example.com/hook' });
  const raw = JSON.stringify({ id: `${owner}-1`, from: `${owner}-customer`, text, name: `${owner}'s customer` });
  expect(
    (
      await postWebhook(ctx, channel.id, raw, {
        'content-type': 'application/json',
        'x-switchboard-signature': sha256Header(channel.secret!, raw),
      })
    ).status,
  ).toBe(200);
  const [message] = await inboundByProviderId(ctx, channel.id, `${owner}-1`);
  const { rows } = await ctx.database.pool.query('select contact_id from conversations where id = $1', [message.conversation_id]);
  return {
    workspaceId: message.workspace_id as string,
    contactId: rows[0].contact_id as string,
    conversationId: message.conversation_id as string,
    messageId: message.id as string,
  };
}

describe('the flow context', () => {
  it("reads a run's own contact, conversation and message, and nothing of another workspace's", async () => {
    const mine = await workspaceWithMessage('Mine', 'my question');
    const theirs = await workspaceWithMessage('Theirs', 'their secret');
    const run = (scope: typeof mine) => ({
      workspaceId: mine.workspaceId,
      contactId: scope.contactId,
      conversationId: scope.conversationId,
      trigger: {},
      variables: {},
    });

    const own = await loadFlowData(ctx.database.db, run(mine), mine.messageId);
    expect(own.contact).toMatchObject({ id: mine.contactId, name: "Mine's customer" });
    expect(own.conversation).toMatchObject({ id: mine.conversationId, recentMessages: [{ direction: 'in', text: 'my question' }] });
    expect(own.message).toMatchObject({ id: mine.messageId, text: 'my question' });

    const crossed = await loadFlowData(ctx.database.db, run(theirs), theirs.messageId);
    expect(JSON.stringify(crossed)).not.toContain('their secret');
    expect(JSON.stringify(crossed)).not.toContain("Theirs's customer");
    expect(crossed.contact?.id ?? '').toBe('');
    expect(crossed.conversation?.id ?? '').toBe('');
    expect(crossed.message?.id ?? '').toBe('');
  });
});
