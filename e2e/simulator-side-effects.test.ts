/**
 * Trying a flow never changes the owner's other systems. In a real Chromium the owner opens a flow
 * whose "Create return" step POSTs to their shop (a stand-in that counts requests), edits the
 * step's sample response in the inspector, chats in the simulator and sees the reply built from
 * the sample with a note that no request was sent; the shop got nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
let shop: Server;
let shopUrl: string;
const shopCalls: string[] = [];
const pageErrors: string[] = [];
let workflowId: string;

beforeAll(async () => {
  shop = createServer((req, res) => {
    shopCalls.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id": "RET-REAL"}');
  });
  await new Promise<void>((ok) => shop.listen(0, '127.0.0.1', ok));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await new Promise<void>((ok) => (shop ? shop.close(() => ok()) : ok()));
});

const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
/** Same-origin API calls from the signed-in page, as the web app makes them. */
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

describe('the simulator sends nothing to other systems', () => {
  test('an owner with a flow that books returns in their shop', async () => {
    await page.goto(app.url);
    await api('POST', '/api/auth/signup', {
      name: 'Rosa Baker',
      workspaceName: 'Sunrise Bakery',
      email: 'rosa@sunrise.test',
      password: 'correct horse battery',
    });
    const at = (y: number) => ({ x: 0, y });
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.message_received', position: at(0), config: { keywords: ['return'] } },
        { id: 'wait', type: 'action.send_message', position: at(160), config: { text: 'One moment, booking your return…' } },
        {
          id: 'book',
          type: 'action.http_request',
          label: 'Create return',
          position: at(320),
          config: { method: 'POST', url: `${shopUrl}/returns`, body: '{"order": "{{ message.text }}"}', saveTo: 'ret' },
        },
        {
          id: 'done',
          type: 'action.send_message',
          position: { x: -160, y: 500 },
          config: { text: 'Your return {{ vars.ret.body.id }} is booked.' },
        },
        {
          id: 'oops',
          type: 'action.send_message',
          position: { x: 160, y: 500 },
          config: { text: 'Sorry, the shop said {{ vars.ret.status }}.' },
        },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'wait' },
        { id: 'e2', source: 'wait', target: 'book' },
        { id: 'e3', source: 'book', sourceHandle: 'success', target: 'done' },
        { id: 'e4', source: 'book', sourceHandle: 'error', target: 'oops' },
      ],
    };
    const created = await api<{ id: string }>('POST', '/api/workflows', { name: 'Returns', definition });
    workflowId = created.id;
    expect(workflowId).toBeTruthy();
  });

  test('edits the sample response of the "Create return" step in the inspector', async () => {
    await page.goto(`${app.url}/flows/${workflowId}`);
    await page.getByText('Create return', { exact: true }).click();
    const status = page.getByLabel('Sample response status');
    const body = page.getByLabel('Sample response body');
    // What a test answers until the owner changes it: 200 and an empty JSON object.
    await expect.poll(() => status.inputValue(), { timeout: 15_000 }).toBe('200');
    expect(await body.inputValue()).toBe('{}');
    const callForReal = page.getByLabel('Call for real when testing (GET only)');
    expect(await callForReal.isChecked()).toBe(false);

    await status.fill('201');
    await body.fill('{"id": "RET-42", "label": "Free returns label"}');
    await expect
      .poll(
        async () =>
          (
            await api<{ definition: { nodes: { id: string; config: Record<string, unknown> }[] } }>('GET', `/api/workflows/${workflowId}`)
          ).definition.nodes.find((n) => n.id === 'book')!.config.testResponse,
        { timeout: 10_000 },
      )
      .toEqual({ status: 201, body: '{"id": "RET-42", "label": "Free returns label"}' });
    await callForReal.scrollIntoViewIfNeeded();
    await shot('sample-response');
  });

  test('tries it in the simulator: the reply uses the sample and says no request was sent', async () => {
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('I want to return order 1234');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const thread = page.locator('.sim-thread');
    await expect.poll(() => thread.getByText('Your return RET-42 is booked.').count(), { timeout: 15_000 }).toBe(1);
    const note = page.getByRole('note');
    expect(await note.textContent()).toBe('Create return: Sample response used (no request sent)');
    // In the order it happened: the first reply, then the step, then the reply built from the sample.
    const lines = await thread.locator('.sim-msg').allTextContents();
    expect(lines).toEqual([
      'I want to return order 1234',
      'One moment, booking your return…',
      'Create return: Sample response used (no request sent)',
      'Your return RET-42 is booked.',
    ]);
    expect(shopCalls).toEqual([]);
    await shot('simulator-sample-response');
  });

  test('with "Call for real" switched on, a POST is still not sent', async () => {
    await page.getByRole('tab', { name: 'Step' }).click();
    await page.getByText('Create return', { exact: true }).click();
    await page.getByLabel('Call for real when testing (GET only)').check();
    await expect
      .poll(
        async () =>
          (
            await api<{ definition: { nodes: { id: string; config: Record<string, unknown> }[] } }>('GET', `/api/workflows/${workflowId}`)
          ).definition.nodes.find((n) => n.id === 'book')!.config.callForReal,
        { timeout: 10_000 },
      )
      .toBe(true);
    // The simulator starts a new conversation when its tab opens again.
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByLabel('Customer message').fill('return please');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('.sim-thread').getByText('Your return RET-42 is booked.').count(), { timeout: 15_000 }).toBe(1);
    expect(shopCalls).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
