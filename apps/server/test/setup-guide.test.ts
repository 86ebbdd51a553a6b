/**
 * The first run through HTTP: sign-up keeps the browser's time zone, and the setup guide's
 * server-side record (closed, inbox seen) is kept per workspace, set only by admins, and
 * recorded as times the server chooses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTestContext, signup, type TestContext } from './helpers';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const signupWith = (timezone: string) =>
  call(ctx.app, 'POST', '/api/auth/signup', {
    body: {
      email: `tz-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'correct horse battery',
      name: 'Rosa',
      workspaceName: 'Sunrise Bakery',
      timezone,
    },
  });

describe('sign-up', () => {
  it("keeps the browser's time zone for the new workspace", async () => {
    const res = await signupWith('Europe/Paris');
    expect(res.status).toBe(201);
    expect(res.body.workspace.timezone).toBe('Europe/Paris');
  });

  it('falls back to UTC for a time zone that does not exist, without refusing the sign-up', async () => {
    const res = await signupWith('Mars/Olympus');
    expect(res.status).toBe(201);
    expect(res.body.workspace.timezone).toBe('UTC');
  });
});

describe('the setup guide record', () => {
  it('starts empty, records when the guide was closed, and brings it back', async () => {
    const owner = await signup(ctx.app, 'Guide');
    const fresh = await call(ctx.app, 'GET', '/api/me', { cookie: owner.cookie });
    expect(fresh.body.workspace.settings.setup).toBeUndefined();

    const before = Date.now();
    const closed = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { dismissed: true } } },
    });
    expect(closed.status).toBe(200);
    const dismissedAt = Date.parse(closed.body.settings.setup.dismissedAt);
    expect(dismissedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(dismissedAt).toBeLessThanOrEqual(Date.now() + 1000);

    // Seen by the next page load, through /api/me.
    const me = await call(ctx.app, 'GET', '/api/me', { cookie: owner.cookie });
    expect(me.body.workspace.settings.setup).toEqual({ dismissedAt: closed.body.settings.setup.dismissedAt });

    const reopened = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { dismissed: false } } },
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.settings.setup).toEqual({});
  });

  it('keeps the first inbox visit and leaves the other settings alone', async () => {
    const owner = await signup(ctx.app, 'Inbox');
    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { expectedReplyMinutes: 45 } } });
    const first = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { inboxSeen: true } } },
    });
    expect(first.status).toBe(200);
    const seenAt = first.body.settings.setup.inboxSeenAt as string;
    expect(typeof seenAt).toBe('string');

    await new Promise((r) => setTimeout(r, 20));
    const again = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { inboxSeen: true, dismissed: true } } },
    });
    expect(again.body.settings.setup.inboxSeenAt).toBe(seenAt);
    expect(again.body.settings.setup.dismissedAt).toEqual(expect.any(String));
    expect(again.body.settings.expectedReplyMinutes).toBe(45);
  });

  it('refuses a time sent by the client, unknown fields and wrong types, naming the field', async () => {
    const owner = await signup(ctx.app, 'Strict');
    const forged = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { dismissedAt: '2000-01-01T00:00:00Z' } } },
    });
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.body.error.details)).toContain('dismissedAt');
    const wrongType = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { setup: { dismissed: 'yes' } } },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details[0].field).toBe('settings.setup.dismissed');
    const me = await call(ctx.app, 'GET', '/api/me', { cookie: owner.cookie });
    expect(me.body.workspace.settings.setup).toBeUndefined();
  });

  it('is changed by admins only, and only in their own workspace', async () => {
    const owner = await signup(ctx.app, 'Owner');
    const other = await signup(ctx.app, 'Other');
    const agent = await addMember(ctx.app, owner, { name: 'Agent Ann' });
    const denied = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: agent.cookie,
      body: { settings: { setup: { dismissed: true } } },
    });
    expect(denied.status).toBe(403);

    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: other.cookie, body: { settings: { setup: { dismissed: true } } } });
    const mine = await call(ctx.app, 'GET', '/api/workspace', { cookie: owner.cookie });
    expect(mine.body.settings.setup).toBeUndefined();
    const theirs = await call(ctx.app, 'GET', '/api/workspace', { cookie: other.cookie });
    expect(theirs.body.settings.setup.dismissedAt).toEqual(expect.any(String));
  });
});
