/**
 * The inbox composer once WhatsApp's 24-hour window has closed, in a real Chromium: the customer
 * wrote a day and more ago, the agent opens the conversation, the reply box offers the channel's
 * synced templates, and the one chosen (values, header picture) reaches the WhatsApp stand-in and
 * shows in the thread with its delivery tick. Screens at 1366 and 390 px wide.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256Header } from '../packages/channels/src/signatures';
import type { StandIn } from '../packages/channels/src/testing/stand-in';
import { startTemplatesStandIn } from '../packages/channels/src/testing/whatsapp-templates-stand-in';
import { screenshotDir, startApp, type RunningApp } from './harness';

const TOKEN = 'e2e-wa-token';
const APP_SECRET = 'e2e-wa-secret';
const WABA = '102290129340398';
let app: RunningApp;
let meta: StandIn;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  meta = await startTemplatesStandIn({ token: TOKEN, wabaId: WABA, phoneNumberId: 'PN5' });
  context = await app.browser.newContext({ viewport: { width: 1366, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await meta?.close();
  await app?.stop();
});

const shot = (p: Page, name: string) => p.screenshot({ path: join(screenshotDir, `${name}.png`) });

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, {
        method: m as string,
        headers: { 'content-type': 'application/json' },
        ...(b === undefined ? {} : { body: JSON.stringify(b) }),
      });
      return { status: res.status, body: await res.json() };
    },
    [method, path, body] as const,
  ) as Promise<{ status: number; body: T }>;
}

/** The customer's WhatsApp message, signed as Meta signs it, written `hoursAgo` hours ago. */
async function customerWrote(channelId: string, text: string, hoursAgo: number) {
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: 'PN5' },
              contacts: [{ profile: { name: 'Ana Lima' }, wa_id: '15550002222' }],
              messages: [
                {
                  from: '15550002222',
                  id: 'wamid.e2e1',
                  timestamp: String(Math.floor(Date.now() / 1000) - hoursAgo * 3600),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const res = await fetch(`${app.url}/webhooks/channels/${channelId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sha256Header(APP_SECRET, raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
}

describe('inbox composer after the WhatsApp window closed', () => {
  test('offers the synced templates and sends the one chosen, with its header picture', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa Baker');
    await page.getByLabel('Business name').fill('Sunrise Bakery');
    await page.getByLabel('Email').fill('rosa@templates.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));

    const channel = await api<{ id: string }>('POST', '/api/channels', {
      type: 'whatsapp',
      name: 'WhatsApp',
      config: {
        phoneNumberId: 'PN5',
        accessToken: TOKEN,
        appSecret: APP_SECRET,
        verifyToken: 'v',
        businessAccountId: WABA,
        baseUrl: meta.baseUrl,
      },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    expect((await api('POST', `/api/channels/${channel.body.id}/templates/sync`)).status).toBe(200);
    await customerWrote(channel.body.id, 'Is my cake ready?', 26);

    await page.goto(`${app.url}/inbox`);
    await page.getByTestId('conversation-item').first().click();
    const composer = page.getByTestId('template-composer');
    await composer.waitFor({ timeout: 15_000 });
    expect(await composer.textContent()).toContain('more than 24 hours ago');
    // Only approved templates are offered (spring_sale is still pending at Meta).
    const select = page.getByTestId('template-select');
    expect(await select.locator('option').allTextContents()).toEqual(['Send a template…', 'order_ready (en_US)']);
    await select.selectOption('order_ready|en_US');
    const values = page.getByTestId('template-value');
    await values.nth(0).fill('Ana');
    await values.nth(1).fill('#42');
    await composer.getByPlaceholder(/header image/).fill('https://cdn.example.com/cake.jpg');
    await shot(page, 'inbox-template-composer-1366');

    const before = meta.requests.length;
    await page.getByTestId('template-send').click();
    const bubble = page.getByTestId('msg-agent').filter({ hasText: 'Hi Ana, your order #42 is ready for pickup.' });
    await bubble.waitFor({ timeout: 15_000 });
    await expect.poll(() => meta.requests.slice(before).filter((r) => r.path.endsWith('/messages')).length, { timeout: 15_000 }).toBe(1);
    const sent = meta.requests
      .slice(before)
      .find((r) => r.path.endsWith('/messages'))!
      .json();
    expect(sent.template.name).toBe('order_ready');
    expect(sent.template.components[0]).toEqual({
      type: 'header',
      parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/cake.jpg' } }],
    });
    expect(sent.template.components[1]).toEqual({
      type: 'body',
      parameters: [
        { type: 'text', text: 'Ana' },
        { type: 'text', text: '#42' },
      ],
    });
    // The reply's tick: sent once Meta accepted it.
    await expect.poll(() => bubble.locator('.ticks').getAttribute('aria-label'), { timeout: 15_000 }).toBe('Sent');
    await shot(page, 'inbox-template-sent-1366');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test("a flow's Send message step picks the synced template and fills its values", async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: {} },
        { id: 'send', type: 'action.send_message', position: { x: 0, y: 200 }, config: { text: 'Your cake is ready' } },
      ],
      edges: [{ id: 'e0', source: 't', target: 'send' }],
    };
    const created = await api<{ id: string }>('POST', '/api/workflows', { name: 'Cake ready', definition });
    expect(created.status).toBe(201);
    await page.goto(`${app.url}/flows/${created.body.id}`);
    await page.getByRole('group', { name: 'Send message', exact: true }).click();
    const picker = page.locator('select[data-field="whatsappTemplate"]');
    await expect
      .poll(() => picker.locator('option').allTextContents(), { timeout: 15_000 })
      .toEqual(['— No template —', 'order_ready (en_US)', 'spring_sale (es) · not approved', 'Type a template name…']);
    await picker.selectOption('order_ready|en_US');
    await page.locator('[data-field="whatsappTemplate.variables.0"]').fill('{{ contact.first_name }}');
    await page.locator('[data-field="whatsappTemplate.variables.1"]').fill('#42');
    await page.locator('[data-field="whatsappTemplate.headerMedia.link"]').fill('https://cdn.example.com/cake.jpg');
    await page.locator('[data-field="whatsappTemplate.buttons.0.value"]').fill('coming');
    await page.getByTestId('whatsapp-template').scrollIntoViewIfNeeded();
    await shot(page, 'flow-template-picker-1366');
    const stored = async () => {
      const res = await api<{ definition: typeof definition }>('GET', `/api/workflows/${created.body.id}`);
      return (res.body.definition.nodes.find((n) => n.id === 'send')!.config as Record<string, unknown>).whatsappTemplate;
    };
    await expect.poll(stored, { timeout: 15_000 }).toEqual({
      name: 'order_ready',
      language: 'en_US',
      variables: ['{{ contact.first_name }}', '#42'],
      headerMedia: { type: 'image', link: 'https://cdn.example.com/cake.jpg' },
      buttons: [
        { subType: 'quick_reply', index: 0, value: 'coming' },
        { subType: 'quick_reply', index: 1, value: 'Deliver it' },
      ],
    });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  test('on a phone the composer fits the screen', async () => {
    const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
    const small = await phone.newPage();
    small.on('pageerror', (e) => pageErrors.push(e.message));
    await small.goto(`${app.url}/inbox`);
    await small.getByTestId('conversation-item').first().click();
    const composer = small.getByTestId('template-composer');
    await composer.waitFor({ timeout: 15_000 });
    await small.getByTestId('template-select').selectOption('order_ready|en_US');
    await composer.scrollIntoViewIfNeeded();
    const box = (await composer.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(small, 'inbox-template-composer-390');
    await phone.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
