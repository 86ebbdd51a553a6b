import { call, type Session, type TestContext } from './helpers';
import { createWebchat, flow } from './flow-helpers';

type Fetchable = Parameters<typeof call>[0];

/** The things hostile requests aim at: one of each, in the attacker's own workspace. */
export async function hostileTargets(ctx: TestContext, app: Fetchable, owner: Session) {
  const contact = (await call(app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name: 'Target' } })).body.id as string;
  const knowledge = (await call(app, 'POST', '/api/knowledge', { cookie: owner.cookie, body: { question: 'Q?', answer: 'A' } })).body
    .id as string;
  const team = (await call(app, 'POST', '/api/teams', { cookie: owner.cookie, body: { name: 'Team' } })).body.id as string;
  const workflow = (
    await call(app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: { name: 'Flow', definition: flow([{ id: 't', type: 'trigger.message_received' }], []) },
    })
  ).body.id as string;
  const hook = await call(app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: {
      name: 'Hook',
      definition: flow(
        [
          { id: 't', type: 'trigger.webhook' },
          { id: 'e', type: 'action.end' },
        ],
        [{ source: 't', target: 'e' }],
      ),
    },
  });
  const published = await call(app, 'POST', `/api/workflows/${hook.body.id}/publish`, { cookie: owner.cookie });
  if (published.status !== 200) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
  const webhookPath = new URL(published.body.workflow.webhookUrl as string).pathname;
  const webchat = await createWebchat(ctx, owner.workspaceId);
  return { contact, knowledge, team, workflow, webhookPath, webchat: webchat.id };
}
