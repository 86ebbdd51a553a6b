/**
 * Typing both ways between a website visitor and the inbox, in two real Chromium windows: the
 * visitor types and the agent's thread says "Customer is typing…"; the agent types and the chat
 * bubble on the shop's site says "Rosa Baker is typing…" until the reply arrives.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, startHostPage, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let visitorContext: BrowserContext;
let page: Page;
let site: Page;
let host: { url: string; close(): Promise<void> };
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1366, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await visitorContext?.close();
  await context?.close();
  await host?.close();
  await app?.stop();
});

const shot = (p: Page, name: string) => p.screenshot({ path: join(screenshotDir, `${name}.png`) });

describe('typing between the website chat and the inbox', () => {
  test('each side sees the other typing', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa Baker');
    await page.getByLabel('Business name').fill('Sunrise Bakery');
    await page.getByLabel('Email').fill('rosa@typing.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
    const channel = (await page.evaluate(async () => {
      const res = await fetch('/api/channels', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'webchat', name: 'Website chat', config: {} }),
      });
      return res.json();
    })) as { id: string };

    host = await startHostPage(
      `<!doctype html><html><body><h1>Sunrise Bakery</h1><script src="${app.url}/widget.js" data-channel="${channel.id}" async></script></body></html>`,
    );
    visitorContext = await app.browser.newContext({ viewport: { width: 1000, height: 760 } });
    site = await visitorContext.newPage();
    site.on('pageerror', (e) => pageErrors.push(`site: ${e.message}`));
    await site.goto(host.url);
    await site.getByRole('button', { name: /^Open chat/ }).click();
    const input = site.getByRole('textbox', { name: 'Message' });
    await input.fill('Do you have rye bread today?');
    await input.press('Enter');

    await page.goto(`${app.url}/inbox`);
    await page.getByTestId('conversation-item').first().click();
    await page.getByTestId('msg-contact').getByText('Do you have rye bread today?').waitFor({ timeout: 15_000 });

    // The visitor starts a second question: the agent sees it coming.
    await input.pressSequentially('And', { delay: 30 });
    const customerTyping = page.getByTestId('customer-typing');
    await expect.poll(() => customerTyping.textContent(), { timeout: 10_000 }).toBe('Customer is typing…');
    await shot(page, 'typing-inbox-customer-1366');
    await input.pressSequentially(' sourdough?', { delay: 10 });
    await input.press('Enter');
    await page.getByText('And sourdough?').waitFor({ timeout: 15_000 });
    await expect.poll(() => customerTyping.count(), { timeout: 5_000 }).toBe(0);

    // The agent answers: the visitor sees them typing, then the reply.
    await page.getByTestId('reply-input').pressSequentially('Yes, both', { delay: 30 });
    const agentTyping = site.getByText('Rosa Baker is typing…');
    await agentTyping.waitFor({ timeout: 10_000 });
    await shot(site, 'typing-widget-agent');
    await page.getByTestId('reply-input').pressSequentially(', until noon.', { delay: 5 });
    await page.getByTestId('reply-send').click();
    await site.getByText('Yes, both, until noon.').waitFor({ timeout: 15_000 });
    await expect.poll(() => agentTyping.count(), { timeout: 5_000 }).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
