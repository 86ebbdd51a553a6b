/**
 * Website chat setup in a real Chromium, as a bakery owner would do it: connect the chat in one
 * click, set its colour and greeting while the preview follows, read the install steps for their site
 * builder, try the chat on the preview page the app hosts, and see "installed: last seen on <site>"
 * once the bubble loads on a page of another origin.
 */
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, startHostPage, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
let card: Locator;
const pageErrors: string[] = [];
const state: { channelId?: string; snippet?: string } = {};

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

const shot = (p: Page, name: string) =>
  p.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: name !== 'website-chat-preview-page' });

describe('website chat setup', () => {
  test('the owner connects website chat with one click on it: no form, the title once, Disconnect is secondary', async () => {
    await page.goto(`${app.url}/signup`);
    await page.getByLabel('Your name').fill('Rosa Baker');
    await page.getByLabel('Business name').fill('Sunrise Bakery');
    await page.getByLabel('Email').fill('rosa@sunrise.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));

    await page.goto(`${app.url}/channels`);
    await page.getByRole('button', { name: '+ Connect a channel' }).click();
    await page
      .getByRole('dialog', { name: 'Connect a channel' })
      .getByRole('button', { name: /Website chat/ })
      .click();
    card = page.getByRole('article', { name: 'Website chat' });
    await card.waitFor();
    // No second step: the chooser closed and nothing asks for a name.
    expect(await page.getByRole('dialog').count()).toBe(0);
    state.channelId = (await card.getAttribute('data-channel-id'))!;
    expect(await card.getByText('Website chat', { exact: true }).count()).toBe(1);
    const disconnect = card.getByRole('button', { name: 'Disconnect Website chat' });
    expect(await disconnect.getAttribute('class')).not.toMatch(/btn-(danger|primary)/);
    // It asks first; dismissing keeps the chat.
    page.once('dialog', (d) => void d.dismiss());
    await disconnect.click();
    expect(await card.isVisible()).toBe(true);
    expect(await card.getByTestId('widget-installed').textContent()).toContain('Not seen on a website yet');
  });

  test('colour, title, greeting, reply time and side change the live preview, and save', async () => {
    const preview = card.getByRole('figure', { name: 'Chat bubble preview' });
    const launcherColour = () => preview.getByTestId('preview-launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await preview.getByTestId('preview-greeting').textContent()).toBe('Hi! How can we help you today?');
    expect(await launcherColour()).toBe('rgb(37, 99, 235)');

    await card.getByLabel('Colour').fill('#b45309');
    await card.getByLabel('Title').fill('Sunrise Bakery');
    await card.getByLabel('Greeting').fill('Hello from Sunrise Bakery! Ask us about cakes and opening hours.');
    await card.getByLabel('Reply time').fill('We reply within the hour');
    await card.getByLabel('Bottom left').check();
    expect(await launcherColour()).toBe('rgb(180, 83, 9)');
    expect(await preview.getByTestId('preview-title').textContent()).toBe('Sunrise Bakery');
    expect(await preview.getByTestId('preview-greeting').textContent()).toBe(
      'Hello from Sunrise Bakery! Ask us about cakes and opening hours.',
    );
    expect(await preview.textContent()).toContain('We reply within the hour');
    const box = (await preview.getByTestId('preview-launcher').boundingBox())!;
    const stage = (await preview.boundingBox())!;
    expect(box.x - stage.x).toBeLessThan(stage.width / 2);

    // A picture address that is not a web address is refused in words, next to the field.
    await card.getByLabel('Picture address').fill('javascript:alert(1)');
    await card.getByRole('button', { name: 'Save chat settings' }).click();
    await expect.poll(() => card.locator('.field-error').allTextContents()).toContain('Use a picture address that starts with https://');
    await card.getByLabel('Picture address').fill('');
    await card.getByRole('button', { name: 'Save chat settings' }).click();
    await expect.poll(() => page.getByText('Chat settings saved').count()).toBeGreaterThan(0);
    await shot(page, 'website-chat-settings');

    await page.reload();
    card = page.getByRole('article', { name: 'Website chat' });
    expect(await card.getByLabel('Title').inputValue()).toBe('Sunrise Bakery');
    expect(await card.getByLabel('Colour').inputValue()).toBe('#b45309');
  });

  test('install help: the code to copy and plain steps for WordPress, Wix and Squarespace', async () => {
    state.snippet = (await card.getByTestId('widget-snippet').textContent())!;
    expect(state.snippet).toBe(`<script src="${app.url}/widget.js" data-channel="${state.channelId}" async></script>`);
    const tabs = card.getByRole('tablist', { name: 'Your website is made with' });
    for (const [builder, words] of [
      ['WordPress', 'WPCode'],
      ['Wix', 'Custom Code'],
      ['Squarespace', 'Code Injection'],
    ] as const) {
      await tabs.getByRole('tab', { name: builder }).click();
      expect(await card.getByRole('tabpanel', { name: `Steps for ${builder}` }).textContent()).toContain(words);
    }
    await tabs.getByRole('tab', { name: 'Wix' }).click();
    await card.getByRole('button', { name: 'Disconnect Website chat' }).scrollIntoViewIfNeeded();
    await shot(page, 'website-chat-install-help');
  });

  test('the hosted preview page shows the bubble with the saved look; it opens with the greeting and the picture', async () => {
    // A picture on another site, as a bakery's logo would be.
    const pictures = await startHostPage('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const avatarUrl = `${pictures.url}rosa.png`;
    await card.getByLabel('Picture address').fill(avatarUrl);
    await card.getByRole('button', { name: 'Save chat settings' }).click();
    await expect.poll(() => card.getByRole('figure', { name: 'Chat bubble preview' }).textContent()).toContain('Your picture appears');

    const [preview] = await Promise.all([
      context.waitForEvent('page'),
      card.getByRole('link', { name: /Try it on a preview page/ }).click(),
    ]);
    preview.on('pageerror', (e) => pageErrors.push(`preview: ${e.message}`));
    // The preview page's policy lets the picture load (a refused one is never requested).
    const pictureRequested = preview.waitForRequest(avatarUrl, { timeout: 10_000 });
    await preview.waitForLoadState();
    expect(preview.url()).toBe(`${app.url}/preview/${state.channelId}`);
    const launcher = preview.getByRole('button', { name: /^Open chat/ });
    await launcher.waitFor();
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(180, 83, 9)');
    expect((await launcher.boundingBox())!.x).toBeLessThan(200);
    await launcher.click();
    const chat = preview.getByRole('dialog', { name: 'Sunrise Bakery' });
    await chat.waitFor();
    await expect
      .poll(() => chat.locator('.greeting').textContent())
      .toBe('Hello from Sunrise Bakery! Ask us about cakes and opening hours.');
    expect(await chat.textContent()).toContain('We reply within the hour');
    await pictureRequested;
    // The stand-in answers with no picture: the widget drops the broken image instead of showing its icon.
    await expect.poll(() => chat.locator('img.av').count()).toBe(0);
    await shot(preview, 'website-chat-preview-page');
    await preview.close();
    await pictures.close();

    // The preview page is not the owner's website.
    await page.reload();
    card = page.getByRole('article', { name: 'Website chat' });
    expect(await card.getByTestId('widget-installed').textContent()).toContain('Not seen on a website yet');
  });

  test('once the bubble loads on a page of another site, the card says where and when it was last seen', async () => {
    const host = await startHostPage(`<!doctype html><html><body><h1>Sunrise Bakery</h1>${state.snippet}</body></html>`);
    const visitor = await app.browser.newContext({ viewport: { width: 1000, height: 760 } });
    try {
      const site = await visitor.newPage();
      site.on('pageerror', (e) => pageErrors.push(`site: ${e.message}`));
      await site.goto(host.url);
      await site.getByRole('button', { name: /^Open chat/ }).waitFor();
      const hostName = new URL(host.url).host;
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.getByRole('article', { name: 'Website chat' }).getByTestId('widget-installed').textContent();
          },
          { timeout: 15_000 },
        )
        .toMatch(new RegExp(`Installed: last seen on ${hostName.replace(/\./g, '\\.')} today at`));
      await shot(page, 'website-chat-installed');
    } finally {
      await visitor.close();
      await host.close();
    }
  });

  test('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
