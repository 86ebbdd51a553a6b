/**
 * Files both ways between a website visitor and the inbox, in a real Chromium: the visitor attaches
 * a picture from the chat bubble on another site, the agent sees it previewed in the thread and
 * answers with a PDF dropped in the reply box and a picture pasted; the visitor sees the picture
 * and the PDF as a download. Every file is served through a signed link.
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
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

/** A real PNG: `width`×`height` pixels of one colour. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < image.data.length; i += 4) image.data.set([r, g, b, 255], i);
  return PNG.sync.write(image);
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
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

describe('attachments between the widget and the inbox', () => {
  test('the visitor attaches a picture; the agent sees it previewed', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa Baker');
    await page.getByLabel('Business name').fill('Sunrise Bakery');
    await page.getByLabel('Email').fill('rosa@files.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
    const channel = await api<{ id: string }>('POST', '/api/channels', { type: 'webchat', name: 'Website chat', config: {} });

    host = await startHostPage(
      `<!doctype html><html><body><h1>Sunrise Bakery</h1><script src="${app.url}/widget.js" data-channel="${channel.id}" async></script></body></html>`,
    );
    visitorContext = await app.browser.newContext({ viewport: { width: 1000, height: 760 } });
    site = await visitorContext.newPage();
    site.on('pageerror', (e) => pageErrors.push(`site: ${e.message}`));
    await site.goto(host.url);
    await site.getByRole('button', { name: /^Open chat/ }).click();
    await site.getByRole('textbox', { name: 'Message' }).fill('Can you make a cake like this one?');
    await site.getByRole('textbox', { name: 'Message' }).press('Enter');
    await site
      .locator('input[type="file"]')
      .setInputFiles({ name: 'cake.png', mimeType: 'image/png', buffer: png(160, 120, [220, 60, 90]) });
    const sentPicture = site.getByRole('img', { name: 'cake.png' });
    await sentPicture.waitFor({ timeout: 15_000 });
    await expect.poll(() => sentPicture.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(160);
    expect(await sentPicture.getAttribute('src')).toMatch(new RegExp(`^${app.url}/media/[0-9a-f-]{36}/cake\\.png\\?expires=\\d+&sig=`));

    await page.goto(`${app.url}/inbox`);
    await page.getByTestId('conversation-item').first().click();
    const preview = page.getByTestId('attachment-image').locator('img');
    await preview.waitFor({ timeout: 15_000 });
    await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(160);
    expect(await preview.getAttribute('alt')).toBe('cake.png');
    await shot(page, 'attachments-inbox-visitor-picture');

    // The same link altered is refused.
    const src = (await preview.getAttribute('src'))!;
    const altered = await page.evaluate(async (url) => (await fetch(url.replace(/sig=./, 'sig=Z'))).status, src);
    expect(altered).toBe(404);
  });

  test('the agent drops a PDF and pastes a picture; the visitor gets both', async () => {
    const box = page.getByTestId('reply-box');
    // Drop: a DataTransfer holding the PDF, as the browser builds one for a file dragged in.
    const transfer = await page.evaluateHandle(
      (bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'menu.pdf', { type: 'application/pdf' }));
        return dt;
      },
      [...PDF],
    );
    await box.dispatchEvent('drop', { dataTransfer: transfer });
    // Paste: an image on the clipboard.
    const image = [...png(90, 90, [40, 120, 200])];
    await page.getByTestId('reply-input').evaluate((el, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'label.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, image);
    const chips = page.getByTestId('reply-files');
    await chips.getByText('menu.pdf').waitFor();
    await chips.getByText('label.png').waitFor();
    await expect.poll(() => chips.textContent(), { timeout: 10_000 }).not.toContain('uploading');
    await page.getByTestId('reply-input').fill('Yes! Here is our menu and your order label.');
    await page.getByTestId('reply-send').click();
    const file = page.getByTestId('attachment-file').filter({ hasText: 'menu.pdf' });
    await file.waitFor({ timeout: 15_000 });
    await shot(page, 'attachments-inbox-agent-reply');

    const pdfLink = site.getByRole('link', { name: /menu\.pdf/ });
    await pdfLink.waitFor({ timeout: 15_000 });
    const label = site.getByRole('img', { name: 'label.png' });
    await label.waitFor({ timeout: 15_000 });
    await expect.poll(() => label.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(90);
    const href = (await pdfLink.getAttribute('href'))!;
    // The link the visitor's browser opens (a download, not a script fetch: no CORS involved).
    const res = await fetch(href);
    const served = { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    expect(served).toEqual({ status: 200, type: 'application/pdf', body: PDF.toString() });
    expect(await site.getByText('Yes! Here is our menu and your order label.').count()).toBe(1);
    await shot(site, 'attachments-widget-both-ways');
    expect(pageErrors).toEqual([]);
  });
});
