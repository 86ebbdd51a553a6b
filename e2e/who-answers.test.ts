/**
 * Who answers, and nobody waits unheard (issue findings 1–3), in a real Chromium, by roles and
 * labels: the owner is told at publish that two flows answer the same first message and which goes
 * first, changes the order in the flow list (buttons and drag), and the customer then gets one
 * answer from the flow now first. A message nothing answers shows as waiting for a person with an
 * unread count, in the tab title and as a browser notification. A hand-off with no team goes to
 * whoever is available; at capacity it waits in the queue and is assigned the moment the agent
 * resolves a conversation. Screenshots at 1366 and 390 px.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
let receiver: Server;
const received: { to: string; text: string }[] = [];
let channel: { id: string; secret: string };
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  // The customer's system behind the API channel: records each reply we send.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body) as { to: string; text: string });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  context = await app.browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
  // Each notification shown is also noted for the test to read.
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: string[] = [];
    (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
    class Noting extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(title);
      }
    }
    Object.defineProperty(Noting, 'permission', { get: () => Real.permission });
    Noting.requestPermission = Real.requestPermission.bind(Real);
    window.Notification = Noting as typeof Notification;
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await new Promise((ok) => receiver?.close(ok));
});

const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, {
        method: m as string,
        headers: { 'content-type': 'application/json' },
        ...(b === undefined ? {} : { body: JSON.stringify(b) }),
      });
      return res.json();
    },
    [method, path, body] as const,
  ) as Promise<T>;
}
async function customerWrites(from: string, text: string) {
  const raw = JSON.stringify({ id: `${from}-${Date.now()}-${Math.random()}`, from, text });
  const res = await fetch(`${app.url}/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-switchboard-signature': `sha256=${createHmac('sha256', channel.secret).update(raw).digest('hex')}`,
    },
    body: raw,
  });
  expect(res.status).toBeLessThan(300);
}
const repliesTo = (to: string) => received.filter((r) => r.to === to).map((r) => r.text);
const flowRows = () => page.getByTestId('flow-row').locator('td:nth-child(2) a').allTextContents();

function definition(nodes: { id: string; type: string; config: Record<string, unknown> }[]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 140 } })),
    edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: n.id })),
  };
}

describe('who answers, and nobody waits unheard', () => {
  test('finding 1: the owner sees the conflict at publish, changes the order, and one flow answers', async () => {
    await page.goto(app.url);
    await api('POST', '/api/auth/signup', {
      name: 'Rosa Baker',
      workspaceName: 'Sunrise Bakery',
      email: 'rosa@sunrise.test',
      password: 'correct horse battery',
    });
    await api('PATCH', '/api/workspace', { settings: { expectedReplyMinutes: 15 } });
    channel = await api<{ id: string; secret: string }>('POST', '/api/channels', {
      type: 'api',
      name: 'Shop app',
      config: { callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/replies` },
    });
    const menu = await api<{ id: string }>('POST', '/api/workflows', {
      name: 'Welcome menu',
      definition: definition([
        { id: 't', type: 'trigger.message_received', config: { channels: ['any'], firstMessageOnly: true } },
        {
          id: 's',
          type: 'action.ask_question',
          config: { text: 'Welcome to Sunrise Bakery! Cakes, bread or delivery?', saveTo: 'vars.topic' },
        },
      ]),
    });
    await api('POST', `/api/workflows/${menu.id}/publish`);
    const hours = await api<{ id: string }>('POST', '/api/workflows', {
      name: 'Opening hours',
      definition: definition([
        { id: 't', type: 'trigger.message_received', config: { channels: ['any'], keywords: ['hours'] } },
        { id: 's', type: 'action.send_message', config: { text: 'We are open 7am to 3pm, Tuesday to Sunday.' } },
      ]),
    });

    await page.goto(`${app.url}/flows/${hours.id}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Published — check which flow answers first' });
    await dialog.waitFor();
    expect(await dialog.getByRole('list', { name: 'Flows that answer the same messages' }).textContent()).toBe(
      "'Opening hours' and 'Welcome menu' both answer a first message saying 'hours' — 'Welcome menu' goes first; change the order?",
    );
    await shot('who-answers-conflict-1366');
    await dialog.getByRole('button', { name: 'Change the order' }).click();

    await page.waitForURL(`${app.url}/flows`);
    await expect.poll(flowRows).toEqual(['Welcome menu', 'Opening hours']);
    // Each flow says what it answers, so the order reads as a rule.
    await page.getByTestId('flow-row').filter({ hasText: 'Opening hours' }).getByText('Answers: Messages saying “hours”').waitFor();
    await page.getByTestId('flow-row').filter({ hasText: 'Welcome menu' }).getByText('Answers: Every first message').waitFor();
    await page.getByRole('button', { name: 'Move “Opening hours” up' }).click();
    await expect.poll(flowRows).toEqual(['Opening hours', 'Welcome menu']);
    await page.getByRole('status', { name: '“Opening hours” is now number 1 in the order.' }).waitFor();
    await shot('who-answers-flow-order-1366');
    // Dragging a row onto another puts it in that place: the menu goes back to the top.
    await page
      .getByTestId('flow-row')
      .filter({ hasText: 'Welcome menu' })
      .dragTo(page.getByTestId('flow-row').filter({ hasText: 'Opening hours' }));
    await expect.poll(flowRows).toEqual(['Welcome menu', 'Opening hours']);
    await page.getByRole('button', { name: 'Move “Welcome menu” down' }).press('Enter');
    await expect.poll(flowRows).toEqual(['Opening hours', 'Welcome menu']);

    await customerWrites('ana', 'hours');
    await expect.poll(() => repliesTo('ana'), { timeout: 15_000 }).toEqual(['We are open 7am to 3pm, Tuesday to Sunday.']);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(repliesTo('ana')).toEqual(['We are open 7am to 3pm, Tuesday to Sunday.']);

    // A waiting question, interrupted by another flow's keyword, says so in its run history.
    await customerWrites('zoe', 'hello');
    await expect.poll(() => repliesTo('zoe'), { timeout: 15_000 }).toEqual(['Welcome to Sunrise Bakery! Cakes, bread or delivery?']);
    await customerWrites('zoe', 'Hours?');
    await expect
      .poll(() => repliesTo('zoe'), { timeout: 15_000 })
      .toEqual(['Welcome to Sunrise Bakery! Cakes, bread or delivery?', 'We are open 7am to 3pm, Tuesday to Sunday.']);
    await page.goto(`${app.url}/flows/${menu.id}`);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.getByTestId('run-item').filter({ hasText: 'Interrupted by Opening hours' }).waitFor({ timeout: 15_000 });
    await shot('who-answers-interrupted-1366');
  });

  test('finding 2: a message nothing answers waits for a person: count, unread, tab title, notification', async () => {
    await page.goto(`${app.url}/inbox`);
    const waitingRegion = page.getByRole('region', { name: 'Waiting for a person' });
    await waitingRegion.getByText('Nobody is waiting for a person').waitFor();
    expect(await page.title()).toBe('Switchboard');
    // Asked from a button, never on load; the person allows them when the browser asks.
    await context.grantPermissions(['notifications'], { origin: app.url });
    await waitingRegion.getByRole('button', { name: 'Turn on notifications' }).click();
    await waitingRegion.getByText('Notifications on').waitFor();
    await waitingRegion.getByRole('checkbox', { name: 'Sound' }).check();

    await customerWrites('ana', 'Do you make sugar-free birthday cakes?');
    await expect.poll(() => repliesTo('ana'), { timeout: 15_000 }).toHaveLength(2);
    expect(repliesTo('ana')[1]).toBe('Thanks for your message! We usually reply within 15 minutes.');
    await waitingRegion.getByText('1 conversation waiting for a person').waitFor({ timeout: 15_000 });
    await customerWrites('ana', 'For 12 people, on Saturday');
    const item = page.getByRole('region', { name: 'Conversations', exact: true }).getByTestId('conversation-item').first();
    await item.getByLabel('2 unread').waitFor({ timeout: 15_000 });
    expect(await item.getByText('Waiting for a person').isVisible()).toBe(true);
    await expect.poll(() => page.title()).toBe('(1) Switchboard');
    // The menu counts them too, on every page.
    await page.getByRole('navigation', { name: 'Main' }).getByLabel('1 waiting for a person').waitFor();
    expect(await page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications)).toEqual([
      expect.stringContaining('is waiting for a person'),
    ]);
    await shot('who-answers-waiting-1366');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('region', { name: 'Waiting for a person' }).getByText('1 conversation waiting for a person').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('who-answers-waiting-390');

    // A person answers: nobody waits any more.
    await item.click();
    await page.getByTestId('reply-input').fill('Yes! Sugar-free sponge with fruit. Shall I note 12 people for Saturday?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe('Switchboard');
    await page.setViewportSize({ width: 1366, height: 860 });
  });

  test('finding 3: a hand-off with no team goes to whoever is available, and the queue drains', async () => {
    const me = await api<{ user: { id: string } }>('GET', '/api/me');
    await api('PATCH', `/api/members/${me.user.id}`, { maxConversations: 1 });
    const handoff = await api<{ id: string }>('POST', '/api/workflows', {
      name: 'Talk to a person',
      definition: definition([
        { id: 't', type: 'trigger.message_received', config: { channels: ['any'], keywords: ['person'] } },
        { id: 'h', type: 'action.handoff', config: { text: 'Passing you to a person now.' } },
      ]),
    });
    await api('POST', `/api/workflows/${handoff.id}/publish`);
    // Ana's conversation is Rosa's (she replied), which fills her capacity of 1.
    const [anaConversation] = (await api<{ conversations: { id: string }[] }>('GET', '/api/conversations?status=open')).conversations;
    await api('PATCH', `/api/conversations/${anaConversation!.id}`, { assigneeId: me.user.id });

    // Ben's first message gets the welcome menu (first messages are its own); then he asks for a person.
    await customerWrites('ben', 'hello');
    await expect.poll(() => repliesTo('ben'), { timeout: 15_000 }).toHaveLength(1);
    await customerWrites('ben', 'person');
    await page.goto(`${app.url}/inbox`);
    const list = page.getByRole('region', { name: 'Conversations', exact: true });
    const ben = list.getByTestId('conversation-item').filter({ hasText: 'Passing you to a person now.' });
    await ben.getByText('Waiting for a person').waitFor({ timeout: 15_000 });
    // Queued: nobody free (Rosa is at her capacity of 1), and counted as waiting for a person.
    await page
      .getByRole('region', { name: 'Waiting for a person' })
      .getByText('1 conversation waiting for a person')
      .waitFor({ timeout: 15_000 });
    expect(await ben.getByText('Rosa Baker').count()).toBe(0);
    await shot('who-answers-queued-1366');

    // Rosa resolves Ana's conversation: Ben's, waiting in the queue, is hers at once.
    await list.getByTestId('conversation-item').filter({ hasText: 'Shall I note 12 people' }).click();
    await page.getByRole('region', { name: 'Conversation', exact: true }).getByTestId('status').selectOption('resolved');
    await list
      .getByTestId('conversation-item')
      .filter({ hasText: 'Passing you to a person now.' })
      .getByText('Rosa Baker')
      .waitFor({ timeout: 15_000 });
    await shot('who-answers-drained-1366');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.url}/inbox`);
    await list
      .getByTestId('conversation-item')
      .filter({ hasText: 'Passing you to a person now.' })
      .getByText('Rosa Baker')
      .waitFor({ timeout: 15_000 });
    await shot('who-answers-drained-390');
    await page.goto(`${app.url}/flows`);
    await page.getByRole('button', { name: 'Move “Welcome menu” up' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Every control of the order is on screen at 390 px, none cut off.
    for (const button of await page.getByTestId('flow-row').getByRole('button').all()) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width, (await button.textContent()) ?? '').toBeLessThanOrEqual(390);
    }
    await shot('who-answers-flow-order-390');
    await page.setViewportSize({ width: 1366, height: 860 });
  });

  test('the owner chooses the words a customer hears when nothing answers', async () => {
    // The form fills from the saved workspace once it arrives: type after that.
    const loaded = page.waitForResponse((r) => r.url() === `${app.url}/api/workspace` && r.request().method() === 'GET');
    await page.goto(`${app.url}/settings`);
    await loaded;
    const message = page.getByRole('textbox', { name: 'Message' });
    // Empty, the message follows the usual reply time, shown as its placeholder.
    expect(await message.getAttribute('placeholder')).toBe('Thanks for your message! We usually reply within 15 minutes.');
    await message.fill('Thanks! A baker will answer you within the hour.');
    await message.scrollIntoViewIfNeeded();
    await shot('who-answers-settings-1366');
    await page.getByTestId('save-workspace').click();
    await page.getByRole('status', { name: 'Settings saved.' }).waitFor();

    await customerWrites('cleo', 'hours');
    await customerWrites('cleo', 'Is the cafe dog friendly?');
    await expect
      .poll(() => repliesTo('cleo'), { timeout: 15_000 })
      .toEqual(['We are open 7am to 3pm, Tuesday to Sunday.', 'Thanks! A baker will answer you within the hour.']);

    // Turned off: the conversation still waits for a person, the customer hears nothing more.
    await page.getByRole('checkbox', { name: 'Tell the customer when to expect a reply (once per conversation)' }).uncheck();
    await page.getByTestId('save-workspace').click();
    await page.getByRole('status', { name: 'Settings saved.' }).last().waitFor();
    await customerWrites('dev', 'hours');
    await customerWrites('dev', 'Do you sell gift cards?');
    await expect.poll(async () => (await api<{ count: number }>('GET', '/api/inbox/waiting')).count, { timeout: 15_000 }).toBe(3);
    expect(repliesTo('dev')).toEqual(['We are open 7am to 3pm, Tuesday to Sunday.']);
    expect(pageErrors).toEqual([]);
  });
});
