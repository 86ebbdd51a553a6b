/**
 * The editor speaks the owner's language (issue finding 4), in a real Chromium, by roles and
 * labels: placeholders are chips named in words, branches are named by what they match and their
 * labels are whole, channels are picked in words, JSON waits behind a menu, the WhatsApp 24-hour
 * section shows only once WhatsApp is connected, and every icon is an SVG (no emoji font needed).
 * Screenshots at 1366 px and 390 px wide.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let workflowId = '';
let websiteId = '';

beforeAll(async () => {
  app = await startApp();
  context = await app.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
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
const canvas = () => page.getByTestId('canvas');
const node = (id: string) => page.getByTestId(`node-${id}`);
const inspector = () => page.getByTestId('inspector');
/** Emoji and other pictographs: none may stand in for an icon. */
const pictograph = /\p{Extended_Pictographic}/u;

describe('the flow editor in plain language', () => {
  test('a flow with a placeholder and keyword branches reads in words on the canvas', async () => {
    await page.goto(app.url);
    await api('POST', '/api/auth/signup', {
      name: 'Rosa Baker',
      workspaceName: 'Sunrise Bakery',
      email: 'rosa@sunrise.test',
      password: 'correct horse battery',
    });
    websiteId = (await api<{ id: string }>('POST', '/api/channels', { type: 'webchat', name: 'Bakery website', config: {} })).id;
    expect(websiteId).toBeTruthy();
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { channels: ['any'] } },
        {
          id: 'pick',
          type: 'condition.text_match',
          position: { x: 0, y: 180 },
          config: {
            cases: [
              { id: 'case1', operator: 'contains_any', values: ['hours', 'open'] },
              { id: 'case2', operator: 'exact', values: ['menu'] },
            ],
          },
        },
        {
          id: 'hours',
          type: 'action.send_message',
          position: { x: -300, y: 400 },
          config: { text: 'Hi {{ contact.first_name }}! We are open {{ workspace.hours_text }}.' },
        },
        { id: 'menu', type: 'action.send_message', position: { x: 0, y: 400 }, config: { text: 'Here is our menu.' } },
        { id: 'other', type: 'action.handoff', position: { x: 300, y: 400 }, config: { text: 'A baker will answer you shortly.' } },
        {
          id: 'vip',
          type: 'condition.compare',
          position: { x: 0, y: 560 },
          config: { field: 'contact.attributes.plan', operator: 'eq', value: 'gold' },
        },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'pick' },
        { id: 'e2', source: 'pick', sourceHandle: 'case1', target: 'hours' },
        { id: 'e3', source: 'pick', sourceHandle: 'case2', target: 'menu' },
        { id: 'e4', source: 'pick', sourceHandle: 'else', target: 'other' },
        { id: 'e5', source: 'menu', target: 'vip' },
      ],
    };
    workflowId = (await api<{ id: string }>('POST', '/api/workflows', { name: 'Opening hours', definition })).id;
    await page.goto(`${app.url}/flows/${workflowId}`);
    await node('hours').waitFor();

    // Placeholders are chips named in words; no Liquid shows on the canvas.
    const chips = node('hours').getByTestId('variable-chip');
    expect(await chips.allTextContents()).toEqual(['First name', 'Your opening hours']);
    expect(await canvas().textContent()).not.toContain('{{');
    // A field a step checks is named in words too, and so is the comparison.
    expect(await node('vip').getByTestId('variable-chip').allTextContents()).toEqual(['Plan']);
    expect(await node('vip').locator('.fnode-summary').textContent()).toBe('Plan is gold');

    // Branches are named by what they match, never "case1", and their words are whole.
    expect(await node('pick').getByTestId('out-pick-case1').textContent()).toBe('Says “hours”, “open”');
    expect(await node('pick').getByTestId('out-pick-case2').textContent()).toBe('Is “menu”');
    expect(await node('pick').getByTestId('out-pick-else').textContent()).toBe('No branch matched');
    expect(await canvas().textContent()).not.toMatch(/case\d/);
    const clipped = await node('pick')
      .locator('.fnode-out span')
      .evaluateAll((els) =>
        els
          .filter(
            (el) =>
              el.scrollWidth > el.clientWidth + 1 ||
              el.getBoundingClientRect().width > (el.parentElement as HTMLElement).getBoundingClientRect().width + 1,
          )
          .map((el) => el.textContent),
      );
    expect(clipped).toEqual([]);
    // The outputs' dots keep names that say the same.
    await expect.poll(() => node('pick').getByLabel('“Says “hours”, “open”” output of Text match').count()).toBe(1);

    // Every node's icon is an SVG; no emoji anywhere on the editor.
    expect(await canvas().locator('.fnode svg.fnode-icon').count()).toBe(6);
    expect(await page.getByRole('complementary', { name: 'Steps' }).locator('svg').count()).toBeGreaterThan(20);
    expect(pictograph.test(await page.locator('body').innerText())).toBe(false);
    await shot('plain-language-canvas-1366');
  });

  test('the trigger picks channels in words', async () => {
    await node('start').click();
    const picker = inspector().getByRole('group', { name: 'Channels', exact: true });
    await expect.poll(() => picker.isVisible()).toBe(true);
    expect(await inspector().textContent()).not.toContain('types like');
    expect(await picker.getByRole('radio', { name: 'Any channel' }).isChecked()).toBe(true);
    await picker.getByRole('radio', { name: 'Only the channels I pick' }).check();
    await picker.getByRole('checkbox', { name: 'Bakery website (Website chat)' }).check();
    // Kinds of channel not connected yet wait folded away.
    expect(await picker.getByRole('checkbox', { name: 'Every WhatsApp number' }).count()).toBe(0);
    await picker.getByText('Kinds of channel you have not connected yet').click();
    expect(await picker.getByRole('checkbox', { name: 'Every WhatsApp number' }).isChecked()).toBe(false);
    await shot('plain-language-channels-1366');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    const stored = await api<{ definition: { nodes: { id: string; config: { channels?: string[] } }[] } }>(
      'GET',
      `/api/workflows/${workflowId}`,
    );
    expect(stored.definition.nodes.find((n) => n.id === 'start')!.config.channels).toEqual([websiteId]);
  });

  test('a text-match branch in the inspector is named by its words too', async () => {
    await node('pick').click();
    const branches = inspector().getByRole('group', { name: 'Branches, checked in order' });
    expect(await branches.locator('.object-list-head').first().textContent()).toContain('Branch 1Says “hours”, “open”');
    expect(await branches.getByRole('button', { name: 'Move branch 2 up' }).isEnabled()).toBe(true);
    expect(await branches.getByRole('button', { name: 'Remove branch 1' }).count()).toBe(1);
    // The id waits folded away; the owner sees what each branch matches first.
    expect(await branches.getByRole('textbox', { name: 'Branch name' }).count()).toBe(0);
    expect(await branches.getByLabel('How to compare').first().locator('option:checked').textContent()).toBe('Contains any of the words');
    await branches.getByText('Name in the run history: case1').click();
    expect(await branches.getByRole('textbox', { name: 'Branch name' }).inputValue()).toBe('case1');
    await shot('plain-language-branches-1366');
  });

  test('a comparison is chosen in words', async () => {
    await node('vip').click();
    const comparison = inspector().getByLabel('Comparison');
    expect(await comparison.locator('option:checked').textContent()).toBe('is');
    expect(await comparison.locator('option').allTextContents()).toEqual([
      'is',
      'is not',
      'contains',
      'is more than',
      'is less than',
      'is filled in',
      'is one of',
    ]);
  });

  test('JSON waits behind the step menu, and the WhatsApp section waits for WhatsApp', async () => {
    await node('hours').click();
    await inspector().getByRole('heading', { name: 'Send message' }).waitFor();
    expect(
      await inspector()
        .getByText(/edit JSON/i)
        .count(),
    ).toBe(0);
    expect(
      await inspector()
        .getByText(/24 hours/)
        .count(),
    ).toBe(0);
    expect(
      await inspector()
        .getByRole('checkbox', { name: /WhatsApp template/ })
        .count(),
    ).toBe(0);
    expect(await inspector().getByRole('textbox', { name: 'Step settings as JSON' }).count()).toBe(0);

    await inspector().getByRole('button', { name: 'More for this step' }).click();
    const menu = page.getByRole('menu', { name: 'More for this step' });
    await menu.getByRole('menuitem', { name: 'Edit the settings as JSON' }).click();
    const json = inspector().getByRole('textbox', { name: 'Step settings as JSON' });
    expect(JSON.parse(await json.inputValue())).toEqual({ text: 'Hi {{ contact.first_name }}! We are open {{ workspace.hours_text }}.' });
    await shot('plain-language-json-menu-1366');

    // Connecting WhatsApp brings its 24-hour template section to Send message.
    const wa = await api<{ id?: string }>('POST', '/api/channels', {
      type: 'whatsapp',
      name: 'Bakery WhatsApp',
      config: { phoneNumberId: '1234567890', accessToken: 'EAAB-test-token', appSecret: 'app-secret-for-tests', verifyToken: 'sunrise' },
    });
    expect(wa.id).toBeTruthy();
    await page.reload();
    await node('hours').click();
    await inspector().getByText('WhatsApp template used when the customer last wrote more than 24 hours ago').first().waitFor();
    await node('start').click();
    expect(
      await inspector()
        .getByRole('group', { name: 'Channels', exact: true })
        .getByRole('checkbox', { name: 'Bakery WhatsApp (WhatsApp)' })
        .count(),
    ).toBe(1);
  });

  test('publishing says so in a named status notification', async () => {
    await page.getByTestId('publish').click();
    const published = page.getByRole('status', { name: /Published! Version 1 is now live\./ });
    await published.waitFor();
    expect(await published.getByRole('button', { name: 'Dismiss' }).count()).toBe(1);
    // Icon-only buttons all carry names.
    const unnamed = await page
      .locator('button')
      .evaluateAll(
        (els) =>
          els.filter((b) => !(b.getAttribute('aria-label') || b.textContent || '').trim() && !b.closest('.react-flow__controls')).length,
      );
    expect(unnamed).toBe(0);
    await shot('plain-language-published-1366');
  });

  test('at 390 px the editor stacks: steps behind "Add a step", the canvas, then the step form', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.url}/flows/${workflowId}`);
    await node('hours').waitFor();
    const steps = page.getByRole('complementary', { name: 'Steps' });
    expect(await steps.getByRole('button', { name: 'Send message' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('plain-language-editor-390');
    await steps.getByRole('button', { name: 'Add a step' }).click();
    await steps.getByRole('button', { name: 'Send message' }).waitFor();
    await shot('plain-language-palette-390');
    await steps.getByRole('button', { name: 'Close' }).click();
    await node('pick').click();
    await inspector().getByRole('heading', { name: 'Text match' }).waitFor();
    // The step form fits the phone: its tabs scroll, nothing pushes it wider than the window.
    const panelRight = await inspector().evaluate((el) => el.closest('.side-panel')!.getBoundingClientRect().right);
    expect(panelRight).toBeLessThanOrEqual(390);
    await shot('plain-language-inspector-390');
    expect(pageErrors).toEqual([]);
  });
});
