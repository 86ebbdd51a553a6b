/**
 * The template library: every file in templates/ is a valid FlowTemplate whose only problems are
 * the ones its `requires` checklist declares, and each one, imported through the API, filled in
 * and published, does what its description promises with real inbound messages.
 * (Templates that talk to other systems or to the team are in templates-operations.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowRuns } from '@switchboard/db';
import { FlowTemplate, validateFlow, withSamples, type Requirement } from '@switchboard/flow';
import { startOpenAiStandIn, type StandIn } from '../../../packages/flow/src/testing/openai-stand-in';
import { templatesDir } from '../src/flows/template-library';
import { templateSteps } from './template-helpers';
import { call, createTestContext, type TestContext } from './helpers';
import { botReplies, customerSays, drain, expireTimers, runsOf } from './flow-helpers';

type Doc = {
  nodes: { id: string; type: string; position: { x: number; y: number }; config: Record<string, any> }[];
  edges: { id: string; source: string; target: string; sourceHandle?: string | null }[];
};
type Template = Doc & {
  slug: string;
  name: string;
  description: string;
  category: string;
  requires: { kind: string; nodeId?: string; field?: string; label: string }[];
};

const files = readdirSync(templatesDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const templates = files.map((f) => ({ file: f, template: JSON.parse(readFileSync(`${templatesDir}/${f}`, 'utf8')) as Template }));

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const { shop, install, conversation, contactIn, botMessages } = templateSteps(() => ctx);

describe('the template library', () => {
  it('has at least 13 templates, one file each, named by their slug', () => {
    expect(templates.length).toBeGreaterThanOrEqual(13);
    for (const { file, template } of templates) expect(file).toBe(`${template.slug}.json`);
  });

  it.each(templates)('$file is a FlowTemplate whose only problems are the ones it declares', ({ template }) => {
    const parsed = FlowTemplate.safeParse(template);
    expect(parsed.success, JSON.stringify(!parsed.success && parsed.error.issues)).toBe(true);
    expect(template.description.length).toBeGreaterThan(40);
    expect(template.category).toBeTruthy();
    expect(template.requires.length).toBeGreaterThan(0);

    const { errors, warnings } = validateFlow(template);
    const declared = (e: { nodeId?: string; field?: string }) =>
      template.requires.some((r) => r.nodeId === e.nodeId && r.field === e.field);
    expect(errors.filter((e) => !declared(e))).toEqual([]);
    expect(warnings).toEqual([]);
    for (const r of template.requires) if (r.nodeId) expect(template.nodes.map((n) => n.id)).toContain(r.nodeId);

    // Filled in as an owner would, nothing is left to fix.
    const filled = structuredClone(template);
    for (const n of filled.nodes) {
      if (n.type === 'action.assign' && n.config.to === 'team') n.config.teamId = '00000000-0000-4000-8000-000000000001';
      if (n.type === 'action.http_request') n.config.url = 'https://shop.example/orders/{{ vars.order_number }}';
    }
    expect(validateFlow(filled).errors).toEqual([]);
  });

  it.each(templates)('$file is laid out top to bottom with meaningful, unique ids', ({ template }) => {
    const ids = template.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z_]{2,}$/);
    const positions = template.nodes.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(positions).size).toBe(positions.length);
    const y = new Map(template.nodes.map((n) => [n.id, n.position.y]));
    for (const e of template.edges) expect(y.get(e.target)!, `${e.source} -> ${e.target}`).toBeGreaterThan(y.get(e.source)!);
    for (const e of template.edges) expect(e.id).toMatch(/^[a-z_]+-[a-z_]+-[a-z_]+$/);
  });

  it('lists every template with what it needs, and imports each with exactly that checklist', async () => {
    const { owner } = await shop('Library');
    const listed = await call(ctx.app, 'GET', '/api/templates', { cookie: owner.cookie });
    expect(listed.status).toBe(200);
    expect(listed.body.templates.map((t: { slug: string }) => t.slug).sort()).toEqual(templates.map((t) => t.template.slug).sort());
    for (const { template } of templates) {
      const entry = listed.body.templates.find((t: { slug: string }) => t.slug === template.slug);
      // Each placeholder and setting to check carries its sample: the value the file ships with.
      const requires = withSamples(template.nodes, template.requires as Requirement[]);
      expect(entry).toMatchObject({ name: template.name, description: template.description, category: template.category, requires });
      const imported = await call(ctx.app, 'POST', `/api/templates/${template.slug}/import`, { cookie: owner.cookie });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      expect(imported.body.requires).toEqual(requires);
      expect(imported.body.workflow).toMatchObject({ name: template.name, status: 'draft' });
      expect(imported.body.workflow.definition.nodes).toEqual(template.nodes);
    }
    expect((await call(ctx.app, 'POST', '/api/templates/no-such-template/import', { cookie: owner.cookie })).status).toBe(404);
  });
});

describe('conversation templates, driven by real inbound messages', () => {
  it('welcome-menu: greets a new chat with buttons and answers the one tapped', async () => {
    const { owner, channel } = await shop('Welcome');
    await install(owner, 'welcome-menu');
    const bea = await customerSays(ctx, channel, 'bea', 'hello!');
    await drain(ctx);
    const [menu] = await botMessages(bea.conversationId!);
    expect(menu!.text).toBe("Hi Customer! 👋 Welcome to Welcome's shop. What can we help you with?");
    expect(menu!.quickReplies).toEqual(['Opening hours', 'Delivery', 'Prices', 'Talk to a person']);
    await customerSays(ctx, channel, 'bea', 'delivery');
    await drain(ctx);
    expect((await botReplies(ctx, bea.conversationId!)).at(-1)).toMatch(/^We deliver within 10 miles/);

    const cal = await customerSays(ctx, channel, 'cal', 'hi');
    await drain(ctx);
    await customerSays(ctx, channel, 'cal', 'Talk to a person');
    await drain(ctx);
    expect((await botReplies(ctx, cal.conversationId!)).at(-1)).toBe(
      "Of course! I've let the team know — someone will reply here shortly.",
    );
    expect((await conversation(cal.conversationId!)).handledBy).toBe('human');
  });

  it('away-message: tells customers who write while closed when to expect a reply, with the hours from Settings, once a day', async () => {
    const { owner, channel } = await shop('Away');
    // The owner's own hours, and today (yesterday and tomorrow too, whatever the clock) a holiday: closed now.
    const early: [string, string][] = [['07:30', '14:00']];
    const days = [-1, 0, 1].map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
    const patch = {
      timezone: 'UTC',
      businessHours: { tue: early, wed: early, thu: early, sat: [['08:00', '12:00']] },
      holidays: days,
      settings: { expectedReplyMinutes: 90 },
    };
    expect((await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: patch })).status).toBe(200);
    await install(owner, 'away-message');
    const night = await customerSays(ctx, channel, 'night-owl', 'are you there?');
    await drain(ctx);
    await customerSays(ctx, channel, 'night-owl', 'hello??');
    await drain(ctx);
    expect(await botReplies(ctx, night.conversationId!)).toEqual([
      "Hi Customer! Thanks for your message. We're closed right now, but it's safe with us and we'll reply as soon as we open — usually within 2 hours of opening. Our hours are Tuesday to Thursday, 7:30am–2pm; Saturday, 8am–12pm.",
    ]);
    const contact = await contactIn(night.conversationId!);
    expect(contact.tags).toContain('after-hours');
    expect(contact.attributes.away_notice_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const allDay = [['00:00', '23:59']];
    await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { businessHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] },
    });
    const day = await customerSays(ctx, channel, 'early-bird', 'hello');
    await drain(ctx);
    expect(await botReplies(ctx, day.conversationId!)).toEqual([]);
  });

  it('faq-keywords: answers hours, delivery and prices, and hands anything else to a person', async () => {
    const { owner, channel } = await shop('Keywords');
    await install(owner, 'faq-keywords');
    const asks = {
      hours: await customerSays(ctx, channel, 'h', 'What are your opening hours?'),
      delivery: await customerSays(ctx, channel, 'd', 'Do you deliver to Leeds?'),
      prices: await customerSays(ctx, channel, 'p', 'How much is a birthday cake?'),
      other: await customerSays(ctx, channel, 'o', 'Can I bring my dog in?'),
    };
    await drain(ctx);
    // The workspace's hours (sign-up's Monday to Friday, 9 to 5), not a sample written into the flow.
    expect((await botReplies(ctx, asks.hours.conversationId!))[0]).toBe("We're open Monday to Friday, 9am–5pm. Closed on bank holidays.");
    expect((await botReplies(ctx, asks.delivery.conversationId!))[0]).toMatch(/^Yes, we deliver!/);
    expect((await botReplies(ctx, asks.prices.conversationId!))[0]).toMatch(/^Cupcakes start at £3/);
    expect(await botReplies(ctx, asks.other.conversationId!)).toEqual([
      "Good question! I'll pass this to someone on our team who can help — they'll reply here shortly.",
    ]);
    expect((await conversation(asks.other.conversationId!)).handledBy).toBe('human');
    // Once a person has it, the bot stays quiet.
    await customerSays(ctx, channel, 'o', 'what are your hours?');
    await drain(ctx);
    expect(await botReplies(ctx, asks.other.conversationId!)).toHaveLength(1);
  });

  describe('faq-knowledge-ai', () => {
    let ai: StandIn;
    beforeAll(async () => {
      ai = await startOpenAiStandIn((msgs) =>
        /gluten/i.test(msgs.at(-1)!.content) ? 'Yes! We bake gluten-free cupcakes every Friday.' : 'HANDOFF',
      );
    });
    afterAll(() => ai.close());

    it('answers from the knowledge base, then from the AI, and hands off when the AI is unsure', async () => {
      const { owner, channel } = await shop('Knowledge');
      for (const entry of [
        { question: 'What time do you open on Saturdays?', answer: 'On Saturdays we open from 9am to 1pm.' },
        { question: 'Do you sell gift cards?', answer: 'Yes, gift cards from £10, in the shop or online.' },
      ]) {
        expect((await call(ctx.app, 'POST', '/api/knowledge', { cookie: owner.cookie, body: entry })).status).toBe(201);
      }
      await call(ctx.app, 'PATCH', '/api/workspace', {
        cookie: owner.cookie,
        body: { settings: { ai: { baseUrl: ai.baseUrl, apiKey: 'test-key', model: 'stand-in' } } },
      });
      const { requires } = await install(owner, 'faq-knowledge-ai');
      expect(requires.map((r) => r.kind)).toEqual(['knowledge', 'ai']);

      const kb = await customerSays(ctx, channel, 'kb', 'What time do you open on Saturday?');
      const viaAi = await customerSays(ctx, channel, 'ai', 'Do you have anything gluten free?');
      const unsure = await customerSays(ctx, channel, 'un', 'Can you make a cake shaped like my cat?');
      await drain(ctx);
      expect(await botReplies(ctx, kb.conversationId!)).toEqual(['On Saturdays we open from 9am to 1pm.']);
      expect(await botReplies(ctx, viaAi.conversationId!)).toEqual(['Yes! We bake gluten-free cupcakes every Friday.']);
      expect(await botReplies(ctx, unsure.conversationId!)).toEqual([
        "I'm not completely sure about that one, so I've passed your question to our team. A person will reply here shortly.",
      ]);
      expect((await conversation(unsure.conversationId!)).handledBy).toBe('human');
      expect((await conversation(viaAi.conversationId!)).handledBy).toBe('bot');
      // The AI was grounded on the knowledge base and never asked about the matched question.
      expect(ai.requests).toHaveLength(2);
      expect(ai.requests[0]!.body.messages[0]!.content).toContain('gift cards from £10');
    });
  });

  it('new-vs-returning: a first welcome for newcomers, a welcome back when they return', async () => {
    const { owner, channel } = await shop('Greeter');
    await install(owner, 'new-vs-returning');
    const first = await customerSays(ctx, channel, 'dana', 'hi');
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toEqual([
      "Hi Customer, welcome to Greeter's shop! 👋 Lovely to meet you. Ask us anything — we're happy to help.",
    ]);
    let contact = await contactIn(first.conversationId!);
    expect(contact.tags).toEqual(['new-customer']);
    expect(contact.attributes.first_contact_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // A second message in the open conversation is not a new visit.
    await customerSays(ctx, channel, 'dana', 'thanks');
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toHaveLength(1);

    expect(
      (await call(ctx.app, 'PATCH', `/api/conversations/${first.conversationId}`, { cookie: owner.cookie, body: { status: 'resolved' } }))
        .status,
    ).toBe(200);
    const again = await customerSays(ctx, channel, 'dana', 'hello again');
    await drain(ctx);
    expect((await botReplies(ctx, again.conversationId!)).at(-1)).toBe(
      'Welcome back, Customer! 😊 Lovely to hear from you again. How can we help today?',
    );
    contact = await contactIn(again.conversationId!);
    expect(contact.tags).toEqual(['returning-customer']);
  });

  it('inactivity-close: asks, nudges once, then says goodbye and resolves a quiet chat', async () => {
    const { owner, channel } = await shop('Quiet');
    const { id } = await install(owner, 'inactivity-close');
    const quiet = await customerSays(ctx, channel, 'quiet', 'Hi');
    await drain(ctx);
    const [run] = await runsOf(ctx, id);
    expect(run!.status).toBe('waiting');
    await expireTimers(ctx, run!.id);
    await drain(ctx);
    await expireTimers(ctx, run!.id);
    await drain(ctx);
    expect(await botReplies(ctx, quiet.conversationId!)).toEqual([
      'Hi Customer! 👋 Thanks for getting in touch. How can we help you today?',
      "Just checking in — are you still there? Send us your question whenever you're ready.",
      "We haven't heard back, so I'll close this chat for now. Message us any time and we'll pick it up from here! 😊",
    ]);
    expect((await conversation(quiet.conversationId!)).status).toBe('resolved');
    expect((await runsOf(ctx, id))[0]!.status).toBe('completed');

    // An answer after the nudge goes to the team.
    const late = await customerSays(ctx, channel, 'late', 'hello');
    await drain(ctx);
    const lateRun = (await runsOf(ctx, id)).at(-1)!;
    await expireTimers(ctx, lateRun.id);
    await drain(ctx);
    await customerSays(ctx, channel, 'late', 'Do you make vegan cakes?');
    await drain(ctx);
    expect((await botReplies(ctx, late.conversationId!)).at(-1)).toBe(
      "Thanks! I've passed that to our team — someone will reply here shortly.",
    );
    expect(await conversation(late.conversationId!)).toMatchObject({ status: 'open', handledBy: 'human' });

    // A first message that already says what they need is left to the team and other flows.
    const direct = await customerSays(ctx, channel, 'direct', 'Do you sell bread?');
    await drain(ctx);
    expect(await botReplies(ctx, direct.conversationId!)).toEqual([]);
    const [directRun] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.conversationId, direct.conversationId!));
    expect(directRun!.status).toBe('completed');
  });
});
