/**
 * Templates that collect details, call other systems, run on a schedule or route to people:
 * each imported through `POST /api/templates/:slug/import`, filled in via PUT as its checklist
 * asks, published, driven (messages, webhook, schedule tick, timers) and checked for the
 * replies and effects it promises.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleTick } from '../src/jobs/schedule-tick';
import { templateSteps, nodeOf } from './template-helpers';
import { addMember, call, createTestContext, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow, runsOf } from './flow-helpers';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const { shop, install, conversation, contactIn, botMessages } = templateSteps(() => ctx);

/** A team of agents, each with a limit of open conversations. */
async function team(owner: Session, name: string, agents: number, maxConversations: number) {
  const ids: string[] = [];
  for (let i = 1; i <= agents; i++) {
    const member = await addMember(ctx.app, owner, {
      email: `${name.toLowerCase()}-${i}-${owner.workspaceId.slice(0, 8)}@example.com`,
      name: `${name} ${i}`,
      maxConversations,
    });
    ids.push(member.userId);
  }
  const created = await call(ctx.app, 'POST', '/api/teams', { cookie: owner.cookie, body: { name, memberIds: ids } });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, agentIds: ids };
}

const notes = async (conversationId: string) => (await botMessages(conversationId)).filter((m) => m.private).map((m) => m.text);

/** A conversation step by step: the customer says each line, the worker runs, the bot answers. */
async function chat(channel: Awaited<ReturnType<typeof createWebchat>>, who: string, lines: string[]) {
  let conversationId = '';
  for (const line of lines) {
    conversationId = (await customerSays(ctx, channel, who, line)).conversationId!;
    await drain(ctx);
  }
  return conversationId;
}

describe('templates that collect details', () => {
  it('lead-capture: checks email and phone, saves them on the contact, tags and notes the lead', async () => {
    const { owner, channel } = await shop('Leads');
    await install(owner, 'lead-capture');
    const id = await chat(channel, 'sam', [
      'Could I get a quote for 50 cupcakes?',
      'Sam Baker',
      'sam at example',
      'Sam@Example.com',
      '12',
      '+44 20 7946 0958',
    ]);
    expect(await botReplies(ctx, id)).toEqual([
      "Happy to help! Let's take a few details so we can get back to you. What's your name?",
      "Thanks, Sam! What's the best email address to reach you?",
      "Hmm, that doesn't look like an email address. Could you check it? (like name@example.com)",
      'And a phone number, in case a call is easier? Please include the country code, like +44 7700 900123.',
      "That number doesn't look quite right — please include the country code, like +44 7700 900123.",
      "Thank you, Sam! We've got your details and will be in touch within one working day.",
    ]);
    const contact = await contactIn(id);
    // What the customer typed is kept as unverified details, never as the contact's email or phone.
    expect(contact).toMatchObject({
      name: 'Sam Baker',
      email: null,
      phone: null,
      attributes: { typed_email: 'sam@example.com', typed_phone: '+442079460958' },
    });
    expect(contact.tags).toEqual(['lead']);
    expect(contact.attributes.lead_source).toBe('webchat chat');
    expect(await notes(id)).toEqual(['New lead 🎉 Sam Baker · sam@example.com · +442079460958']);
  });

  it('custom-cake-order: date, size and design saved, tagged, noted and queued for a team of bakers when the owner picks one', async () => {
    const { owner, channel } = await shop('Cakes');
    const bakers = await team(owner, 'Bakers', 2, 5);
    const { requires } = await install(owner, 'custom-cake-order', (doc) => {
      nodeOf(doc, 'assign_baker').config = { to: 'team', teamId: bakers.id };
    });
    // A team is an option, never a requirement (a one-person bakery has none).
    expect(requires.map((r) => r.kind)).not.toContain('team');

    const id = await chat(channel, 'jo', [
      "Hi, I'd like to order a birthday cake",
      'sometime soon',
      '24/12/2026',
      'medium (10-14)',
      "Lemon sponge, pale yellow, 'Happy 40th Jo' on top",
    ]);
    const replies = await botMessages(id);
    expect(replies.filter((m) => !m.private).map((m) => m.text)).toEqual([
      "Ooh, how exciting! 🎂 Let's get your cake started — just three quick questions.",
      'What date do you need it for? (for example 24/12/2026)',
      "Sorry, I didn't catch that date. Could you write it like 24/12/2026?",
      'How many people will it serve?',
      'Lovely! Now tell us about your design ideas — flavours, colours, a theme, any writing on top.',
      "Thank you, Customer! We've got everything: a medium (10-14) cake for Thursday 24 December. One of our bakers will check availability and send you a quote here, usually within a day.",
    ]);
    expect(replies.find((m) => m.text === 'How many people will it serve?')!.quickReplies).toEqual([
      'Small (6-8)',
      'Medium (10-14)',
      'Large (16-24)',
      'Party (30+)',
    ]);
    const contact = await contactIn(id);
    expect(contact.attributes).toMatchObject({
      cake_date: '2026-12-24',
      cake_size: 'Medium (10-14)',
      cake_design: "Lemon sponge, pale yellow, 'Happy 40th Jo' on top",
    });
    expect(contact.tags).toEqual(['custom-cake']);
    expect(await notes(id)).toEqual([
      "🎂 Custom cake request\nDate: 2026-12-24\nSize: Medium (10-14)\nDesign: Lemon sponge, pale yellow, 'Happy 40th Jo' on top",
    ]);
    const conv = await conversation(id);
    expect(conv).toMatchObject({ teamId: bakers.id, handledBy: 'human', status: 'open' });
    expect(bakers.agentIds).toContain(conv.assigneeId);
  });
});

