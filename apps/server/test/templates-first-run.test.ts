/**
 * Templates as a new owner meets them, through HTTP on the real app: sample details (prices,
 * delivery terms) are named in the checklist with their sample and block publishing until changed
 * or published anyway; opening hours and the reply time come from Settings, in the live flow and
 * in the simulator; a one-person business publishes the team templates with no team.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teams } from '@switchboard/db';
import { nodeOf, templateSteps, type TemplateDoc } from './template-helpers';
import { call, createTestContext, type Session, type TestContext } from './helpers';
import { botReplies, customerSays, drain } from './flow-helpers';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const { shop, conversation } = templateSteps(() => ctx);
type Req = { kind: string; nodeId?: string; field?: string; label: string; sample?: unknown };

async function importTemplate(owner: Session, slug: string) {
  const res = await call(ctx.app, 'POST', `/api/templates/${slug}/import`, { cookie: owner.cookie });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.workflow.id as string, doc: res.body.workflow.definition as TemplateDoc, requires: res.body.requires as Req[] };
}
const save = (owner: Session, id: string, definition: TemplateDoc) =>
  call(ctx.app, 'PUT', `/api/workflows/${id}`, { cookie: owner.cookie, body: { definition } });
const publish = (owner: Session, id: string, body?: unknown) =>
  call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie, ...(body === undefined ? {} : { body }) });

describe('sample details in templates', () => {
  it('names each placeholder with its sample, refuses to publish while any is left, and lists what is left', async () => {
    const { owner } = await shop('Samples');
    const { id, doc, requires } = await importTemplate(owner, 'welcome-menu');
    const placeholders = requires.filter((r) => r.kind === 'placeholder');
    expect(placeholders.map((r) => [r.nodeId, r.field])).toEqual([
      ['delivery_answer', 'text'],
      ['prices_answer', 'text'],
    ]);
    for (const p of placeholders) expect(p.sample).toBe(nodeOf(doc, p.nodeId!).config.text);

    const refused = await publish(owner, id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('sample_details_left');
    expect(refused.body.error.details.placeholders).toEqual(placeholders.map(({ nodeId, field, label }) => ({ nodeId, field, label })));
    expect(refused.body.error.message).toBe(
      'This flow still has the template\'s sample details in 2 things: Write how your delivery works in the "Delivery" answer; Write your own prices in the "Prices" answer. Change them, or publish anyway.',
    );
    expect((await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: owner.cookie })).body.status).toBe('draft');

    // One changed: only the other is left.
    nodeOf(doc, 'delivery_answer').config.text = 'Free delivery in Hebden Bridge on orders over £20.';
    expect((await save(owner, id, doc)).status).toBe(200);
    const still = await publish(owner, id);
    expect(still.status).toBe(422);
    expect(still.body.error.details.placeholders.map((p: Req) => p.nodeId)).toEqual(['prices_answer']);

    nodeOf(doc, 'prices_answer').config.text = 'Our sourdough is £4.20 a loaf.';
    expect((await save(owner, id, doc)).status).toBe(200);
    const published = await publish(owner, id);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.workflow.status).toBe('active');
  });

  it('publishes anyway when the owner chooses to, and names a wrong choice instead of failing', async () => {
    const { owner } = await shop('Anyway');
    const { id } = await importTemplate(owner, 'faq-keywords');
    const bad = await publish(owner, id, { allowSamples: 'yes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('allowSamples');
    const anyway = await publish(owner, id, { allowSamples: true });
    expect(anyway.status, JSON.stringify(anyway.body)).toBe(200);
    expect(anyway.body.workflow.status).toBe('active');
  });

  it('checks sample details however the draft got there (saved through the API from another flow)', async () => {
    const { owner } = await shop('Copied');
    const { doc } = await importTemplate(owner, 'faq-keywords');
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'My FAQ', definition: doc } });
    expect(created.status).toBe(201);
    const refused = await publish(owner, created.body.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.placeholders.map((p: Req) => p.nodeId)).toEqual(['delivery_answer', 'prices_answer']);
  });
});

describe('hours and reply time from Settings', () => {
  it('welcome-menu answers with the hours set in Settings, and follows a change without republishing', async () => {
    const { owner, channel } = await shop('Hours');
    const weekend: [string, string][] = [['10:00', '16:00']];
    const patch = (body: unknown) => call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body });
    expect(
      (
        await patch({
          businessHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: weekend, sun: weekend },
          settings: { expectedReplyMinutes: 60 },
        })
      ).status,
    ).toBe(200);
    const { id } = await importTemplate(owner, 'welcome-menu');
    expect((await publish(owner, id, { allowSamples: true })).status).toBe(200);

    const first = await customerSays(ctx, channel, 'fay', 'hi');
    await drain(ctx);
    await customerSays(ctx, channel, 'fay', 'Opening hours');
    await drain(ctx);
    expect((await botReplies(ctx, first.conversationId!)).at(-1)).toBe("We're open Saturday and Sunday, 10am–4pm. Pop in and say hello!");

    expect((await patch({ businessHours: { wed: [['08:00', '12:30']], sat: [], sun: [] } })).status).toBe(200);
    const second = await customerSays(ctx, channel, 'gus', 'hello');
    await drain(ctx);
    await customerSays(ctx, channel, 'gus', 'Opening hours');
    await drain(ctx);
    expect((await botReplies(ctx, second.conversationId!)).at(-1)).toBe("We're open Wednesday, 8am–12:30pm. Pop in and say hello!");
    const third = await customerSays(ctx, channel, 'hal', 'hi there');
    await drain(ctx);
    await customerSays(ctx, channel, 'hal', 'Talk to a person');
    await drain(ctx);
    expect((await botReplies(ctx, third.conversationId!)).at(-1)).toBe(
      "Of course! I've let the team know — someone will reply here shortly, usually within an hour.",
    );
  });

  it('the simulator reads the same Settings', async () => {
    const { owner } = await shop('Simulated');
    expect(
      (await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { businessHours: { fri: [['09:00', '17:00']] } } }))
        .status,
    ).toBe(200);
    const { id } = await importTemplate(owner, 'faq-keywords');
    const run = await call(ctx.app, 'POST', `/api/workflows/${id}/test-runs`, {
      cookie: owner.cookie,
      body: { messages: ['What are your opening hours?'] },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.replies.map((r: { text: string }) => r.text)).toEqual(["We're open Friday, 9am–5pm. Closed on bank holidays."]);
  });
});

describe('a one-person business', () => {
  it('publishes the cake order with no team; the order goes to the owner', async () => {
    const { owner, channel } = await shop('Solo');
    const { id, requires } = await importTemplate(owner, 'custom-cake-order');
    expect(requires.map((r) => r.kind)).not.toContain('team');
    const published = await publish(owner, id);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(await ctx.database.db.select().from(teams).where(eq(teams.workspaceId, owner.workspaceId))).toEqual([]);

    let conversationId = '';
    for (const line of ['I want to order a birthday cake', '24/12/2026', 'Small (6-8)', 'Chocolate with sprinkles']) {
      conversationId = (await customerSays(ctx, channel, 'kim', line)).conversationId!;
      await drain(ctx);
    }
    expect((await botReplies(ctx, conversationId)).at(-1)).toMatch(/^Thank you, Customer! We've got everything: a small \(6-8\) cake/);
    expect(await conversation(conversationId)).toMatchObject({ assigneeId: owner.userId, teamId: null, handledBy: 'human' });
  });

  it('shares new chats with whoever is free, the owner included, with no team', async () => {
    const { owner, channel } = await shop('Rota');
    const { id } = await importTemplate(owner, 'team-round-robin');
    expect((await publish(owner, id)).status).toBe(200);
    const chat = await customerSays(ctx, channel, 'lou', 'hello');
    await drain(ctx);
    expect(await conversation(chat.conversationId!)).toMatchObject({ assigneeId: owner.userId, teamId: null });
    expect(await botReplies(ctx, chat.conversationId!)).toEqual([
      "Thanks for your message, Customer! You're now chatting with our team — someone will be with you in a moment.",
    ]);
  });
});
