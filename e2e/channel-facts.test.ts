/**
 * Channel facts in a real Chromium: the connect forms are drawn from each channel's facts and zod
 * config (WhatsApp's fields and help, email's nested SMTP settings), the connected card shows the
 * channel's own setup help, and the flow editor warns about WhatsApp's 24-hour window on a
 * webhook-started flow because the workspace has WhatsApp connected.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
});

async function openConnectForm(kind: RegExp) {
  await page.goto(`${app.url}/channels`);
  await page.getByRole('button', { name: '+ Connect a channel' }).click();
  await page.getByRole('dialog', { name: 'Connect a channel' }).getByRole('button', { name: kind }).click();
  return page.getByTestId('channel-form');
}

describe('channel facts in the app', () => {
  test('the WhatsApp form asks for its settings with their help, and the card says where to paste the address', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Wanda Florist');
    await page.getByLabel('Business name').fill('Wanda Flowers');
    await page.getByLabel('Email').fill('wanda@flowers.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));

    const form = await openConnectForm(/WhatsApp/);
    expect(await form.textContent()).toContain('Meta for Developers → WhatsApp → API setup.');
    expect(await form.getByLabel('Access token').getAttribute('type')).toBe('password');
    expect(await form.getByLabel('Phone number ID').getAttribute('type')).toBe('text');
    await form.getByLabel('Phone number ID').fill('1234567890');
    await form.getByLabel('Access token').fill('meta-access-token');
    await form.getByLabel('App secret').fill('meta-app-secret');
    await form.getByLabel('Verify token').fill('tulips');
    await form.getByRole('button', { name: 'Connect' }).click();

    const card = page.getByRole('article', { name: 'WhatsApp' });
    await card.waitFor();
    expect(await card.textContent()).toContain('WhatsApp → Configuration → Webhook → Callback URL');
    expect(await card.textContent()).toContain('Stored securely: accessToken, appSecret');
  });

  test('the email form sends SMTP settings nested as the channel expects, the port as a number', async () => {
    const form = await openConnectForm(/Email/);
    await form.getByLabel('Email service').selectOption('smtp');
    await form.getByLabel('Send from address').fill('hello@flowers.test');
    await form.getByLabel('SMTP server').fill('mail.flowers.test');
    await form.getByLabel('SMTP port').fill('587');
    await form.getByLabel('SMTP user').fill('wanda');
    await form.getByLabel('SMTP password').fill('smtp-password');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/channels') && r.request().method() === 'POST'),
      form.getByRole('button', { name: 'Connect' }).click(),
    ]);
    expect(JSON.parse(created.request().postData() ?? '{}').config).toEqual({
      provider: 'smtp',
      fromAddress: 'hello@flowers.test',
      smtp: { host: 'mail.flowers.test', port: 587, secure: false, user: 'wanda', pass: 'smtp-password' },
    });
    expect(created.status()).toBe(201);
    await page.getByRole('article', { name: 'Email' }).waitFor();
  });

  test('the editor warns that a webhook-started message needs a WhatsApp template', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.webhook', position: { x: 0, y: 0 }, config: {} },
        { id: 'say', type: 'action.send_message', position: { x: 0, y: 160 }, config: { text: 'Your bouquet is on its way' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'say' }],
    };
    const id = await page.evaluate(
      async (body) => {
        const res = await fetch('/api/workflows', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await res.json()).id as string;
      },
      { name: 'Bouquet shipped', definition },
    );

    await page.goto(`${app.url}/flows/${id}`);
    await page.getByTestId('tab-problems').click();
    const warning = page.getByTestId('issue-warning').filter({ hasText: 'WhatsApp' });
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Add a WhatsApp template to this step');
    expect(pageErrors).toEqual([]);
  });
});