describe('templates that talk to other systems', () => {
  let shopApi: { url: string; requests: { url: string; headers: IncomingHttpHeaders }[]; close(): Promise<void> };
  beforeAll(async () => {
    const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      requests.push({ url: req.url!, headers: req.headers });
      if (req.url === '/orders/A1001') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ status: 'Out for delivery', eta: 'Friday', tracking_url: 'https://track.example/A1001' }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    shopApi = { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
  });
  afterAll(() => shopApi.close());

  it('order-status: looks the order up and tells the customer; an unknown order goes to a person', async () => {
    const { owner, channel } = await shop('Orders');
    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { httpAllowHosts: ['127.0.0.1'] } } });
    const { requires } = await install(owner, 'order-status', (doc) => {
      nodeOf(doc, 'lookup_order').config.url = `${shopApi.url}/orders/{{ vars.order_number | remove: '#' | strip | url_encode }}`;
    });
    expect(requires).toContainEqual(expect.objectContaining({ kind: 'url', nodeId: 'lookup_order', field: 'url' }));

    const found = await chat(channel, 'ola', ['Where is my order?', '#A1001']);
    expect(await botReplies(ctx, found)).toEqual([
      "Let me check that for you! What's your order number?",
      "Here's the latest on order #A1001: Out for delivery. Expected: Friday. Track it here: https://track.example/A1001",
    ]);
    expect(shopApi.requests[0]).toMatchObject({ url: '/orders/A1001', headers: { accept: 'application/json' } });
    expect((await conversation(found)).handledBy).toBe('bot');

    const unknown = await chat(channel, 'pat', ['order status please', 'B999']);
    expect((await botReplies(ctx, unknown)).at(-1)).toBe(
      "Sorry, I couldn't find order B999 just now. I've passed it to our team — they'll check and reply here shortly.",
    );
    expect((await conversation(unknown)).handledBy).toBe('human');
  });

  it('shipping-notification: the shop posts to the webhook; the customer gets the tracking link and a photo', async () => {
    const { owner, channel } = await shop('Shipping');
    const id = await chat(channel, 'kim', ['hello']);
    const contact = await contactIn(id);
    expect(
      (await call(ctx.app, 'PATCH', `/api/contacts/${contact.id}`, { cookie: owner.cookie, body: { email: 'kim@example.com' } })).status,
    ).toBe(200);
    const { workflow, id: workflowId } = await install(owner, 'shipping-notification');
    const path = new URL(workflow.webhookUrl as string).pathname;

    const posted = await call(ctx.app, 'POST', path, {
      body: {
        contact: { email: 'kim@example.com' },
        order_number: 'A1001',
        carrier: 'Royal Mail',
        tracking_url: 'https://track.example/A1001',
        image_url: 'https://cdn.example/parcel-a1001.jpg',
      },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    await drain(ctx);
    const [shipped] = await botMessages(id);
    expect(shipped!.text).toBe(
      'Good news, Customer! 📦 Your order A1001 is on its way with Royal Mail. Track it here: https://track.example/A1001',
    );
    expect(shipped!.attachments).toEqual([expect.objectContaining({ url: 'https://cdn.example/parcel-a1001.jpg' })]);
    const after = await contactIn(id);
    expect(after.attributes.last_order).toBe('A1001');
    expect(after.tags).toEqual(['order-shipped']);
    expect((await runsOf(ctx, workflowId)).map((r) => r.status)).toEqual(['completed']);
  });
});

