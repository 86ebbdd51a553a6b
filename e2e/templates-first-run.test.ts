/**
 * Templates as a new bakery owner meets them, in a real Chromium against the real server:
 * a one-person owner publishes the cake-order template with no team; sample details (prices,
 * delivery terms) stay unticked in the checklist until changed, and publishing lists what is
 * left; the away message tells customers the hours set in Settings.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Sign-up is covered by its own tests; here the owner arrives signed in, in UTC.
  await page.goto(app.url);
  const status = await page.evaluate(async () => {
    const res = await fetch('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Pia Baker',
        workspaceName: 'Pia’s Bakery',
        email: 'pia@bakery.test',
        password: 'correct horse battery',
        timezone: 'UTC',
      }),
    });
    return res.status;
  });
  expect(status).toBe(201);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
async function apiGet<T>(path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
}
const checklist = () => page.getByRole('region', { name: 'Checklist' });
const line = (text: string) => checklist().getByRole('listitem').filter({ hasText: text });
const ticked = (text: string) => line(text).getByRole('checkbox').isChecked();

/** Opens the template gallery and uses the template called `name`; answers the new flow's id. */
async function useTemplate(name: string): Promise<string> {
  await page.goto(`${app.url}/templates`);
  await page
    .getByRole('article')
    .filter({ has: page.getByRole('heading', { name }) })
    .getByRole('button', { name: /^Use/ })
    .click();
  await page.waitForURL(/\/flows\/[0-9a-f-]+$/);
  await checklist().waitFor();
  return page.url().split('/').pop()!;
}

async function publish() {
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
}

async function expectLive(id: string) {
  await expect.poll(() => page.getByTestId('flow-status').textContent(), { timeout: 10_000 }).toBe('Live');
  expect((await apiGet<{ status: string }>(`/api/workflows/${id}`)).status).toBe('active');
}

describe('templates for a new owner', () => {
  test('a one-person owner publishes the cake-order template without a team', async () => {
    const id = await useTemplate('Custom cake order intake');
    // Nothing about teams to fill in; the sizes line waits for the owner to check them.
    expect(await checklist().textContent()).not.toMatch(/team/i);
    expect(await ticked('Check the sizes you offer')).toBe(false);
    await line('Check the sizes you offer').getByRole('checkbox').check();
    await expect.poll(() => checklist().textContent()).toContain('All set!');

    await page.getByTestId('node-assign_baker').click();
    const assignTo = page.getByLabel('Assign to', { exact: true });
    expect(await assignTo.inputValue()).toBe('anyone');
    expect(await assignTo.locator('option:checked').textContent()).toBe('Anyone');
    await shot('templates-cake-no-team');

    await publish();
    await expectLive(id);
    const { teams } = await apiGet<{ teams: unknown[] }>('/api/teams');
    expect(teams).toEqual([]);
  });

  test('sample details stay unticked until changed, and publishing lists what is left', async () => {
    const id = await useTemplate('Welcome with a menu');
    const delivery = 'Write how your delivery works';
    const prices = 'Write your own prices';
    expect(await ticked(delivery)).toBe(false);
    expect(await ticked(prices)).toBe(false);
    expect(await line(prices).getByRole('checkbox').isDisabled()).toBe(true);
    expect(await line(prices).textContent()).toContain('Sample text');
    expect(await checklist().textContent()).not.toContain('All set!');
    await shot('templates-samples-unticked');

    // The line opens the step with its message focused; the owner writes their own.
    await line(delivery).getByRole('button').click();
    const message = page.getByLabel('Message', { exact: true });
    await expect.poll(() => message.evaluate((el) => el === document.activeElement)).toBe(true);
    await message.fill('We deliver around Hebden Bridge for £3, free over £25.');
    await expect.poll(() => ticked(delivery)).toBe(true);
    expect(await ticked(prices)).toBe(false);
    await shot('templates-sample-changed');

    // Publishing names what is still a sample; the owner may go back or publish anyway.
    await publish();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain(prices);
    expect(await dialog.textContent()).not.toContain(delivery);
    await shot('templates-publish-lists-samples');
    expect((await apiGet<{ status: string }>(`/api/workflows/${id}`)).status).toBe('draft');
    await dialog.getByRole('button', { name: 'Publish anyway' }).click();
    await expectLive(id);
  });

  test('the away message tells customers the hours set in Settings', async () => {
    await page.goto(`${app.url}/settings`);
    // Open on Saturday mornings only, closed on the days around today (a holiday): closed now.
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      const open = page.getByRole('row', { name: new RegExp(day) }).getByRole('checkbox');
      if (await open.isChecked()) await open.uncheck();
    }
    await page
      .getByRole('row', { name: /Saturday/ })
      .getByRole('checkbox')
      .check();
    await page.getByLabel('Saturday opens').fill('08:00');
    await page.getByLabel('Saturday closes').fill('12:30');
    // Holidays are picked on a calendar, one day at a time.
    const holidays = page.getByTestId('holidays');
    for (const d of [-1, 0, 1]) {
      await holidays.getByLabel('Add a day you are closed').fill(new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
      await holidays.getByRole('button', { name: 'Add day' }).click();
    }
    expect(await holidays.getByRole('listitem').count()).toBe(3);
    await page.getByLabel(/Usual reply time/).fill('45');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => (await apiGet<{ businessHours: Record<string, unknown> }>('/api/workspace')).businessHours)
      .toEqual({ sat: [['08:00', '12:30']] });
    await shot('templates-settings-hours');

    await useTemplate('Away message outside business hours');
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('Are you open?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const thread = page.getByRole('log', { name: 'Test conversation' });
    await expect.poll(() => thread.textContent(), { timeout: 15_000 }).toContain('Our hours are Saturday, 8am–12:30pm.');
    expect(await thread.textContent()).toContain('usually within 45 minutes of opening');
    await shot('templates-away-hours');
  });

  test('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
