/**
 * An owner's AI agent in a real Chromium: the "Replace a broken item" template, filled in and
 * published, solves a customer's broken mug through the `api` channel (a scripted OpenAI-compatible
 * model, a shop stand-in). The inspector shows the agent's tools as forms; the run's replay lights
 * the agent and the "resolved" edge and names each tool call in the run's steps.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256Header } from '../packages/channels/src/signatures';
import {
  lastMessage,
  lastToolName,
  startOpenAiToolsStandIn,
  type ToolsStandIn,
  type WireRequest,
} from '../packages/flow/src/testing/openai-tools-stand-in';
import { startShopStandIn, type ShopStandIn } from '../apps/server/test/shop-stand-in';
import { screenshotDir, startApp, type RunningApp } from './harness';

const TOKEN = 'e2e-shop-token-4411';
let app: RunningApp;
let context: BrowserContext;
let page: Page;
let model: ToolsStandIn;
let shop: ShopStandIn;
let workflowId: string;
const pageErrors: string[] = [];

// The broken-item story's model: lookup, return, replacement, resolve with the tracking number.
function script(req: WireRequest) {
  const order = req.messages
    .map((m) => (m.role === 'user' ? /\b(\d{4})\b/.exec(m.content ?? '')?.[1] : undefined))
    .filter(Boolean)
    .at(-1);
  const tool = lastToolName(req);
  if (lastMessage(req).role === 'user') return { toolCalls: [{ name: 'lookup_order', arguments: { order_id: order } }] };
  if (tool === 'lookup_order') return { toolCalls: [{ name: 'create_return', arguments: { order_id: order, reason: 'arrived broken' } }] };
  if (tool === 'create_return') return { toolCalls: [{ name: 'ship_replacement', arguments: { order_id: order } }] };
  const tracking = (JSON.parse(lastMessage(req).content ?? '{}') as { body?: { tracking_number?: string } }).body?.tracking_number;
  return { toolCalls: [{ name: 'resolve', arguments: { message: `On its way! Tracking number: ${tracking}` } }] };
}

beforeAll(async () => {
  model = await startOpenAiToolsStandIn(script);
  shop = await startShopStandIn({ token: TOKEN, orders: { '1001': { status: 'delivered', items: [{ sku: 'MUG-1', name: 'Blue mug' }] } } });
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await model?.close();
  await shop?.close();
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

async function customerWrites(channel: { id: string; secret: string }, text: string, id: string) {
  const raw = JSON.stringify({ id, from: 'mug-owner', text });
  const res = await fetch(`${app.url}/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret, raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
}

describe('an AI agent, built from a template and replayed', () => {
  test('solves a broken mug through the api channel', async () => {
    await page.goto(app.url);
    await api('POST', '/api/auth/signup', {
      name: 'Mia Mugs',
      workspaceName: 'Mug Shop',
      email: 'mia@mugs.test',
      password: 'correct horse battery',
    });
    await api('PATCH', '/api/workspace', { settings: { ai: { baseUrl: model.baseUrl, model: 'agent-model', apiKey: 'sk-e2e' } } });
    await api('POST', '/api/credentials', { name: 'shop', value: TOKEN, hosts: ['127.0.0.1'] });
    const channel = await api<{ id: string; secret: string }>('POST', '/api/channels', {
      type: 'api',
      name: 'Shop app',
      config: { callbackUrl: `${shop.baseUrl}/ignored` },
    });
    const imported = await api<{
      workflow: { id: string; definition: { nodes: { id: string; config: { tools?: { request?: { url: string } }[] } }[] } };
    }>('POST', '/api/templates/replace-broken-item/import');
    workflowId = imported.workflow.id;
    const definition = imported.workflow.definition;
    for (const tool of definition.nodes.find((n) => n.id === 'agent')!.config.tools!)
      tool.request!.url = tool.request!.url.replace('https://shop.example.com/api', shop.baseUrl);
    await api('PUT', `/api/workflows/${workflowId}`, { definition });
    await api('POST', `/api/workflows/${workflowId}/publish`);

    await customerWrites(channel, 'My mug arrived broken, order 1001', 'm1');
    await expect.poll(() => shop.requests.length, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => (await api<{ runs: { status: string }[] }>('GET', `/api/runs?workflowId=${workflowId}`)).runs[0]?.status, {
        timeout: 30_000,
      })
      .toBe('waiting');
    await customerWrites(channel, 'yes', 'm2');
    await expect
      .poll(async () => (await api<{ runs: { status: string }[] }>('GET', `/api/runs?workflowId=${workflowId}`)).runs[0]?.status, {
        timeout: 30_000,
      })
      .toBe('completed');
    expect(shop.records.map((r) => r.kind)).toEqual(['return', 'shipment']);
  });

  test("shows the agent's tools as forms in the inspector", async () => {
    await page.goto(`${app.url}/flows/${workflowId}`);
    await page.getByTestId('node-agent').click();
    const tools = page.getByTestId('tool');
    await expect.poll(() => tools.count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('[data-field="tools.0.name"]').inputValue()).toBe('lookup_order');
    expect(await page.getByLabel('Argument name').first().inputValue()).toBe('order_id');
    expect(await page.locator('[data-field="tools.1.confirm"]').isChecked()).toBe(true);
    await shot('ai-agent-tools');
  });

  test('replays the run: the agent and its way out are lit, each tool call is named', async () => {
    await page.getByTestId('tab-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.getByTestId('run-detail').waitFor();
    const captions = await page.getByTestId('step-caption').allTextContents();
    expect(captions).toEqual([
      'The model chose lookup_order',
      'Called lookup_order',
      'The model chose create_return',
      'Asked the customer to confirm create_return',
      'The customer said yes to create_return',
      'Called create_return',
      'The model chose ship_replacement',
      'Called ship_replacement',
      'The model chose resolve',
      'Resolved the conversation',
    ]);
    await expect.poll(() => page.locator('[data-testid="node-agent"].lit-ok').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="node-done"].lit').count()).toBe(1);
    expect(await page.locator('.react-flow__edge.lit[data-testid="rf__edge-agent-resolved-done"]').count()).toBe(1);
    expect(await page.locator('[data-testid="node-people"].lit').count()).toBe(0);
    await shot('ai-agent-replay');
    expect(pageErrors).toEqual([]);
  });
});
