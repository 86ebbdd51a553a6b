import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, cookieFrom, createTestContext, signup, type Session, type TestContext } from './helpers';

// Attacks on account authority: reset links that outlive the check made when they were issued,
// and admins who keep admin power (through API keys, invitations, reset links) after they lost it.
const PASSWORD = 'correct horse battery';
let ctx: TestContext;
let owner: Session;
let nextIp = 1;
const fromIp = () => ({ 'x-forwarded-for': `198.51.100.${nextIp++}` });

beforeAll(async () => {
  ctx = await createTestContext({ trustProxy: true });
  owner = await signup(ctx.app, 'Owner');
});
afterAll(() => ctx.close());

const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;
const login = (email: string, password: string, workspaceId?: string) =>
  call(ctx.app, 'POST', '/api/auth/login', { body: { email, password, ...(workspaceId && { workspaceId }) }, headers: fromIp() });
const resetLink = async (admin: Session, userId: string) => {
  const made = await call(ctx.app, 'POST', `/api/members/${userId}/reset-link`, { cookie: admin.cookie });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return tokenOf(made.body.url);
};
const redeem = (token: string, password: string) =>
  call(ctx.app, 'POST', '/api/auth/reset', { body: { token, password }, headers: fromIp() });
const invite = (auth: { cookie?: string; token?: string }, email: string, role: string) =>
  call(ctx.app, 'POST', '/api/members/invitations', { ...auth, body: { email, role } });
const accept = (token: string, cookie: string) => call(ctx.app, 'POST', `/api/invitations/${token}/accept`, { cookie, body: {} });

describe('a reset link is judged again when it is used', () => {
  it('an admin of A cannot take over a member who has since become admin of workspace B', async () => {
    const adminA = await addMember(ctx.app, owner, { name: 'Admin Of A', role: 'admin' });
    const victim = await addMember(ctx.app, owner, { name: 'Victim' });
    const token = await resetLink(adminA, victim.userId);

    const b = await signup(ctx.app, 'Workspace B');
    const invitation = await invite(b, victim.email, 'admin');
    const session = cookieFrom((await login(victim.email, PASSWORD, owner.workspaceId)).res);
    expect((await accept(tokenOf(invitation.body.url), session)).status).toBe(200);

    const attack = await redeem(token, 'attacker-chosen-1');
    expect(attack.status).toBe(404);
    expect((await login(victim.email, 'attacker-chosen-1', b.workspaceId)).status).toBe(401);
    expect((await login(victim.email, PASSWORD, b.workspaceId)).status).toBe(200);
  });

  it('refuses at redemption even when the other membership did not come through an invitation', async () => {
    const adminA = await addMember(ctx.app, owner, { name: 'Admin Two', role: 'admin' });
    const victim = await addMember(ctx.app, owner, { name: 'Victim Two' });
    const token = await resetLink(adminA, victim.userId);
    // Memberships made another way (a future import, the operator's SQL) void no links.
    const b = await signup(ctx.app, 'Workspace C');
    await ctx.database.pool.query(`insert into memberships (workspace_id, user_id, role) values ($1, $2, 'admin')`, [
      b.workspaceId,
      victim.userId,
    ]);

    expect((await redeem(token, 'attacker-chosen-2')).status).toBe(404);
    expect((await login(victim.email, PASSWORD, b.workspaceId)).status).toBe(200);
    // Spent: it does not come back once the other membership goes.
    await ctx.database.pool.query('delete from memberships where workspace_id = $1 and user_id = $2', [b.workspaceId, victim.userId]);
    expect((await redeem(token, 'attacker-chosen-2')).status).toBe(404);
  });

  it('an admin cannot take over a member who has since been made owner', async () => {
    const admin = await addMember(ctx.app, owner, { name: 'Admin Three', role: 'admin' });
    const target = await addMember(ctx.app, owner, { name: 'Rising Star' });
    const viaPatch = await resetLink(admin, target.userId);
    expect((await call(ctx.app, 'PATCH', `/api/members/${target.userId}`, { cookie: owner.cookie, body: { role: 'owner' } })).status).toBe(
      200,
    );
    expect((await redeem(viaPatch, 'attacker-chosen-3')).status).toBe(404);

    // And with the role written directly, the check at redemption alone refuses it.
    const other = await addMember(ctx.app, owner, { name: 'Quiet Promotion' });
    const direct = await resetLink(admin, other.userId);
    await ctx.database.pool.query(`update memberships set role = 'owner' where workspace_id = $1 and user_id = $2`, [
      owner.workspaceId,
      other.userId,
    ]);
    expect((await redeem(direct, 'attacker-chosen-3')).status).toBe(404);
    expect((await login(target.email, PASSWORD)).status).toBe(200);
    expect((await login(other.email, PASSWORD)).status).toBe(200);
  });

  it("an owner's link for an owner, and an admin's link for an agent, still work", async () => {
    const coOwner = await addMember(ctx.app, owner, { name: 'Co Owner', role: 'owner' });
    expect((await redeem(await resetLink(owner, coOwner.userId), 'owner-reset-pass-1')).status).toBe(204);
    expect((await login(coOwner.email, 'owner-reset-pass-1')).status).toBe(200);
    const admin = await addMember(ctx.app, owner, { name: 'Admin Four', role: 'admin' });
    const agent = await addMember(ctx.app, owner, { name: 'Plain Agent' });
    expect((await redeem(await resetLink(admin, agent.userId), 'agent-reset-pass-1')).status).toBe(204);
    expect((await login(agent.email, 'agent-reset-pass-1')).status).toBe(200);
  });
});

