/**
 * Small screens and details (issue finding 5), in a real Chromium, by roles and labels: on a
 * 390 px phone the inbox shows the list, then a thread, then its contact, one at a time with a
 * way back; at 1366 px all three sit side by side. Opening hours show whole ("09:00 AM", not
 * "09:00 A"), holidays are picked on a calendar, notifications and icon buttons have names.
 * Screenshots at both widths.
 */
import { createHmac } from 'node:crypto';
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
  context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', timezoneId: 'UTC' });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
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
/** A customer's message through the generic API channel, signed as the README says. */
async function customerWrites(channelId: string, secret: string, from: string, text: string) {
  const raw = JSON.stringify({ id: `${from}-${Date.now()}`, from, text });
  const res = await fetch(`${app.url}/webhooks/channels/${channelId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-switchboard-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
    },
    body: raw,
  });
  expect(res.status).toBeLessThan(300);
}
/** The widest of the page and its scrolling main area: nothing may need a sideways scroll. */
const pageWidth = () =>
  page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.querySelector('main')?.scrollWidth ?? 0));
const region = (name: string) => page.getByRole('region', { name, exact: true });
/** Elements that stick out past the right edge of the window, named by tag and class. */
const overflowing = () =>
  page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter(
        (el) =>
          el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('[style*="overflow"], .table, .segmented, .react-flow'),
      )
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`),
  );
/** Buttons a screen reader would announce as just "button". */
const unnamedButtons = () =>
  page
    .locator('button')
    .evaluateAll((els) =>
      els
        .filter((b) => (b as HTMLElement).offsetParent !== null && !(b.getAttribute('aria-label') || b.textContent || '').trim())
        .map((b) => b.outerHTML.slice(0, 80)),
    );

