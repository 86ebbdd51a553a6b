import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startSmtpStandIn } from '@switchboard/channels/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, cookieFrom, createTestContext, signup, type Session, type TestContext } from './helpers';

const PASSWORD = 'correct horse battery';
const root = resolve(import.meta.dirname, '../../..');

let ctx: TestContext;
let owner: Session;
// Each test calls from its own address (TRUST_PROXY), so the limits of one do not spill into another.
let nextIp = 1;
const fromIp = () => ({ 'x-forwarded-for': `198.51.100.${nextIp++}` });

beforeAll(async () => {
  ctx = await createTestContext({ trustProxy: true });
  owner = await signup(ctx.app, 'Owner');
});
afterAll(() => ctx.close());

const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;
const invite = (admin: { cookie: string }, email: string, role = 'agent') =>
  call(ctx.app, 'POST', '/api/members/invitations', { cookie: admin.cookie, body: { email, role } });
const login = (email: string, password: string, headers = fromIp()) =>
  call(ctx.app, 'POST', '/api/auth/login', { body: { email, password }, headers });

describe('invitations', () => {
  it('invite, then accept as a new account with a password the invitee chose', async () => {
    const created = await invite(owner, 'New.Person@Example.com');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'new.person@example.com', role: 'agent', emailed: false, expired: false });
    expect(created.body.url).toMatch(/^http:\/\/switchboard\.test\/invite\/[\w-]{43}$/);
    const token = tokenOf(created.body.url);
    const stored = await ctx.database.pool.query('select token_hash from invitations where id = $1', [created.body.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const preview = await call(ctx.app, 'GET', `/api/invitations/${token}`, { headers: fromIp() });
    expect(preview.status).toBe(200);
    expect(Object.keys(preview.body).sort()).toEqual(['expiresAt', 'role', 'workspaceName']);
    expect(preview.body).toMatchObject({ workspaceName: "Owner's shop", role: 'agent' });

    const accepted = await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, {
      body: { name: 'New Person', password: 'my-own-secret-1' },
      headers: fromIp(),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      user: { email: 'new.person@example.com', name: 'New Person' },
      role: 'agent',
      workspace: { id: owner.workspaceId },
    });
    expect((await call(ctx.app, 'GET', '/api/me', { cookie: cookieFrom(accepted.res) })).body.workspace.id).toBe(owner.workspaceId);
    expect((await login('new.person@example.com', 'my-own-secret-1')).status).toBe(200);

    // One time only, and listed no more.
    expect(
      (
        await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, {
          body: { name: 'Again', password: 'another-secret-2' },
          headers: fromIp(),
        })
      ).status,
    ).toBe(404);
    expect((await call(ctx.app, 'GET', `/api/invitations/${token}`, { headers: fromIp() })).status).toBe(404);
    const pending = await call(ctx.app, 'GET', '/api/members/invitations', { cookie: owner.cookie });
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  it('an existing account is not enrolled, not renamed, not given a password: it signs in and accepts', async () => {
    const other = await signup(ctx.app, 'Elsewhere');
    const created = await invite(owner, other.email, 'admin');
    const token = tokenOf(created.body.url);

    // Accepting without signing in would mean setting a password on someone else's account.
    const hijack = await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, {
      body: { name: 'Mallory', password: 'attacker-chosen-1' },
      headers: fromIp(),
    });
    expect(hijack.status).toBe(409);
    expect(JSON.stringify(hijack.body)).not.toContain('Elsewhere');
    expect((await login(other.email, 'attacker-chosen-1')).status).toBe(401);
    const members = await call(ctx.app, 'GET', '/api/members', { cookie: owner.cookie });
    expect(members.body.members.map((m: { email: string }) => m.email)).not.toContain(other.email);

    // Signed in as another account: refused, the invitation stays usable.
    const stranger = await signup(ctx.app, 'Stranger');
    expect((await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, { cookie: stranger.cookie, body: {} })).status).toBe(403);

    const session = cookieFrom((await login(other.email, PASSWORD)).res);
    const joined = await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, { cookie: session, body: {} });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      user: { id: other.userId, name: 'Elsewhere' },
      role: 'admin',
      workspace: { id: owner.workspaceId },
    });
    expect(joined.body.workspaces.map((w: { id: string }) => w.id).sort()).toEqual([owner.workspaceId, other.workspaceId].sort());
    expect((await call(ctx.app, 'GET', '/api/me', { cookie: cookieFrom(joined.res) })).body.workspace.id).toBe(owner.workspaceId);
    expect((await login(other.email, PASSWORD)).status).toBe(200);
  });

  it('reveals nothing about other accounts: inviting a known and an unknown address answers alike', async () => {
    const known = await signup(ctx.app, 'Known Person');
    const a = await invite(owner, known.email);
    const b = await invite(owner, 'unknown-person@example.com');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(a.body.emailed).toBe(b.body.emailed);
    expect(JSON.stringify(a.body)).not.toContain('Known Person');
    expect(JSON.stringify(a.body)).not.toContain(known.userId);
    const previews = await Promise.all(
      [a, b].map((r) => call(ctx.app, 'GET', `/api/invitations/${tokenOf(r.body.url)}`, { headers: fromIp() })),
    );
    expect(Object.keys(previews[0]!.body).sort()).toEqual(Object.keys(previews[1]!.body).sort());
    expect(JSON.stringify(previews[0]!.body)).not.toContain(known.email);

    // Nothing outside the workspace is looked at, so the time taken is the same too (medians of
    // interleaved runs; a loose bound, the machine is shared).
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 7; i++) {
      for (const [kind, email] of [
        ['known', known.email],
        ['unknown', `unknown-${i}@example.com`],
      ] as const) {
        const started = performance.now();
        expect((await invite(owner, email)).status).toBe(201);
        times[kind].push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const [k, u] = [median(times.known), median(times.unknown)];
    expect(Math.max(k, u) / Math.min(k, u)).toBeLessThan(3);
  });

  it('only admins invite, only owners invite owners; revoking and re-inviting kill the old link', async () => {
    const agent = await addMember(ctx.app, owner, { name: 'Agent Ann' });
    expect((await invite(agent, 'x@example.com')).status).toBe(403);
    expect((await call(ctx.app, 'GET', '/api/members/invitations', { cookie: agent.cookie })).status).toBe(403);
    const admin = await addMember(ctx.app, owner, { name: 'Admin Al', role: 'admin' });
    expect((await invite(admin, 'boss@example.com', 'owner')).status).toBe(403);
    expect((await invite(admin, agent.email)).status).toBe(409);

    const first = await invite(admin, 'twice@example.com');
    const second = await invite(admin, 'twice@example.com');
    expect((await call(ctx.app, 'GET', `/api/invitations/${tokenOf(first.body.url)}`, { headers: fromIp() })).status).toBe(404);
    expect((await call(ctx.app, 'DELETE', `/api/members/invitations/${second.body.id}`, { cookie: admin.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', `/api/invitations/${tokenOf(second.body.url)}`, { headers: fromIp() })).status).toBe(404);

    // Another workspace's admin cannot list or revoke them.
    const mine = await invite(owner, 'mine@example.com');
    const rival = await signup(ctx.app, 'Rival');
    expect((await call(ctx.app, 'DELETE', `/api/members/invitations/${mine.body.id}`, { cookie: rival.cookie })).status).toBe(404);
    expect(JSON.stringify((await call(ctx.app, 'GET', '/api/members/invitations', { cookie: rival.cookie })).body)).not.toContain(
      'mine@example.com',
    );
  });

  it('expired links and bad bodies answer 4xx, never 500', async () => {
    const created = await invite(owner, 'late@example.com');
    await ctx.database.pool.query(`update invitations set expires_at = now() - interval '1 minute' where id = $1`, [created.body.id]);
    const token = tokenOf(created.body.url);
    expect((await call(ctx.app, 'GET', `/api/invitations/${token}`, { headers: fromIp() })).status).toBe(404);
    expect(
      (
        await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, {
          body: { name: 'Late', password: 'late-password-1' },
          headers: fromIp(),
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(ctx.app, 'GET', '/api/members/invitations', { cookie: owner.cookie })).body.invitations.find(
        (i: { id: string }) => i.id === created.body.id,
      ),
    ).toMatchObject({ expired: true });

    const fresh = await invite(owner, 'fresh@example.com');
    const missing = await call(ctx.app, 'POST', `/api/invitations/${tokenOf(fresh.body.url)}/accept`, { body: {}, headers: fromIp() });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).toEqual(['name', 'password']);
    const short = await call(ctx.app, 'POST', `/api/invitations/${tokenOf(fresh.body.url)}/accept`, {
      body: { name: 'F', password: 'short' },
      headers: fromIp(),
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].field).toBe('password');
    expect((await invite(owner, 'not-an-email')).status).toBe(400);
    expect((await call(ctx.app, 'GET', `/api/invitations/${'x'.repeat(300)}`, { headers: fromIp() })).status).toBe(400);
  });

  it('mails the link through the workspace email channel when there is one', async () => {
    const smtp = await startSmtpStandIn({ user: 'shop', pass: 'smtp-pass' });
    try {
      const shop = await signup(ctx.app, 'Mailer');
      const channel = await call(ctx.app, 'POST', '/api/channels', {
        cookie: shop.cookie,
        body: {
          type: 'email',
          name: 'Mail',
          config: {
            provider: 'smtp',
            fromAddress: 'Shop <hello@shop.example>',
            smtp: { host: smtp.host, port: smtp.port, secure: false, user: 'shop', pass: 'smtp-pass' },
          },
        },
      });
      expect(channel.status, JSON.stringify(channel.body)).toBe(201);
      const created = await invite(shop, 'mailed@example.com');
      expect(created.body.emailed).toBe(true);
      const mail = smtp.mails.at(-1)!;
      expect(mail.to).toEqual(['mailed@example.com']);
      expect(mail.data.replace(/=\r?\n/g, '')).toContain(created.body.url);
    } finally {
      await smtp.close();
    }
  });
});

describe('adding members with a password is gone', () => {
  it('POST /api/members answers 410 and creates no account', async () => {
    const res = await call(ctx.app, 'POST', '/api/members', {
      cookie: owner.cookie,
      body: { email: 'preset@example.com', name: 'Preset', password: 'admin-chosen-1', role: 'agent' },
    });
    expect(res.status).toBe(410);
    expect(res.body.error).toMatchObject({ code: 'gone', message: expect.stringContaining('/api/members/invitations') });
    expect((await ctx.database.pool.query(`select 1 from users where email = 'preset@example.com'`)).rowCount).toBe(0);
    expect((await login('preset@example.com', 'admin-chosen-1')).status).toBe(401);
  });
});

describe('password reset links', () => {
  it('an admin makes a one-time link; using it sets the password and signs the account out everywhere', async () => {
    const agent = await addMember(ctx.app, owner, { name: 'Forgetful' });
    const made = await call(ctx.app, 'POST', `/api/members/${agent.userId}/reset-link`, { cookie: owner.cookie });
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(/^http:\/\/switchboard\.test\/reset\/[\w-]{43}$/);
    const token = tokenOf(made.body.url);

    const reset = await call(ctx.app, 'POST', '/api/auth/reset', { body: { token, password: 'brand-new-pass-1' }, headers: fromIp() });
    expect(reset.status).toBe(204);
    expect((await call(ctx.app, 'GET', '/api/me', { cookie: agent.cookie })).status).toBe(401);
    expect((await login(agent.email, PASSWORD)).status).toBe(401);
    expect((await login(agent.email, 'brand-new-pass-1')).status).toBe(200);
    expect(
      (await call(ctx.app, 'POST', '/api/auth/reset', { body: { token, password: 'third-pass-123' }, headers: fromIp() })).status,
    ).toBe(404);
  });

  it('a newer link replaces the older one, and links expire', async () => {
    const agent = await addMember(ctx.app, owner, { name: 'Twice' });
    const first = tokenOf((await call(ctx.app, 'POST', `/api/members/${agent.userId}/reset-link`, { cookie: owner.cookie })).body.url);
    const second = tokenOf((await call(ctx.app, 'POST', `/api/members/${agent.userId}/reset-link`, { cookie: owner.cookie })).body.url);
    expect(
      (await call(ctx.app, 'POST', '/api/auth/reset', { body: { token: first, password: 'first-link-pass' }, headers: fromIp() })).status,
    ).toBe(404);
    await ctx.database.pool.query(`update password_reset_tokens set expires_at = now() - interval '1 second' where user_id = $1`, [
      agent.userId,
    ]);
    expect(
      (await call(ctx.app, 'POST', '/api/auth/reset', { body: { token: second, password: 'second-link-pass' }, headers: fromIp() })).status,
    ).toBe(404);
    expect((await login(agent.email, PASSWORD)).status).toBe(200);
  });

  it('admins cannot take over owners, agents, other workspaces or shared accounts with a link', async () => {
    const admin = await addMember(ctx.app, owner, { name: 'Admin Bo', role: 'admin' });
    const agent = await addMember(ctx.app, owner, { name: 'Agent Cy' });
    expect((await call(ctx.app, 'POST', `/api/members/${owner.userId}/reset-link`, { cookie: admin.cookie })).status).toBe(403);
    expect((await call(ctx.app, 'POST', `/api/members/${admin.userId}/reset-link`, { cookie: agent.cookie })).status).toBe(403);
    const rival = await signup(ctx.app, 'Rival Two');
    expect((await call(ctx.app, 'POST', `/api/members/${agent.userId}/reset-link`, { cookie: rival.cookie })).status).toBe(404);

    // An account that also belongs to another workspace: only the operator may reset it.
    const shared = await signup(ctx.app, 'Shared');
    const token = tokenOf((await invite(owner, shared.email)).body.url);
    const session = cookieFrom((await login(shared.email, PASSWORD)).res);
    expect((await call(ctx.app, 'POST', `/api/invitations/${token}/accept`, { cookie: session, body: {} })).status).toBe(200);
    const refused = await call(ctx.app, 'POST', `/api/members/${shared.userId}/reset-link`, { cookie: owner.cookie });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('user:reset-link');
  });

  it('the operator makes one with npm run user:reset-link -- EMAIL', async () => {
    const agent = await addMember(ctx.app, owner, { name: 'Locked Out' });
    const run = promisify(execFile);
    const env = {
      ...process.env,
      DATABASE_URL: ctx.database.url,
      PUBLIC_URL: 'http://switchboard.test',
      APP_SECRET: 'a'.repeat(64),
      LOG_LEVEL: 'silent',
    };
    const { stdout } = await run('npx', ['tsx', 'apps/server/src/cli/reset-link.ts', agent.email.toUpperCase()], { cwd: root, env });
    const url = /http:\/\/switchboard\.test\/reset\/[\w-]+/.exec(stdout)?.[0];
    expect(url).toBeDefined();
    expect(
      (await call(ctx.app, 'POST', '/api/auth/reset', { body: { token: tokenOf(url!), password: 'operator-set-1' }, headers: fromIp() }))
        .status,
    ).toBe(204);
    expect((await login(agent.email, 'operator-set-1')).status).toBe(200);
    await expect(run('npx', ['tsx', 'apps/server/src/cli/reset-link.ts', 'nobody@example.com'], { cwd: root, env })).rejects.toMatchObject({
      code: 1,
    });
  });
});

describe('sign-up policy', () => {
  it('is open on a fresh install, closes with the first workspace, and names SIGNUP=open', async () => {
    const fresh = await createTestContext({ signup: undefined });
    try {
      expect((await call(fresh.app, 'GET', '/api/auth/signup-status')).body).toEqual({ open: true });
      const first = await signup(fresh.app, 'First');
      expect((await call(fresh.app, 'GET', '/api/auth/signup-status')).body).toEqual({ open: false });
      const second = await call(fresh.app, 'POST', '/api/auth/signup', {
        body: { email: 'second@example.com', password: PASSWORD, name: 'Second', workspaceName: 'Two' },
      });
      expect(second.status).toBe(403);
      expect(second.body.error.code).toBe('signup_closed');
      expect(second.body.error.message).toContain('SIGNUP=open');
      // Closed means closed for a known address too: the answer says nothing about accounts.
      const known = await call(fresh.app, 'POST', '/api/auth/signup', {
        body: { email: first.email, password: PASSWORD, name: 'X', workspaceName: 'Y' },
      });
      expect(known.status).toBe(403);
      expect(known.body).toEqual(second.body);
      // People still join by invitation.
      await addMember(fresh.app, first, { name: 'Invited' });
    } finally {
      await fresh.close();
    }
  });

  it('two people racing on a fresh install cannot both create a workspace', async () => {
    const fresh = await createTestContext({ signup: undefined, trustProxy: true });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(fresh.app, 'POST', '/api/auth/signup', {
            body: { email: `racer-${i}@example.com`, password: PASSWORD, name: `Racer ${i}`, workspaceName: `Shop ${i}` },
            headers: fromIp(),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 403)).toHaveLength(11);
      expect((await fresh.database.pool.query('select count(*)::int as n from workspaces')).rows[0].n).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('with SIGNUP=open a known email answers 409, and only 5 times an hour per address', async () => {
    expect((await call(ctx.app, 'GET', '/api/auth/signup-status')).body).toEqual({ open: true });
    const headers = fromIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (
          await call(ctx.app, 'POST', '/api/auth/signup', {
            body: { email: owner.email, password: PASSWORD, name: 'Dup', workspaceName: 'Dup' },
            headers,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([409, 409, 409, 409, 409, 429, 429]);
    // Another address is not affected.
    expect(
      (
        await call(ctx.app, 'POST', '/api/auth/signup', {
          body: { email: owner.email, password: PASSWORD, name: 'Dup', workspaceName: 'Dup' },
          headers: fromIp(),
        })
      ).status,
    ).toBe(409);
  });
});