describe('a demoted or removed admin keeps nothing of the role', () => {
  it('their API key follows their current role, their invitations and reset links lapse', async () => {
    const admin = await addMember(ctx.app, owner, { name: 'Soon Demoted', role: 'admin' });
    const agent = await addMember(ctx.app, owner, { name: 'Their Target' });
    const key = (await call(ctx.app, 'POST', '/api/api-keys', { cookie: admin.cookie, body: { name: 'mine', role: 'admin' } })).body
      .key as string;
    // A key made by the key acts for the same person.
    const keyOfKey = (await call(ctx.app, 'POST', '/api/api-keys', { token: key, body: { name: 'made by a key', role: 'admin' } })).body
      .key as string;
    const byCookie = await invite(admin, 'accomplice-one@example.com', 'admin');
    const byKey = await invite({ token: key }, 'accomplice-two@example.com', 'admin');
    const agentInvite = await invite(admin, 'helper@example.com', 'agent');
    expect([byCookie.status, byKey.status, agentInvite.status]).toEqual([201, 201, 201]);
    const link = await resetLink(admin, agent.userId);
    expect(
      (
        await call(ctx.app, 'POST', '/api/credentials', {
          token: key,
          body: { name: 'while_admin', value: 'x-secret-0', hosts: ['evil.example'] },
        })
      ).status,
    ).toBe(201);

    expect((await call(ctx.app, 'PATCH', `/api/members/${admin.userId}`, { cookie: owner.cookie, body: { role: 'agent' } })).status).toBe(
      200,
    );

    for (const token of [key, keyOfKey]) {
      expect(
        (await call(ctx.app, 'POST', '/api/credentials', { token, body: { name: 'exfil', value: 'x-secret-1', hosts: ['evil.example'] } }))
          .status,
      ).toBe(403);
      expect((await invite({ token }, 'accomplice-three@example.com', 'admin')).status).toBe(403);
      expect((await call(ctx.app, 'POST', `/api/members/${agent.userId}/reset-link`, { token })).status).toBe(403);
      // Still an agent's key: agent work goes on.
      expect((await call(ctx.app, 'GET', '/api/members', { token })).status).toBe(200);
    }
    const accomplice = await signup(ctx.app, 'Accomplice');
    for (const invitation of [byCookie, byKey, agentInvite]) {
      expect((await call(ctx.app, 'GET', `/api/invitations/${tokenOf(invitation.body.url)}`, { headers: fromIp() })).status).toBe(404);
      expect((await accept(tokenOf(invitation.body.url), accomplice.cookie)).status).toBe(404);
    }
    const pending = await call(ctx.app, 'GET', '/api/members/invitations', { cookie: owner.cookie });
    expect(pending.body.invitations.map((i: { email: string }) => i.email)).not.toContain('accomplice-one@example.com');
    expect((await redeem(link, 'attacker-chosen-4')).status).toBe(404);
    expect((await login(agent.email, PASSWORD)).status).toBe(200);

    // Removed: the keys stop working and are gone, and rejoining does not revive them.
    expect((await call(ctx.app, 'DELETE', `/api/members/${admin.userId}`, { cookie: owner.cookie })).status).toBe(204);
    for (const token of [key, keyOfKey]) expect((await call(ctx.app, 'GET', '/api/members', { token })).status).toBe(401);
    const keys = await call(ctx.app, 'GET', '/api/api-keys', { cookie: owner.cookie });
    expect(keys.body.apiKeys.map((k: { name: string }) => k.name)).not.toContain('mine');
    await ctx.database.pool.query(`insert into memberships (workspace_id, user_id, role) values ($1, $2, 'admin')`, [
      owner.workspaceId,
      admin.userId,
    ]);
    expect((await call(ctx.app, 'GET', '/api/members', { token: key })).status).toBe(401);
  });

  it('an admin removed straight away loses key and invitations too', async () => {
    const admin = await addMember(ctx.app, owner, { name: 'Leaving Admin', role: 'admin' });
    const key = (await call(ctx.app, 'POST', '/api/api-keys', { cookie: admin.cookie, body: { name: 'leaver', role: 'admin' } })).body
      .key as string;
    const pending = await invite(admin, 'left-behind@example.com', 'admin');
    expect((await call(ctx.app, 'DELETE', `/api/members/${admin.userId}`, { cookie: owner.cookie })).status).toBe(204);
    expect(
      (
        await call(ctx.app, 'POST', '/api/credentials', {
          token: key,
          body: { name: 'exfil2', value: 'x-secret-2', hosts: ['evil.example'] },
        })
      ).status,
    ).toBe(401);
    expect(
      (await call(ctx.app, 'POST', '/api/members/invitations', { token: key, body: { email: 'x@example.com', role: 'admin' } })).status,
    ).toBe(401);
    const res = await call(ctx.app, 'POST', `/api/invitations/${tokenOf(pending.body.url)}/accept`, {
      body: { name: 'Left', password: 'left-pass-123' },
      headers: fromIp(),
    });
    expect(res.status).toBe(404);
    expect((await login('left-behind@example.com', 'left-pass-123')).status).toBe(401);
  });

  it('an invitation works only while its maker could still make it, even if the role was changed behind the API', async () => {
    const admin = await addMember(ctx.app, owner, { name: 'Quietly Demoted', role: 'admin' });
    const pending = await invite(admin, 'quiet@example.com', 'admin');
    await ctx.database.pool.query(`update memberships set role = 'agent' where workspace_id = $1 and user_id = $2`, [
      owner.workspaceId,
      admin.userId,
    ]);
    const res = await call(ctx.app, 'POST', `/api/invitations/${tokenOf(pending.body.url)}/accept`, {
      body: { name: 'Quiet', password: 'quiet-pass-123' },
      headers: fromIp(),
    });
    expect(res.status).toBe(404);
    expect((await login('quiet@example.com', 'quiet-pass-123')).status).toBe(401);
  });

  it("an owner's admin key stays admin; an admin's key made as agent stays agent", async () => {
    const ownerKey = (
      await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'owner admin key', role: 'admin' } })
    ).body.key as string;
    expect(
      (
        await call(ctx.app, 'POST', '/api/credentials', {
          token: ownerKey,
          body: { name: 'ok_cred', value: 'ok-secret-1', hosts: ['crm.example.com'] },
        })
      ).status,
    ).toBe(201);
    const admin = await addMember(ctx.app, owner, { name: 'Key Maker', role: 'admin' });
    const agentKey = (await call(ctx.app, 'POST', '/api/api-keys', { cookie: admin.cookie, body: { name: 'agent key', role: 'agent' } }))
      .body.key as string;
    expect(
      (
        await call(ctx.app, 'POST', '/api/credentials', {
          token: agentKey,
          body: { name: 'no_cred', value: 'no-secret-1', hosts: ['crm.example.com'] },
        })
      ).status,
    ).toBe(403);
  });
});
