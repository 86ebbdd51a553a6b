/**
 * Joining a workspace in a real Chromium: the owner invites someone from the Team page, the
 * invitee opens the link in their own browser and sets their own password; sign-up is closed
 * after the first workspace; a reset link made by the owner sets a new password.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotDir, startApp, type RunningApp } from './harness';

let app: RunningApp;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let owner: Page;
const state: { inviteUrl?: string; resetUrl?: string } = {};

async function newPage(): Promise<Page> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  return page;
}

beforeAll(async () => {
  app = await startApp();
  owner = await newPage();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.stop();
});

describe('accounts in the browser', () => {
  test('the first person signs up; then sign-up says it is closed', async () => {
    await owner.goto(`${app.url}/signup`);
    await owner.fill('input[name="name"]', 'Rosa Baker');
    await owner.fill('input[name="workspaceName"]', 'Sunrise Bakery');
    await owner.fill('input[name="email"]', 'rosa@sunrise.test');
    await owner.fill('input[name="password"]', 'correct horse battery');
    await owner.click('button[type="submit"]');
    await owner.waitForURL('**/start');

    const stranger = await newPage();
    await stranger.goto(`${app.url}/signup`);
    await expect.poll(() => stranger.locator('.notice-info').textContent()).toContain('Sign-up is closed');
    await stranger.goto(`${app.url}/login`);
    await expect.poll(() => stranger.locator('.auth-switch').textContent()).toContain('Ask a workspace admin');
  });

  test('the owner invites from the Team page and gets a link to copy', async () => {
    await owner.goto(`${app.url}/settings`);
    await owner.locator('[data-testid="settings-team"]').click();
    await owner.fill('[data-testid="invite-form"] input[type="email"]', 'sam@sunrise.test');
    await owner.locator('[data-testid="invite-form"] button').click();
    const link = owner.locator('[data-testid="invite-link"] pre');
    await expect.poll(() => link.textContent()).toMatch(/\/invite\/[\w-]+$/);
    state.inviteUrl = (await link.textContent())!;
    await expect.poll(() => owner.locator('[data-testid="pending-invitations"]').textContent()).toContain('sam@sunrise.test');
    await owner.screenshot({ path: join(screenshotDir, 'team-invite.png'), fullPage: true });
  });

  test('the invitee opens the link, chooses a password and lands in the inbox', async () => {
    const sam = await newPage();
    await sam.goto(state.inviteUrl!);
    await expect.poll(() => sam.locator('h1').textContent()).toBe('Join Sunrise Bakery');
    await sam.screenshot({ path: join(screenshotDir, 'invite-accept.png') });
    await sam.fill('input[name="name"]', 'Sam Agent');
    await sam.fill('input[name="password"]', 'sams-own-password');
    await sam.click('button[type="submit"]');
    await sam.waitForURL('**/inbox');
    const me = await sam.evaluate(async () => (await fetch('/api/me')).json());
    expect(me).toMatchObject({ user: { email: 'sam@sunrise.test', name: 'Sam Agent' }, role: 'agent' });
    // The link works once.
    const again = await newPage();
    await again.goto(state.inviteUrl!);
    await expect.poll(() => again.locator('.notice-error').textContent()).toContain('invalid, used or expired');
  });

  test('a reset link from the owner sets a new password', async () => {
    await owner.reload();
    await owner.locator('[data-testid="settings-team"]').click();
    const row = owner.locator('[data-testid="members"] tr', { hasText: 'Sam Agent' });
    await row.getByRole('button', { name: 'Reset link' }).click();
    await expect.poll(() => row.locator('code').textContent()).toMatch(/\/reset\/[\w-]+$/);
    state.resetUrl = (await row.locator('code').textContent())!;

    const sam = await newPage();
    await sam.goto(state.resetUrl);
    await sam.fill('input[name="password"]', 'a-brand-new-password');
    await sam.click('button[type="submit"]');
    await expect.poll(() => sam.locator('.notice-success').textContent()).toContain('password is changed');
    await sam.goto(`${app.url}/login`);
    await sam.fill('input[name="email"]', 'sam@sunrise.test');
    await sam.fill('input[name="password"]', 'a-brand-new-password');
    await sam.click('button[type="submit"]');
    await sam.waitForURL('**/inbox');
    expect(pageErrors).toEqual([]);
  });
});
