/**
 * The widget in a real Chromium against the in-memory stand-in server, host page and
 * API on different origins as in production. Needs Debian's chromium at /usr/bin/chromium.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildWidget } from '../scripts/build';
import { startHostPage, startStandIn, type StandIn } from './testing/standin-server';

const T = 30_000;
let browser: Browser;
let standIn: StandIn;
let host: Awaited<ReturnType<typeof startHostPage>>;
const contexts: BrowserContext[] = [];
const pageErrors: Error[] = [];

// Hostile host-page CSS: none of it may reach the widget.
const hostilePage = (origin: string, channelId: string) => `<!doctype html>
<html><head><meta name="viewport" content="width=device-width,initial-scale=1">
<style>
  * { font-size: 40px !important; box-sizing: content-box !important; color: lime !important; }
  div, button { display: none !important; background: red !important; width: 5px !important; }
  body > :not(h1) { display: none !important; }
  input { visibility: hidden !important; }
</style></head>
<body><h1>Sunrise Bakery</h1>
<script src="${origin}/widget.js" data-channel="${channelId}" data-title="Sunrise Bakery"
  data-greeting="Hi! Ask us anything." data-color="#0a7d4f" async></script>
</body></html>`;

beforeAll(async () => {
  standIn = await startStandIn(await buildWidget());
  host = await startHostPage(hostilePage(standIn.origin, standIn.channelId));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await host?.close();
  await standIn?.close();
});

async function openPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(host.url);
  return page;
}

// Playwright's CSS engine pierces open shadow roots.
const w = (page: Page) => ({
  launcher: page.locator('button.launcher'),
  badge: page.locator('.badge'),
  panel: page.locator('.panel'),
  input: page.locator('form input[type=text]'),
  bubbles: page.locator('.m .b'),
  outgoing: page.locator('.m.out .b'),
  incoming: page.locator('.m.in .b'),
  replies: page.locator('.qr button'),
});

async function sendAndCatch(page: Page, text: string) {
  const inbound = standIn.nextInbound(text);
  await w(page).input.fill(text);
  await w(page).input.press('Enter');
  return inbound;
}

describe('widget in Chromium', () => {
  test(
    'sends, shows the bot reply pushed over SSE, and keeps the visitor across a reload',
    async () => {
      const visitorsAtStart = standIn.visitors.size;
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.waitFor();
      expect(standIn.visitors.size).toBe(visitorsAtStart); // a page view alone makes no contact
      await ui.launcher.click();
      await expect.poll(() => ui.panel.isVisible()).toBe(true);
      await expect.poll(() => ui.outgoing.first().textContent()).toBe('Hi! Ask us anything.');
      // The tag's title wins; the reply time comes from the owner's look on the server.
      expect(await page.locator('header .tt').textContent()).toBe('Sunrise Bakery');
      expect(await page.locator('header .rt').textContent()).toBe('We usually reply within 5 minutes');
      // The owner's picture loads (a broken one would be removed).
      await expect
        .poll(() => page.locator('header img.av').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
      await expect.poll(() => ui.input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

      const { visitor } = await sendAndCatch(page, 'Do you deliver?');
      standIn.reply(visitor, { text: 'Yes, within 5 km, every day.' });
      await expect.poll(() => ui.outgoing.allTextContents()).toEqual(['Hi! Ask us anything.', 'Yes, within 5 km, every day.']);
      await expect.poll(() => ui.incoming.allTextContents()).toEqual(['Do you deliver?']);
      await expect.poll(() => page.locator('.m.sending').count()).toBe(0);
      expect(await page.evaluate((ch) => localStorage.getItem(`switchboard:${ch}`), standIn.channelId)).toBe(visitor.token);

      const visitorsBefore = standIn.visitors.size;
      await page.reload();
      // The panel was open: it stays open across a navigation, with the history.
      await expect
        .poll(() => ui.bubbles.allTextContents())
        .toEqual(['Hi! Ask us anything.', 'Do you deliver?', 'Yes, within 5 km, every day.']);
      expect(standIn.visitors.size).toBe(visitorsBefore);
      expect(await page.evaluate((ch) => localStorage.getItem(`switchboard:${ch}`), standIn.channelId)).toBe(visitor.token);

      await page.evaluate(() => window.Switchboard!.identify({ name: 'Ana', email: 'ana@example.com', userId: 'u-42', userHash: 'ab12' }));
      await expect.poll(() => visitor.email).toBe('ana@example.com');
      expect(visitor.name).toBe('Ana');
      expect(visitor.userId).toBe('u-42');
      expect(standIn.visitors.size).toBe(visitorsBefore);
    },
    T,
  );

  test(
    'quick replies send their text, images show, agent names show, Esc closes, badge counts unread',
    async () => {
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const { visitor } = await sendAndCatch(page, 'Prices?');
      standIn.reply(visitor, { text: 'What would you like?', quickReplies: ['Cakes', 'Bread'] });
      await expect.poll(() => ui.replies.allTextContents()).toEqual(['Cakes', 'Bread']);

      const picked = standIn.nextInbound('Bread');
      await ui.replies.nth(1).click();
      await picked;
      await expect.poll(() => ui.replies.count()).toBe(0);

      standIn.reply(visitor, { text: 'Our sourdough', mediaUrl: `${standIn.origin}/pixel.png` });
      const img = page.locator('.m.out img');
      await expect.poll(() => img.getAttribute('src')).toBe(`${standIn.origin}/pixel.png`);
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

      await ui.input.press('Escape');
      await expect.poll(() => ui.panel.isVisible()).toBe(false);
      await expect.poll(() => ui.launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
      expect(await ui.badge.isVisible()).toBe(false);

      standIn.reply(visitor, { author: 'agent', authorName: 'Maria', text: 'Hi, Maria here.' });
      standIn.reply(visitor, { author: 'agent', authorName: 'Maria', text: 'Anything else?' });
      await expect.poll(() => ui.badge.textContent()).toBe('2');
      expect(await ui.launcher.getAttribute('aria-label')).toBe('Open chat (2 unread)');

      await page.keyboard.press('Enter'); // the launcher still has focus
      await expect.poll(() => ui.panel.isVisible()).toBe(true);
      await expect.poll(() => ui.badge.isVisible()).toBe(false);
      await expect.poll(() => page.locator('.m.out .who').allTextContents()).toEqual(['Maria', 'Maria']);
    },
    T,
  );

  test(
    'shows the agent typing until their reply arrives, and tells the agents when the visitor types',
    async () => {
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const { visitor } = await sendAndCatch(page, 'Can I order a cake?');
      const note = page.locator('.ty');
      expect(await note.isVisible()).toBe(false);

      standIn.agentTyping(visitor, 'Maya');
      await expect.poll(() => note.textContent()).toBe('Maya is typing…');
      expect(await note.isVisible()).toBe(true);
      standIn.reply(visitor, { text: 'Of course! Which size?', author: 'agent', authorName: 'Maya' });
      await expect.poll(() => ui.outgoing.last().textContent()).toBe('Of course! Which size?');
      await expect.poll(() => note.isVisible()).toBe(false);

      // Keystrokes in quick succession reach the server as one signal.
      const before = visitor.typingPosts;
      await ui.input.pressSequentially('A large one', { delay: 20 });
      await expect.poll(() => visitor.typingPosts).toBe(before + 1);
      await page.waitForTimeout(300);
      expect(visitor.typingPosts).toBe(before + 1);
    },
    T,
  );

  test(
    'text is rendered as text, never as HTML',
    async () => {
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const attack = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
      const { visitor } = await sendAndCatch(page, attack);
      standIn.reply(visitor, { text: '<script>window.__pwned=2</script><i>hi</i>', mediaUrl: 'javascript:window.__pwned=3' });
      await expect
        .poll(() => ui.bubbles.allTextContents())
        .toEqual(['Hi! Ask us anything.', attack, '<script>window.__pwned=2</script><i>hi</i>']);
      expect(await page.locator('.m img, .m b, .m i, .m script').count()).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    },
    T,
  );

  test(
    'after the stream drops it reconnects, refetches, and shows every message once',
    async () => {
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const { visitor } = await sendAndCatch(page, 'Are you open Sunday?');
      standIn.reply(visitor, { text: 'Checking…' });
      await expect.poll(() => ui.outgoing.count()).toBe(2);

      // Rows survive updates (a rebuild would drop the visitor's selection): tag one.
      await ui.incoming.first().evaluate((el) => el.setAttribute('data-kept', ''));
      standIn.dropStreams();
      // Stored while no stream is open and never pushed: only the refetch can bring it.
      standIn.reply(visitor, { text: 'Yes, 8am to noon.' }, false);
      await expect
        .poll(() => ui.outgoing.allTextContents(), { timeout: 10_000 })
        .toEqual(['Hi! Ask us anything.', 'Checking…', 'Yes, 8am to noon.']);
      // And the stream is live again.
      standIn.reply(visitor, { text: 'See you!' });
      await expect.poll(() => ui.outgoing.last().textContent()).toBe('See you!');
      expect(await ui.incoming.allTextContents()).toEqual(['Are you open Sunday?']);
      expect(await ui.incoming.first().getAttribute('data-kept')).toBe('');
    },
    T,
  );

  test(
    'a POST whose answer is lost is retried with the same clientId and stored once',
    async () => {
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const first = await sendAndCatch(page, 'hello');
      await expect.poll(() => page.locator('.m.sending').count()).toBe(0);

      standIn.loseNextPostAnswer();
      const postsBefore = standIn.posts;
      await ui.input.fill('one dozen croissants');
      await ui.input.press('Enter');
      // The stream's echo may confirm it on screen first; the widget retries regardless.
      await expect.poll(() => standIn.posts - postsBefore, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => page.locator('.m.sending').count()).toBe(0);
      expect(await page.locator('.m.failed').count()).toBe(0);
      expect(first.visitor.messages.map((m) => m.text)).toEqual(['hello', 'one dozen croissants']);
      expect(await ui.incoming.allTextContents()).toEqual(['hello', 'one dozen croissants']);
    },
    T,
  );

  test(
    'a server outage when the panel opens heals by itself: the message is sent, the reply arrives',
    async () => {
      standIn.failSessions(2);
      const page = await openPage();
      const ui = w(page);
      await ui.launcher.click();
      const inbound = standIn.nextInbound('Is anyone there?');
      await ui.input.fill('Is anyone there?');
      await ui.input.press('Enter');
      await expect.poll(() => page.locator('.m.sending').count()).toBe(1);
      const { visitor } = await inbound;
      standIn.reply(visitor, { text: 'Yes! Sorry for the wait.' });
      await expect.poll(() => ui.outgoing.last().textContent(), { timeout: 10_000 }).toBe('Yes! Sorry for the wait.');
      await expect.poll(() => page.locator('.m.sending').count()).toBe(0);
      expect(await ui.incoming.allTextContents()).toEqual(['Is anyone there?']);
    },
    T,
  );

  test(
    'the host page CSS cannot reach it, and under 480px the panel fills the screen',
    async () => {
      const page = await openPage({ width: 375, height: 667 });
      const ui = w(page);
      const launcher = await ui.launcher.evaluate((el) => {
        const s = getComputedStyle(el);
        return { width: s.width, background: s.backgroundColor, display: s.display };
      });
      expect(launcher).toEqual({ width: '56px', background: 'rgb(10, 125, 79)', display: 'flex' });
      expect(await ui.launcher.evaluate((el) => getComputedStyle(el.querySelector('svg')!).fill)).toBe('rgb(255, 255, 255)');

      await ui.launcher.click();
      const bubble = await ui.bubbles.first().evaluate((el) => {
        const s = getComputedStyle(el);
        return { fontSize: s.fontSize, color: s.color };
      });
      expect(bubble).toEqual({ fontSize: '14px', color: 'rgb(17, 17, 17)' });
      expect(await ui.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
      expect(await ui.input.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
      expect(await ui.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px'); // no iOS zoom
      expect(await ui.launcher.isVisible()).toBe(false);
      await page.locator('header button').click();
      await expect.poll(() => ui.panel.isVisible()).toBe(false);
    },
    T,
  );
});
