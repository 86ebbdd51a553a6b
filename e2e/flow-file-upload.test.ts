/**
 * A send step's file uploaded in the editor, in a real Chromium: the owner opens the step, clicks
 * "Upload a file" and picks a PDF; the step keeps the stored file's `media:<id>` reference (the
 * server test flow-files.test.ts follows that reference to the customer).
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
});

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

interface Doc {
  nodes: { id: string; type: string; config: Record<string, unknown> }[];
}

describe("a send step's file uploaded in the editor", () => {
  test('"Upload a file" stores the PDF and the step keeps its media: reference', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa Baker');
    await page.getByLabel('Business name').fill('Sunrise Bakery');
    await page.getByLabel('Email').fill('rosa@flowfiles.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
    const created = await api<{ id: string; error?: unknown }>('POST', '/api/workflows', {
      name: 'Menu',
      definition: {
        schemaVersion: 1,
        nodes: [
          { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { keywords: ['menu'] } },
          { id: 's', type: 'action.send_message', position: { x: 0, y: 200 }, config: { text: 'Our menu' } },
        ],
        edges: [{ id: 'e', source: 't', target: 's' }],
      },
    });
    expect(created.error).toBeUndefined();
    await page.goto(`${app.url}/flows/${created.id}`);
    await page.getByTestId('node-s').click();
    const button = page.getByRole('button', { name: 'Upload a file' });
    await expect.poll(() => button.count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('upload-attachments').setInputFiles({ name: 'menu.pdf', mimeType: 'application/pdf', buffer: PDF });
    const attachments = async () =>
      ((await api<{ definition: Doc }>('GET', `/api/workflows/${created.id}`)).definition.nodes.find((n) => n.id === 's')!.config
        .attachments ?? []) as string[];
    await expect.poll(attachments, { timeout: 15_000 }).toEqual([expect.stringMatching(/^media:[0-9a-f-]{36}$/)]);
    await page.screenshot({ path: join(screenshotDir, 'flow-file-upload.png') });
    expect(pageErrors).toEqual([]);
  });
});