describe('on a phone and in the details', () => {
  test('the inbox on a 390 px phone: list, then thread, then contact, each with a way back', async () => {
    await page.goto(app.url);
    await api('POST', '/api/auth/signup', {
      name: 'Rosa Baker',
      workspaceName: 'Sunrise Bakery',
      email: 'rosa@sunrise.test',
      password: 'correct horse battery',
    });
    const channel = await api<{ id: string; secret: string }>('POST', '/api/channels', {
      type: 'api',
      name: 'Shop app',
      config: { callbackUrl: 'http://127.0.0.1:9/replies' },
    });
    expect(channel.secret).toBeTruthy();
    await customerWrites(channel.id, channel.secret, 'ana@example.com', 'Hello, do you have gluten-free bread today?');
    await customerWrites(channel.id, channel.secret, 'ben@example.com', 'Can I order a birthday cake for Saturday?');

    await page.goto(`${app.url}/inbox`);
    const list = region('Conversations');
    await expect.poll(() => list.getByTestId('conversation-item').count(), { timeout: 15_000 }).toBe(2);
    expect(await region('Conversation').isVisible()).toBe(false);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    // The main menu is a bar at the bottom, every item named.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Inbox' }).isVisible()).toBe(true);
    expect(await nav.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true);
    await shot('small-inbox-list-390');

    await list.getByTestId('conversation-item').filter({ hasText: 'gluten-free' }).click();
    const thread = region('Conversation');
    await thread.getByTestId('messages').getByText('Hello, do you have gluten-free bread today?').waitFor();
    expect(await list.isVisible()).toBe(false);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    expect(await thread.getByRole('textbox').first().isVisible()).toBe(true);
    await shot('small-inbox-thread-390');

    await thread.getByRole('button', { name: 'Contact details' }).click();
    const contact = region('Contact');
    await contact.getByTestId('contact-panel').waitFor();
    expect(await thread.isVisible()).toBe(false);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await shot('small-inbox-contact-390');

    await contact.getByRole('button', { name: 'Back to the conversation' }).click();
    await thread.waitFor();
    await thread.getByRole('button', { name: 'Conversations' }).click();
    await list.waitFor();
    expect(page.url()).toBe(`${app.url}/inbox`);
    expect(await unnamedButtons()).toEqual([]);
  });

  test('the inbox at 1366 px keeps list, thread and contact side by side', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await region('Conversations').getByTestId('conversation-item').filter({ hasText: 'birthday cake' }).click();
    await region('Conversation').getByTestId('messages').getByText('Can I order a birthday cake for Saturday?').waitFor();
    await region('Contact').getByTestId('contact-panel').waitFor();
    expect(await region('Conversations').isVisible()).toBe(true);
    expect(await region('Conversation').getByRole('button', { name: 'Conversations' }).isVisible()).toBe(false);
    expect(await region('Conversation').getByRole('button', { name: 'Contact details' }).isVisible()).toBe(false);
    expect(await unnamedButtons()).toEqual([]);
    await shot('small-inbox-1366');
  });

  test('at 1024 px the contact takes the place of the thread when asked for', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const thread = region('Conversation');
    await thread.getByTestId('messages').waitFor();
    expect(await region('Conversations').isVisible()).toBe(true);
    expect(await region('Contact').isVisible()).toBe(false);
    expect(await thread.getByRole('button', { name: 'Conversations' }).isVisible()).toBe(false);
    await shot('small-inbox-thread-1024');
    await thread.getByRole('button', { name: 'Contact details' }).click();
    await region('Contact').getByTestId('contact-panel').waitFor();
    expect(await thread.isVisible()).toBe(false);
    expect(await region('Conversations').isVisible()).toBe(true);
    expect(await pageWidth()).toBeLessThanOrEqual(1024);
    await shot('small-inbox-contact-1024');
    await region('Contact').getByRole('button', { name: 'Back to the conversation' }).click();
    await thread.waitFor();
  });

  test('opening hours show whole, holidays are picked on a calendar, saving is announced', async () => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${app.url}/settings`);
      const hours = page.getByTestId('business-hours');
      await hours.waitFor();
      await hours.getByRole('checkbox').first().check();
      const opens = hours.getByLabel('Monday opens');
      expect(await opens.inputValue()).toBe('09:00');
      // The whole "09:00 AM" fits: the field's text is not wider than the field.
      const cut = await hours.locator('input[type="time"]').evaluateAll(
        (els) =>
          els.filter((el) => {
            const probe = document.createElement('span');
            const style = getComputedStyle(el);
            probe.style.font = style.font;
            probe.textContent = '12:00 PM';
            document.body.appendChild(probe);
            const text = probe.getBoundingClientRect().width;
            probe.remove();
            const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20; // the clock button
            return text > room;
          }).length,
      );
      expect(cut).toBe(0);
      expect(await pageWidth()).toBeLessThanOrEqual(width);
      await shot(`small-settings-hours-${width}`);
    }

    const holidays = page.getByTestId('holidays');
    await holidays.getByLabel('Add a day you are closed').fill('2026-12-25');
    await holidays.getByRole('button', { name: 'Add day' }).click();
    await holidays.getByLabel('Add a day you are closed').fill('2026-12-24');
    await holidays.getByRole('button', { name: 'Add day' }).click();
    const days = holidays.getByRole('list', { name: 'Days you are closed' });
    expect(await days.getByRole('listitem').allTextContents()).toEqual(['Thursday, December 24, 2026', 'Friday, December 25, 2026']);
    expect(await days.getByLabel('Closed on Friday, December 25, 2026').getAttribute('type')).toBe('date');
    await days.getByRole('button', { name: 'Remove Thursday, December 24, 2026' }).click();
    await page.getByTestId('save-workspace').click();
    await page.getByRole('status', { name: 'Settings saved.' }).waitFor();
    const ws = await api<{ holidays: string[]; businessHours: Record<string, [string, string][]> }>('GET', '/api/workspace');
    expect(ws.holidays).toEqual(['2026-12-25']);
    expect(ws.businessHours.mon).toEqual([['09:00', '17:00']]);
    expect(await unnamedButtons()).toEqual([]);
    await shot('small-settings-holidays-390');
  });

  test('every page of the menu fits a 390 px phone, its buttons named', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['Flows', '/flows'],
      ['Templates', '/templates'],
      ['Contacts', '/contacts'],
      ['Knowledge', '/knowledge'],
      ['Channels', '/channels'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.waitForURL(`**${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await expect.poll(() => page.locator('.loading').count()).toBe(0);
      expect(await overflowing(), path).toEqual([]);
      expect(await pageWidth(), path).toBeLessThanOrEqual(390);
      expect(await unnamedButtons(), path).toEqual([]);
      await shot(`small-page${path.replace('/', '-')}-390`);
    }
  });

  test('a failure is announced as an alert', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const loaded = page.waitForResponse((r) => r.url().endsWith('/api/workspace') && r.request().method() === 'GET');
    await page.goto(`${app.url}/settings`);
    await loaded;
    await page.getByTestId('holidays').waitFor();
    // The workspace's name cannot be empty: the server refuses and the page says why.
    await page.getByLabel('Business name').fill('');
    await page.getByTestId('save-workspace').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBeTruthy();
    expect(await page.getByRole('status', { name: 'Settings saved.' }).count()).toBe(0);
    await shot('small-settings-alert-390');
    expect(pageErrors).toEqual([]);
  });
});
