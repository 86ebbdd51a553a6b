/**
 * Setting up AI in Chromium, as a bakery owner would: the AI template's checklist says "AI not
 * connected" and links to Settings → AI; there the owner enters the address of an
 * OpenAI-compatible service (a stand-in on 127.0.0.1), a model and a key, and "Test connection"
 * shows the model's reply (or, with a wrong key, the provider's status and message). The editor,
 * still open in the first tab, stops saying "AI not connected" on the canvas and ticks the line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

const RIGHT_KEY = 'sk-rosa-right-key-2026';
const WRONG_KEY = 'sk-rosa-typo-key';
const REPLY = 'Hello! Yes, I can hear you loud and clear.';

/** An OpenAI-compatible chat endpoint that knows one key. */
async function startAiStandIn() {
  const keys: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      keys.push(auth);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'Unknown path' } }));
      }
      if (auth !== `Bearer ${RIGHT_KEY}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' },
            requestTrace: 'trace-should-stay-hidden',
          }),
        );
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 1,
          model: 'bakery-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: REPLY }, finish_reason: 'stop' }],
        }),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, keys, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

let app: RunningApp;
let ai: Awaited<ReturnType<typeof startAiStandIn>>;
let context: BrowserContext;
let editor: Page;
let settings: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [app, ai] = await Promise.all([startApp(), startAiStandIn()]);
  context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
  editor = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await ai?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });
const aiStep = () => editor.locator('.react-flow__node').filter({ hasText: 'AI reply' });
const aiLine = () => editor.getByRole('listitem').filter({ has: editor.getByRole('link', { name: /Settings → AI/ }) });

describe('Settings → AI', () => {
  test('the AI template says "AI not connected" on the canvas and in the checklist', async () => {
    // The account itself is another test's subject: made through the API the sign-up page uses.
    await editor.goto(app.url);
    const signup = await editor.evaluate(async () => {
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
    expect(signup).toBe(201);

    await editor.goto(`${app.url}/templates`);
    const card = editor.getByRole('article').filter({ has: editor.getByRole('heading', { name: /knowledge base, then AI/i }) });
    await card.getByRole('button', { name: 'Use template' }).click();
    await editor.waitForURL(/\/flows\/[0-9a-f-]+$/);
    await expect.poll(() => aiStep().count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => aiStep().getByText('AI not connected').count()).toBe(1);
    await expect.poll(() => aiLine().getByText('AI not connected').count()).toBe(1);
    const box = aiLine().getByRole('checkbox');
    expect(await box.isChecked()).toBe(false);
    expect(await box.isDisabled()).toBe(true);
    await editor.waitForTimeout(400); // let the canvas fit its view
    await shot(editor, 'ai-not-connected');
  });

  test('the checklist link opens Settings → AI; a wrong key shows the status and message', async () => {
    [settings] = await Promise.all([context.waitForEvent('page'), aiLine().getByRole('link').click()]);
    await settings.waitForURL('**/settings#ai');
    await expect.poll(() => settings.getByRole('tab', { name: 'AI' }).getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    expect(await settings.getByRole('status').filter({ hasText: 'AI not connected' }).count()).toBe(1);
    expect(await settings.getByLabel('Base URL').inputValue()).toBe('https://api.openai.com/v1');

    await settings.getByLabel('Base URL').fill(ai.baseUrl);
    await settings.getByLabel('Model').fill('bakery-mini');
    await settings.getByLabel('API key').fill(WRONG_KEY);
    await settings.getByRole('button', { name: 'Test connection' }).click();
    const failed = settings.getByRole('alert').filter({ hasText: 'Test failed' });
    await expect
      .poll(() => failed.textContent(), { timeout: 15_000 })
      .toBe('Test failed. The AI provider answered 401: Incorrect API key provided.');
    expect(await settings.content()).not.toContain('trace-should-stay-hidden');
    // The key went to the provider, and is not shown back: the field is empty, "a key is saved".
    expect(ai.keys).toContain(`Bearer ${WRONG_KEY}`);
    expect(await settings.getByLabel('API key').inputValue()).toBe('');
    expect(await settings.getByLabel('API key').getAttribute('placeholder')).toContain('A key is saved');
    await shot(settings, 'ai-settings-wrong-key');
  });

  test('the right key: Test connection shows the model reply, and the editor tab follows', async () => {
    await settings.getByLabel('API key').fill(RIGHT_KEY);
    await settings.getByRole('button', { name: 'Test connection' }).click();
    const result = settings.getByRole('status', { name: 'Test result' });
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toBe(`It works. bakery-mini answered: “${REPLY}”`);
    await expect.poll(() => settings.getByRole('status').filter({ hasText: 'Connected: the last test passed' }).count()).toBe(1);
    await shot(settings, 'ai-settings-connected');
    const html = await settings.content();
    expect(html).not.toContain(RIGHT_KEY);
    expect(html).not.toContain(WRONG_KEY);
    const workspace = await settings.evaluate(async () => (await fetch('/api/workspace')).text());
    expect(workspace).not.toContain(RIGHT_KEY);

    // Back in the first tab, nothing reloaded by hand: the AI step and the checklist line update.
    await editor.bringToFront();
    await expect.poll(() => aiStep().getByText('AI not connected').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => aiLine().getByRole('checkbox').isChecked()).toBe(true);
    expect(await aiLine().getByText('AI not connected').count()).toBe(0);
    await shot(editor, 'ai-connected-canvas');
    expect(pageErrors).toEqual([]);
  });
});
