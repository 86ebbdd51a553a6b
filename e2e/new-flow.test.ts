/**
 * A flow made from scratch in a real Chromium, driven by roles and labels as an owner would:
 * "+ New flow", name it, add a trigger and a "Send message" step from the palette, connect them,
 * leave the message empty. Autosave still saves; Publish lists what is left in words; the
 * simulator answers with the text just typed (never an older draft); Publish then succeeds and
 * a website visitor gets the answer.
 */
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let workflowId = '';

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
const palette = () => page.getByRole('complementary', { name: 'Steps' });
const step = (name: string) => page.getByRole('group', { name, exact: true });
const saveState = () => page.getByTestId('save-state');

async function center(l: Locator) {
  const box = await l.boundingBox();
  if (!box) throw new Error('element not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
/** Drags a connection from an output dot to an input dot with the mouse. */
async function connect(from: Locator, to: Locator) {
  const a = await center(from);
  const b = await center(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}
interface Doc {
  nodes: { id: string; type: string; config: Record<string, unknown> }[];
  edges: { source: string; target: string }[];
}
async function storedDraft(): Promise<Doc> {
  return page.evaluate(async (id) => (await (await fetch(`/api/workflows/${id}`)).json()).definition, workflowId) as Promise<Doc>;
}
async function waitSaved() {
  await expect.poll(() => saveState().textContent(), { timeout: 10_000 }).toBe('All changes saved');
}

describe('a flow made with "+ New flow"', () => {
  test('the owner names a new flow and the editor says how to start', async () => {
    await page.goto(`${app.url}/`);
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'rosa@sunrise.test',
          password: 'correct horse battery',
          name: 'Rosa Baker',
          workspaceName: 'Sunrise Bakery',
        }),
      });
      return res.status;
    });
    expect(status).toBe(201);
    await page.goto(`${app.url}/flows`);
    await page.getByRole('button', { name: '+ New flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Name your flow' });
    await dialog.getByLabel('Flow name').fill('Hello from the bakery');
    await shot('new-flow-name');
    await dialog.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]+$/);
    workflowId = page.url().split('/').pop()!;
    await expect.poll(() => page.getByRole('note', { name: 'How to start' }).textContent()).toContain('click a trigger on the left');
    expect(await page.getByRole('textbox', { name: 'Flow name' }).inputValue()).toBe('Hello from the bakery');
    await shot('new-flow-start');
  });

  test('a trigger and an empty "Send message" step, connected, are autosaved', async () => {
    await palette().getByRole('button', { name: 'Message received', exact: true }).click();
    await expect.poll(() => step('Message received').count()).toBe(1);
    // Drop the message step below the trigger, then draw the connection by hand.
    const trigger = await step('Message received').boundingBox();
    await palette()
      .getByRole('button', { name: 'Send message', exact: true })
      .dragTo(page.getByTestId('canvas'), {
        targetPosition: await canvasPoint(trigger!.x + trigger!.width / 2, trigger!.y + trigger!.height + 170),
      });
    await expect.poll(() => step('Send message').count()).toBe(1);
    await connect(page.getByLabel('Output of Message received'), page.getByLabel('Input of Send message'));
    await expect.poll(async () => (await storedDraft()).edges.length, { timeout: 10_000 }).toBe(1);
    await waitSaved();
    const draft = await storedDraft();
    expect(draft.nodes.map((n) => n.type).sort()).toEqual(['action.send_message', 'trigger.message_received']);
    expect(draft.nodes.find((n) => n.type === 'action.send_message')!.config.text).toBe('');
    expect(draft.edges[0]).toMatchObject({ source: draft.nodes.find((n) => n.type === 'trigger.message_received')!.id });
    await expect.poll(() => step('Send message').textContent()).toContain('This step needs a message.');
    await shot('new-flow-saved');
  });

  test('Publish lists "This step needs a message"; clicking it opens the step', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Not published yet' });
    const problem = dialog.getByRole('button', { name: /Send message\s*This step needs a message\./ });
    await expect.poll(() => problem.count()).toBe(1);
    await shot('new-flow-publish-problems');
    await problem.click();
    expect(await dialog.count()).toBe(0);
    const message = page.getByLabel('Message', { exact: true });
    await expect.poll(() => message.evaluate((el) => el === document.activeElement)).toBe(true);
    const status = await page.evaluate(async (id) => (await (await fetch(`/api/workflows/${id}`)).json()).status, workflowId);
    expect(status).toBe('draft');
  });

  test('the simulator answers with the text just typed, not an older draft', async () => {
    const message = page.getByLabel('Message', { exact: true });
    await message.fill('Hello! Fresh bread until 5pm.');
    // Straight to the test, without waiting for the autosave's pause.
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('hi');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const log = page.getByRole('log', { name: 'Test conversation' });
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('Hello! Fresh bread until 5pm.');

    await step('Send message').click();
    await page.getByRole('tab', { name: 'Step' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Hello from Sunrise Bakery! We bake until 5pm.');
    // Leaving the tab ended the earlier test chat: this one starts afresh.
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('hello again');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('Hello from Sunrise Bakery! We bake until 5pm.');
    expect(await log.textContent()).not.toContain('Fresh bread until 5pm.');
    await shot('new-flow-simulator');
  });

  test('Publish succeeds and a website visitor gets the answer', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByTestId('flow-status').textContent(), { timeout: 10_000 }).toBe('Live');
    await shot('new-flow-published');

    const channel = await page.evaluate(async () => {
      const res = await fetch('/api/channels', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'webchat', name: 'Website', config: {} }),
      });
      return (await res.json()) as { id: string };
    });
    const widget = (path: string, init: RequestInit = {}, token?: string) =>
      fetch(`${app.url}/widget/${channel.id}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    const { visitorToken } = (await (await widget('/sessions', { method: 'POST', body: '{}' })).json()) as { visitorToken: string };
    expect(
      (await widget('/messages', { method: 'POST', body: JSON.stringify({ text: 'hello', clientId: 'v-1' }) }, visitorToken)).status,
    ).toBe(201);
    await expect
      .poll(
        async () =>
          ((await (await widget('/messages', {}, visitorToken)).json()) as { messages: { text: string; direction: string }[] }).messages
            .filter((m) => m.direction === 'out')
            .map((m) => m.text),
        {
          timeout: 20_000,
        },
      )
      .toEqual(['Hello from Sunrise Bakery! We bake until 5pm.']);
  });

  test('a save that fails says so, the simulator will not run an older draft, and Retry saves', async () => {
    let attempts = 0;
    let offline = true;
    // The connection drops for the draft's saves only, as a flaky network would.
    await page.route(`**/api/workflows/${workflowId}`, (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      attempts++;
      return offline ? route.abort('internetdisconnected') : route.continue();
    });
    await step('Send message').click();
    await page.getByRole('tab', { name: 'Step' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Closed on Sundays, see you Monday!');
    await expect.poll(() => saveState().textContent(), { timeout: 10_000 }).toContain('Not saved');
    expect(await saveState().textContent()).toContain('Could not reach Switchboard');
    await shot('new-flow-not-saved');

    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('are you open?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const log = page.getByRole('log', { name: 'Test conversation' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('not saved yet, so this test did not run');
    expect(await log.textContent()).not.toContain('We bake until 5pm');

    const before = attempts;
    await page.getByRole('button', { name: 'Retry saving' }).click();
    await expect.poll(() => attempts).toBeGreaterThan(before);
    offline = false;
    await expect
      .poll(
        async () => {
          if (await page.getByRole('button', { name: 'Retry saving' }).isVisible())
            await page.getByRole('button', { name: 'Retry saving' }).click();
          return saveState().textContent();
        },
        { timeout: 15_000 },
      )
      .toBe('All changes saved');
    await page.unroute(`**/api/workflows/${workflowId}`);
    expect((await storedDraft()).nodes.find((n) => n.type === 'action.send_message')!.config.text).toBe(
      'Closed on Sundays, see you Monday!',
    );
    expect(pageErrors).toEqual([]);
  });
});

/** A point on the canvas element, from page coordinates (dragTo wants element-relative ones). */
async function canvasPoint(x: number, y: number) {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  return { x: x - box.x, y: Math.min(y - box.y, box.height - 60) };
}