describe('templates on a schedule or for the team', () => {
  it('appointment-reminder: at 17:00 reminds everyone tagged for tomorrow; confirmations and changes handled', async () => {
    const { owner, channel } = await shop('Salon');
    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { timezone: 'UTC' } });
    const people = {
      ann: await chat(channel, 'ann', ['hi']),
      ben: await chat(channel, 'ben', ['hi']),
      cat: await chat(channel, 'cat', ['hi']),
    };
    for (const who of ['ann', 'ben'] as const) {
      const contact = await contactIn(people[who]);
      await call(ctx.app, 'PATCH', `/api/contacts/${contact.id}`, {
        cookie: owner.cookie,
        body: { tags: ['appointment-tomorrow'], attributes: { appointment_time: '10:30' } },
      });
    }
    const { id } = await install(owner, 'appointment-reminder');

    // 16:59:30 nothing is due; at 17:00:30 the cron has fired.
    expect(await scheduleTick(ctx.deps, {}, new Date('2030-06-03T16:59:30Z'))).toBe(0);
    expect(await scheduleTick(ctx.deps, {}, new Date('2030-06-03T17:00:30Z'))).toBe(2);
    await drain(ctx);
    const reminder =
      "Hi Customer! A friendly reminder of your appointment with Salon's shop tomorrow at 10:30. Will you be able to make it?";
    expect(await botReplies(ctx, people.ann)).toEqual([reminder]);
    expect(await botReplies(ctx, people.ben)).toEqual([reminder]);
    expect(await botReplies(ctx, people.cat)).toEqual([]);
    expect((await botMessages(people.ann))[0]!.quickReplies).toEqual(['Yes, see you then', 'I need to change it']);
    expect((await contactIn(people.ann)).tags).toEqual([]);

    await chat(channel, 'ann', ['yes, see you then']);
    await chat(channel, 'ben', ['I need to change it']);
    expect((await botReplies(ctx, people.ann)).at(-1)).toBe('Wonderful, see you tomorrow! 😊');
    expect((await contactIn(people.ann)).tags).toEqual(['appointment-confirmed']);
    expect((await botReplies(ctx, people.ben)).at(-1)).toBe(
      'No problem at all! Someone from our team will message you here to find a new time.',
    );
    expect((await conversation(people.ben)).handledBy).toBe('human');
    expect((await runsOf(ctx, id)).map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('team-round-robin: new chats go to each agent in turn, within their limit; the rest wait in the queue', async () => {
    const { owner, channel } = await shop('Routing');
    const support = await team(owner, 'Support', 2, 1);
    await install(owner, 'team-round-robin', (doc) => {
      nodeOf(doc, 'assign_team').config = { to: 'team', teamId: support.id, strategy: 'round_robin' };
    });
    const first = await chat(channel, 'c1', ['hi, a question about my order']);
    const second = await chat(channel, 'c2', ['hello, do you do weddings?']);
    const third = await chat(channel, 'c3', ['hey there']);

    const assignees = [(await conversation(first)).assigneeId, (await conversation(second)).assigneeId];
    expect(new Set(assignees)).toEqual(new Set(support.agentIds));
    for (const id of [first, second]) {
      expect(await botReplies(ctx, id)).toEqual([
        "Thanks for your message, Customer! You're now chatting with our team — someone will be with you in a moment.",
      ]);
    }
    expect(await conversation(third)).toMatchObject({ assigneeId: null, teamId: support.id, handledBy: 'human', status: 'open' });
    expect(await botReplies(ctx, third)).toEqual([
      "Thanks for your message, Customer! Everyone on our team is helping other customers right now, so you're in the queue — we'll reply as soon as someone is free.",
    ]);
    expect(await notes(third)).toEqual(['Everyone in the team was at their limit: waiting for the first free person.']);
  });

  it('csat-survey: a resolved chat tagged "csat" gets the survey; a poor rating asks why and reopens it', async () => {
    const { owner, channel } = await shop('Survey');
    await install(owner, 'csat-survey');
    // The owner's closing step: resolve the conversation and tag it for the survey.
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 'start', type: 'trigger.message_received', config: { keywords: ['bye'] } },
          { id: 'close', type: 'action.set_status', config: { status: 'resolved' } },
          { id: 'survey', type: 'action.add_tag', config: { tags: ['csat'] } },
        ],
        [
          { source: 'start', target: 'close' },
          { source: 'close', target: 'survey' },
        ],
      ),
      'Close and survey',
    );
    const unhappy = await chat(channel, 'uma', ['thanks, bye']);
    expect(await botReplies(ctx, unhappy)).toEqual(["Thanks for chatting with Survey's shop, Customer! How did we do today?"]);
    expect((await botMessages(unhappy))[0]!.quickReplies).toEqual(['Great', 'Good', 'Okay', 'Poor']);
    expect((await contactIn(unhappy)).tags).toEqual([]);
    await chat(channel, 'uma', ['Poor', 'The cake arrived two hours late']);
    expect((await botReplies(ctx, unhappy)).slice(1)).toEqual([
      "Sorry we didn't get it quite right. What could we have done better?",
      'Thank you for telling us. Someone from our team will read this and get in touch to put things right.',
    ]);
    expect(await notes(unhappy)).toEqual(['Customer rated us "Poor". Feedback: The cake arrived two hours late']);
    expect(await conversation(unhappy)).toMatchObject({ status: 'open', priority: 'high' });
    expect((await contactIn(unhappy)).attributes.csat_rating).toBe('Poor');

    const happy = await chat(channel, 'hal', ['bye!', 'great']);
    expect((await botReplies(ctx, happy)).at(-1)).toBe('Thank you so much! 💛 It means a lot to a small team like ours.');
    expect((await contactIn(happy)).attributes.csat_rating).toBe('Great');
  });

  // The way most owners will use it: tag the contact as they resolve the chat in the inbox.
  it('csat-survey: a "csat" tag added by a person in the inbox starts the survey', async () => {
    const { owner, channel } = await shop('Manual survey');
    await install(owner, 'csat-survey');
    const id = await chat(channel, 'max', ['thanks for your help']);
    await call(ctx.app, 'PATCH', `/api/conversations/${id}`, { cookie: owner.cookie, body: { status: 'resolved' } });
    const contact = await contactIn(id);
    expect((await call(ctx.app, 'PATCH', `/api/contacts/${contact.id}`, { cookie: owner.cookie, body: { tags: ['csat'] } })).status).toBe(
      200,
    );
    await drain(ctx);
    expect(await botReplies(ctx, id)).toEqual(["Thanks for chatting with Manual survey's shop, Customer! How did we do today?"]);
  });
});
