import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphStandIn, type StandIn } from '@switchboard/channels/testing';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { DiskMediaStore } from '../src/media/disk-store';
import { S3MediaStore } from '../src/media/s3-store';
import { signedMediaUrl, verifyMediaSignature } from '../src/media/signed-url';
import { drain } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, postWebhook } from './inbox-fixtures';

/** A real PNG, 4×4 red pixels. */
function png(): Buffer {
  const image = new PNG({ width: 4, height: 4 });
  image.data.fill(0xff);
  for (let i = 0; i < image.data.length; i += 4) image.data[i + 1] = image.data[i + 2] = 0;
  return PNG.sync.write(image);
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('the stores', () => {
  const key = `${randomUUID()}/${randomUUID()}`;

  it('disk: writes, reads back and deletes under DATA_DIR/media', async () => {
    const root = mkdtempSync(join(tmpdir(), 'media-disk-'));
    const store = new DiskMediaStore(root);
    await store.put(key, PDF, 'application/pdf');
    expect(await store.get(key)).toEqual({ data: PDF, contentType: 'application/pdf' });
    expect(existsSync(join(root, key))).toBe(true);
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    expect(existsSync(join(root, key))).toBe(false);
    await expect(store.put('../../etc/passwd', PDF, 'text/plain')).rejects.toThrow(/not a media key/);
    rmSync(root, { recursive: true, force: true });
  });

  it('S3: writes, reads back and deletes on s3rver, path-style', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'media-s3-'));
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: 'media', configs: [] }],
    });
    const { port } = (await server.run()) as { port: number };
    try {
      const store = new S3MediaStore({
        endpoint: `http://127.0.0.1:${port}`,
        bucket: 'media',
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      });
      const image = png();
      await store.put(key, image, 'image/png');
      expect(await store.get(key)).toEqual({ data: image, contentType: 'image/png' });
      // The object is in the bucket's folder on s3rver's disk: path-style requests reached bucket "media".
      expect(readdirSync(join(directory, 'media')).length).toBeGreaterThan(0);
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
    } finally {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a signed link is refused once expired or altered', () => {
    const secret = Buffer.alloc(32, 7);
    const id = randomUUID();
    const url = new URL(signedMediaUrl('http://x', secret, id, { name: 'a.pdf', ttlSeconds: 60 }));
    const expires = url.searchParams.get('expires')!;
    const sig = url.searchParams.get('sig')!;
    expect(verifyMediaSignature(secret, id, expires, sig)).toBe(true);
    expect(verifyMediaSignature(secret, id, expires, sig, Date.now() + 61_000)).toBe(false);
    expect(verifyMediaSignature(secret, id, String(Number(expires) + 3600), sig)).toBe(false);
    expect(verifyMediaSignature(secret, randomUUID(), expires, sig)).toBe(false);
    expect(verifyMediaSignature(secret, id, expires, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(verifyMediaSignature(Buffer.alloc(32, 8), id, expires, sig)).toBe(false);
  });
});

