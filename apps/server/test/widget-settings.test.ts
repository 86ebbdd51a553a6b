import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

/**
 * The website chat's look (set in the app, served to the widget), the hosted preview page and the
 * "installed: last seen on <site>" hint, through HTTP on the real app and a real Postgres.
 */
let ctx: TestContext;
let owner: Session;
let other: Session;
let channelId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Rosa <b>');
  other = await signup(ctx.app, 'Intruder');
  channelId = (await createChannel(ctx, owner, 'webchat', {}, 'Website chat')).id;
});
afterAll(() => ctx.close());

const patch = (config: Record<string, unknown>, session = owner, id = channelId) =>
  call(ctx.app, 'PATCH', `/api/channels/${id}`, { cookie: session.cookie, body: { config } });
const look = (id = channelId, origin?: string) => call(ctx.app, 'GET', `/widget/${id}/config`, origin ? { headers: { origin } } : {});
const session = (id: string, origin?: string) =>
  call(ctx.app, 'POST', `/widget/${id}/sessions`, { body: {}, ...(origin && { headers: { origin } }) });
const channel = async (id: string, s = owner) => (await call(ctx.app, 'GET', `/api/channels/${id}`, { cookie: s.cookie })).body;

describe('widget look', () => {
  it('a new website chat never opens blank: a default title and greeting, no reply time until Settings has one', async () => {
    const res = await look();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: 'Chat with us', greeting: 'Hi! How can we help you today?', color: '#2563eb', position: 'right' });
    expect(res.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.res.headers.get('cache-control')).toBe('public, max-age=60');

    expect(
      (await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { settings: { expectedReplyMinutes: 120 } } })).status,
    ).toBe(200);
    expect((await look()).body.replyTime).toBe('We usually reply within 2 hours');
    expect((await channel(channelId)).widget).toMatchObject({ defaultReplyTime: 'We usually reply within 2 hours' });
  });

  it('the owner sets colour, title, greeting, reply time, position and avatar; the widget gets exactly those, no ids', async () => {
    const saved = await patch({
      color: '#B45309',
      title: 'Sunrise Bakery',
      greeting: 'Hello! Ask about cakes or opening hours.',
      replyTime: 'We reply within the hour',
      position: 'left',
      avatarUrl: 'https://cdn.sunrise.example/rosa.png',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.widget).toMatchObject({ title: 'Sunrise Bakery', color: '#B45309', position: 'left' });
    expect(saved.body.previewUrl).toBe(`http://switchboard.test/preview/${channelId}`);
    const res = await look();
    expect(res.body).toEqual({
      title: 'Sunrise Bakery',
      greeting: 'Hello! Ask about cakes or opening hours.',
      color: '#B45309',
      position: 'left',
      replyTime: 'We reply within the hour',
      avatarUrl: 'https://cdn.sunrise.example/rosa.png',
    });
    // Clearing a field (null) brings its default back; the identity secret stays set and unseen.
    expect((await patch({ greeting: null, replyTime: null })).status).toBe(200);
    expect((await look()).body).toMatchObject({ greeting: 'Hi! How can we help you today?', replyTime: 'We usually reply within 2 hours' });
    const shown = await channel(channelId);
    expect(shown.secretsSet).toEqual(['identitySecret']);
    expect(JSON.stringify(shown)).not.toMatch(/identitySecret":"/);
  });

  it('refuses unsafe or malformed values with 400 naming the field, never a 500', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ color: 'red;background:url(https://evil.example)' }, 'config.color'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'config.avatarUrl'],
      [{ avatarUrl: 'data:image/png;base64,AAAA' }, 'config.avatarUrl'],
      [{ position: 'top' }, 'config.position'],
      [{ greeting: 'x'.repeat(501) }, 'config.greeting'],
      [{ title: 42 }, 'config.title'],
    ];
    for (const [config, field] of cases) {
      const res = await patch(config);
      expect(res.status, JSON.stringify(config)).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await look()).body.color).toBe('#B45309');
  });

  it("another workspace can neither read nor change a chat's settings", async () => {
    expect((await patch({ color: '#000000' }, other)).status).toBe(404);
    expect((await call(ctx.app, 'GET', `/api/channels/${channelId}`, { cookie: other.cookie })).status).toBe(404);
    expect((await look()).body.color).toBe('#B45309');
  });

  it('answers 404 for an unknown chat or a channel that is not a website chat', async () => {
    const api = await createChannel(ctx, owner, 'api', { callbackUrl: 'https://shop.example/hook' });
    expect((await look(api.id)).status).toBe(404);
    expect((await look('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await look('not-a-uuid')).status).toBe(400);
  });
});

describe('the hosted preview page', () => {
  it('serves the bubble on a page of its own, under a policy with no inline script', async () => {
    const res = await ctx.app.request(`/preview/${channelId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`<script src="/widget.js" data-channel="${channelId}" async></script>`);
    // Every script tag has a src: nothing inline for the policy to allow.
    expect(html.match(/<script[^>]*>/g)).toEqual([`<script src="/widget.js" data-channel="${channelId}" async>`]);
    // The workspace name is text, never markup.
    expect(html).toContain('Rosa &lt;b&gt;&#39;s shop');
    expect(html).not.toContain('<b>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/img-src 'self' data: https: http:/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 404 for unknown, deleted and non-chat channels', async () => {
    const api = await createChannel(ctx, owner, 'api', { callbackUrl: 'https://shop.example/hook' });
    const gone = await createChannel(ctx, owner, 'webchat', {});
    expect((await call(ctx.app, 'DELETE', `/api/channels/${gone.id}`, { cookie: owner.cookie })).status).toBe(204);
    for (const id of [api.id, gone.id, '00000000-0000-4000-8000-000000000000', 'nope', '%3Cscript%3E']) {
      const res = await ctx.app.request(`/preview/${id}`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});

describe('installed: last seen on a site', () => {
  it('records the host of the page that loaded the widget, and shows it on the channel', async () => {
    const fresh = (await createChannel(ctx, owner, 'webchat', {})).id;
    expect((await channel(fresh)).lastSeen).toBeNull();
    const before = Date.now();
    expect((await look(fresh, 'https://www.sunrise-bakery.example')).status).toBe(200);
    const seen = (await channel(fresh)).lastSeen;
    expect(seen.host).toBe('www.sunrise-bakery.example');
    expect(Date.parse(seen.at)).toBeGreaterThanOrEqual(before - 1_000);
    const listed = (await call(ctx.app, 'GET', '/api/channels', { cookie: owner.cookie })).body.channels.find(
      (c: { id: string }) => c.id === fresh,
    );
    expect(listed.lastSeen).toEqual(seen);
  });

  it('writes at most once a minute per channel, in this process and across processes', async () => {
    const fresh = (await createChannel(ctx, owner, 'webchat', {})).id;
    expect((await session(fresh, 'https://first.example')).status).toBe(200);
    const first = (await channel(fresh)).lastSeen;
    expect(first.host).toBe('first.example');
    for (let i = 0; i < 5; i++) expect((await session(fresh, `https://again-${i}.example`)).status).toBe(200);
    // A second app on the same database (another process) has its own memory but the same rule.
    const secondProcess = createApp(ctx.deps);
    expect(
      (await call(secondProcess, 'POST', `/widget/${fresh}/sessions`, { body: {}, headers: { origin: 'https://elsewhere.example' } }))
        .status,
    ).toBe(200);
    expect((await channel(fresh)).lastSeen).toEqual(first);
    // Once the minute is over, the next page view moves it on.
    await ctx.database.pool.query(`update widget_presence set last_seen_at = now() - interval '2 minutes' where channel_id = $1`, [fresh]);
    expect(
      (await call(createApp(ctx.deps), 'GET', `/widget/${fresh}/config`, { headers: { origin: 'https://shop.sunrise.example:8443' } }))
        .status,
    ).toBe(200);
    expect((await channel(fresh)).lastSeen.host).toBe('shop.sunrise.example:8443');
  });

  it("the preview page, the app itself, opaque origins and other workspaces' eyes do not count", async () => {
    const fresh = (await createChannel(ctx, owner, 'webchat', {})).id;
    for (const origin of ['http://switchboard.test', 'null', 'file://', 'chrome-extension://abc', undefined]) {
      expect((await session(fresh, origin)).status).toBe(200);
      expect((await look(fresh, origin)).status).toBe(200);
    }
    expect((await channel(fresh)).lastSeen).toBeNull();
    expect((await ctx.database.pool.query('select count(*)::int as n from widget_presence where channel_id = $1', [fresh])).rows[0].n).toBe(
      0,
    );
    await session(fresh, 'https://sunrise.example');
    expect((await call(ctx.app, 'GET', `/api/channels/${fresh}`, { cookie: other.cookie })).status).toBe(404);
    const theirs = (await call(ctx.app, 'GET', '/api/channels', { cookie: other.cookie })).body.channels;
    expect(JSON.stringify(theirs)).not.toContain('sunrise.example');
  });
});
