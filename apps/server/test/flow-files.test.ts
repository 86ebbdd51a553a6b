import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepMediaRetention } from '../src/media/retention';
import { createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

/**
 * A flow sends a file uploaded in the editor: the upload answers a stable `media:<id>` reference,
 * the send step keeps it in its attachments, and every run sends the stored file itself. The file
 * is the workspace's: the sweep of unclaimed uploads leaves it, and another workspace cannot send it.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let ctx: TestContext;
let owner: Session;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flow-files-'));
  ctx = await createTestContext({ dataDir });
  owner = await signup(ctx.app, 'Flow files');
});
afterAll(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const upload = (session: Session, body: Buffer, contentType: string, name: string) =>
  ctx.app.request(`/api/workflows/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'sec-fetch-site': 'same-origin', 'content-type': contentType },
    body,
  });

const menuFlow = (keyword: string, ref: string) =>
  flow(
    [
      { id: 't', type: 'trigger.message_received', config: { keywords: [keyword] } },
      { id: 's', type: 'action.send_message', config: { text: 'Our menu', attachments: [ref] } },
    ],
    [{ source: 't', target: 's' }],
  );

describe('a flow sends a file uploaded for it', () => {
  let fileId: string;

  it('the upload answers the stored file; HTML is refused', async () => {
    const res = await upload(owner, PDF, 'application/pdf', 'menu.pdf');
    expect(res.status).toBe(201);
    const file = (await res.json()) as { id: string };
    expect(file).toMatchObject({
      id: expect.any(String),
      name: 'menu.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      kind: 'file',
    });
    fileId = file.id;
    const { rows } = await ctx.database.pool.query('select workspace_id, conversation_id, uploaded_by from media_files where id = $1', [
      fileId,
    ]);
    expect(rows[0]).toMatchObject({
      workspace_id: owner.workspaceId,
      conversation_id: null,
      uploaded_by: expect.stringMatching(/^flow:user:/),
    });
    const html = await upload(owner, Buffer.from('<script>alert(1)</script>'), 'text/html', 'x.html');
    expect(html.status).toBe(422);
    const empty = await upload(owner, Buffer.alloc(0), 'application/pdf', 'empty.pdf');
    expect(empty.status).toBe(400);
  });

  it('each run sends the stored file, which the agent can open', async () => {
    const webchat = await createWebchat(ctx, owner.workspaceId);
    await publishFlow(ctx, owner, menuFlow('menu', `media:${fileId}`));
    for (const visitor of ['ann', 'bob']) {
      const { conversationId } = await customerSays(ctx, webchat, visitor, 'menu');
      await drain(ctx);
      const { rows } = await ctx.database.pool.query(`select attachments from messages where conversation_id = $1 and author = 'bot'`, [
        conversationId,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].attachments).toEqual([expect.objectContaining({ mediaId: fileId, name: 'menu.pdf', contentType: 'application/pdf' })]);
      const { body } = await call(ctx.app, 'GET', `/api/conversations/${conversationId}/messages`, { cookie: owner.cookie });
      const link = new URL(body.messages.at(-1).attachments[0].url);
      const served = await ctx.app.request(`${link.pathname}${link.search}`);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(PDF)).toBe(true);
    }
  });

  it('the sweep of unclaimed uploads keeps the flow file', async () => {
    await sweepMediaRetention({ db: ctx.deps.db, config: ctx.deps.config }, new Date(Date.now() + 3 * 86_400_000));
    const { rows } = await ctx.database.pool.query('select id from media_files where id = $1', [fileId]);
    expect(rows).toHaveLength(1);
  });

  it("another workspace's flow cannot send the file: its step fails and nothing is sent", async () => {
    const other = await signup(ctx.app, 'Other flows');
    const webchat = await createWebchat(ctx, other.workspaceId);
    await publishFlow(ctx, other, menuFlow('steal', `media:${fileId}`));
    const { conversationId } = await customerSays(ctx, webchat, 'eve', 'steal');
    await drain(ctx);
    const { rows } = await ctx.database.pool.query(`select id from messages where conversation_id = $1 and author = 'bot'`, [
      conversationId,
    ]);
    expect(rows).toHaveLength(0);
    const { rows: runs } = await ctx.database.pool.query(`select status, error from workflow_runs where workspace_id = $1`, [
      other.workspaceId,
    ]);
    expect(runs[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('no longer in this workspace') });
  });
});