describe('media through the server (disk store)', () => {
  let ctx: TestContext;
  let owner: Session;
  let other: Session;
  let dataDir: string;
  let webchat: { id: string };
  let graph: StandIn;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'media-app-'));
    ctx = await createTestContext({ dataDir });
    owner = await signup(ctx.app, 'Media');
    other = await signup(ctx.app, 'Other media');
    webchat = await createChannel(ctx, owner, 'webchat', {});
    graph = await startGraphStandIn({ token: 'wa-token', phoneNumberId: 'PN9' });
  });
  afterAll(async () => {
    await graph.close();
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string) => ctx.app.request(url.replace('http://switchboard.test', ''));

  async function conversationOf(text: string): Promise<{ id: string }> {
    const { rows } = await ctx.database.pool.query('select conversation_id as id from messages where text = $1', [text]);
    return rows[0];
  }

  async function visitor() {
    const res = await ctx.app.request(`/widget/${webchat.id}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { visitorToken: string }).visitorToken;
  }

  it('a visitor attaches a picture; the agent sees it; the link works only as signed', async () => {
    const token = await visitor();
    const image = png();
    const up = await ctx.app.request(`/widget/${webchat.id}/attachments?name=cake.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: image,
    });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string; kind: string } };
    expect(attachment.kind).toBe('image');

    // Another visitor cannot send this visitor's upload.
    const thief = await visitor();
    const stolen = await ctx.app.request(`/widget/${webchat.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${thief}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'x1', attachments: [attachment.id] }),
    });
    expect(((await stolen.json()) as any).message.attachments[0]).toMatchObject({ url: null, pending: false });

    const sent = await ctx.app.request(`/widget/${webchat.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Like this?', clientId: 'c1', attachments: [attachment.id] }),
    });
    expect(sent.status).toBe(201);
    const message = ((await sent.json()) as any).message;
    expect(message.attachments).toEqual([
      expect.objectContaining({
        kind: 'image',
        name: 'cake.png',
        pending: false,
        url: expect.stringContaining(`/media/${attachment.id}/cake.png?`),
      }),
    ]);

    const conversation = await conversationOf('Like this?');
    const { body: thread } = await call(ctx.app, 'GET', `/api/conversations/${conversation.id}/messages`, { cookie: owner.cookie });
    const seen = thread.messages.at(-1).attachments[0];
    expect(seen).toMatchObject({ kind: 'image', contentType: 'image/png', size: image.length, pending: false });
    const served = await get(seen.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(image);

    const link = new URL(seen.url);
    link.searchParams.set('sig', `${link.searchParams.get('sig')!.slice(1)}x`);
    expect((await get(link.toString())).status).toBe(404);
    const late = new URL(seen.url);
    late.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 1));
    expect((await get(late.toString())).status).toBe(404);
    expect((await get(seen.url.replace('sig=', 'nosig='))).status).toBe(404);
    // Another workspace does not see the conversation at all.
    expect((await call(ctx.app, 'GET', `/api/conversations/${conversation.id}/messages`, { cookie: other.cookie })).status).toBe(404);
  });

  it('an agent attaches a PDF; the visitor gets it as a download; a script type is refused', async () => {
    const token = await visitor();
    await ctx.app.request(`/widget/${webchat.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Menu please', clientId: 'm1' }),
    });
    const conversation = await conversationOf('Menu please');
    const upload = (body: Buffer, type: string, name: string, cookie = owner.cookie) =>
      ctx.app.request(`/api/conversations/${conversation.id}/attachments?name=${name}`, {
        method: 'POST',
        headers: { cookie, 'content-type': type, origin: 'http://switchboard.test' },
        body,
      });
    expect((await upload(Buffer.from('<script>alert(1)</script>'), 'text/html', 'x.html')).status).toBe(422);
    expect((await upload(PDF, 'application/pdf', 'menu.pdf', other.cookie)).status).toBe(404);
    const up = await upload(PDF, 'application/pdf', 'menu.pdf');
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string };
    const reply = await call(ctx.app, 'POST', `/api/conversations/${conversation.id}/messages`, {
      cookie: owner.cookie,
      body: { text: 'Here it is', attachments: [file.id] },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments[0]).toMatchObject({ kind: 'file', name: 'menu.pdf', contentType: 'application/pdf' });
    await drain(ctx);
    const thread = await ctx.app.request(`/widget/${webchat.id}/messages`, { headers: { authorization: `Bearer ${token}` } });
    const last = ((await thread.json()) as any).messages.at(-1);
    expect(last.attachments[0]).toMatchObject({ kind: 'file', name: 'menu.pdf' });
    const served = await get(last.attachments[0].url);
    expect(served.headers.get('content-disposition')).toContain('menu.pdf');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF);
  });

  it('WhatsApp media is downloaded with the access token, stored, and deleted with the contact', async () => {
    const appSecret = 'wa-secret';
    const channel = await createChannel(ctx, owner, 'whatsapp', {
      phoneNumberId: 'PN9',
      accessToken: 'wa-token',
      appSecret,
      verifyToken: 'v',
      baseUrl: graph.baseUrl,
    });
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: 'PN9' },
                contacts: [{ wa_id: '15550001111', profile: { name: 'Pat' } }],
                messages: [
                  {
                    from: '15550001111',
                    id: 'wamid.M1',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'image',
                    image: { id: 'MEDIA_77', mime_type: 'image/jpeg', caption: 'The box arrived broken' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(
      (await postWebhook(ctx, channel.id, raw, { 'content-type': 'application/json', 'x-hub-signature-256': sha256Header(appSecret, raw) }))
        .status,
    ).toBe(200);
    await drain(ctx);
    const lookups = graph.requests.filter((r) => r.method === 'GET');
    expect(lookups.map((r) => r.path)).toEqual(['/v21.0/MEDIA_77', '/lookaside/MEDIA_77']);
    expect(lookups.every((r) => r.headers.authorization === 'Bearer wa-token')).toBe(true);

    const { rows } = await ctx.database.pool.query(
      `select m.conversation_id, c.contact_id, m.attachments from messages m join conversations c on c.id = m.conversation_id where m.provider_message_id = 'wamid.M1'`,
    );
    const attachment = rows[0].attachments[0];
    expect(attachment).toMatchObject({ url: 'wa-media:MEDIA_77', contentType: 'image/jpeg', size: 4, mediaId: expect.any(String) });
    const { body: thread } = await call(ctx.app, 'GET', `/api/conversations/${rows[0].conversation_id}/messages`, { cookie: owner.cookie });
    const served = await get(thread.messages[0].attachments[0].url);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));

    const path = join(dataDir, 'media', owner.workspaceId, attachment.mediaId);
    expect(existsSync(path)).toBe(true);
    const erased = await call(ctx.app, 'POST', `/api/contacts/${rows[0].contact_id}/erase`, {
      cookie: owner.cookie,
      body: { confirm: rows[0].contact_id },
    });
    expect(erased.status).toBe(200);
    expect(existsSync(path)).toBe(false);
    expect((await get(thread.messages[0].attachments[0].url)).status).toBe(404);
  });
});
