/**
 * `npm run flows -- import|export` against a real server: the app served over HTTP on a free
 * port (as `npm start` would), authenticated with an API key.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlowsCli } from '../src/cli/flows';
import { templatesDir } from '../src/flows/template-library';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let ctx: TestContext;
let owner: Session;
let server: ServerType;
let url: string;
let key: string;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Cli');
  const created = await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'flows cli' } });
  key = created.body.key;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'switchboard-flows-'));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
  await ctx.close();
});

async function cli(argv: string[], env: Record<string, string | undefined> = { SWITCHBOARD_URL: url, SWITCHBOARD_API_KEY: key }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFlowsCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const workflows = async () =>
  (await call(ctx.app, 'GET', '/api/workflows', { cookie: owner.cookie })).body.workflows as { id: string; name: string }[];

const goodFlow = {
  schemaVersion: 1,
  name: 'Hello desk',
  nodes: [
    { id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { keywords: ['hello'] } },
    { id: 'say', type: 'action.send_message', position: { x: 0, y: 150 }, config: { text: 'Hi {{ contact.first_name }}!' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'say' }],
};

describe('npm run flows', () => {
  it('imports a folder file by file, printing what was created, what to fill in and what was wrong', async () => {
    const folder = join(dir, 'batch');
    await mkdir(folder);
    await copyFile(join(templatesDir, 'custom-cake-order.json'), join(folder, 'a-cake.json'));
    await writeFile(join(folder, 'b-hello.json'), JSON.stringify(goodFlow));
    await writeFile(join(folder, 'c-broken.json'), '{"schemaVersion": 1, "nodes": [');
    await writeFile(
      join(folder, 'd-dangling.json'),
      JSON.stringify({ ...goodFlow, name: 'Dangling', edges: [...goodFlow.edges, { id: 'e2', source: 'say', target: 'nowhere' }] }),
    );
    await writeFile(
      join(folder, 'e-unknown.json'),
      JSON.stringify({
        ...goodFlow,
        name: 'Unknown',
        nodes: [...goodFlow.nodes, { id: 'zap', type: 'action.zap', position: { x: 0, y: 300 }, config: {} }],
      }),
    );
    await writeFile(join(folder, 'notes.txt'), 'not a flow');
    const before = (await workflows()).length;

    const result = await cli(['import', folder]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/✓ a-cake\.json: created draft "Custom cake order intake" \([0-9a-f-]{36}\)/);
    expect(result.out).toContain('- step "ask_size", field "choices": Check the sizes you offer.');
    expect(result.out).toMatch(/✓ b-hello\.json: created draft "Hello desk"/);
    expect(result.out).toContain('2 of 5 file(s) imported');
    expect(result.err).toMatch(/✗ c-broken\.json: not a valid JSON file/);
    expect(result.err).toMatch(/✗ d-dangling\.json: This flow file cannot be imported/);
    expect(result.err).toContain('"nowhere"');
    expect(result.err).toMatch(/✗ e-unknown\.json: .*\n\s+- step "zap": This step type \("action\.zap"\) is not known/);
    expect(result.err + result.out).not.toContain('notes.txt');
    const names = (await workflows()).map((w) => w.name);
    expect(names).toHaveLength(before + 2);
    expect(names).toEqual(expect.arrayContaining(['Custom cake order intake', 'Hello desk']));
  });

  it('exports a flow to a file that imports back identically', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: { name: 'Round trip', definition: goodFlow },
    });
    const file = join(dir, 'round-trip.json');
    const exported = await cli(['export', created.body.id, file]);
    expect(exported).toMatchObject({ code: 0, err: '' });
    expect(exported.out).toBe(`✓ exported "Round trip" to ${file}`);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toEqual((await call(ctx.app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie })).body);

    const imported = await cli(['import', file]);
    expect(imported.code).toBe(0);
    const id = /\(([0-9a-f-]{36})\)/.exec(imported.out)![1]!;
    const copy = await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: owner.cookie });
    expect(copy.body.definition).toEqual({ schemaVersion: 1, nodes: goodFlow.nodes, edges: goodFlow.edges });
  });

  it('explains usage, missing keys, refused keys, unknown flows and an unreachable server', async () => {
    expect(await cli([])).toMatchObject({ code: 2, err: expect.stringContaining('Usage:') });
    expect(await cli(['export', 'only-one-arg'])).toMatchObject({ code: 2 });
    expect(await cli(['import', dir], { SWITCHBOARD_URL: url })).toMatchObject({
      code: 2,
      err: expect.stringContaining('SWITCHBOARD_API_KEY'),
    });
    const refused = await cli(['export', '00000000-0000-4000-8000-000000000000', join(dir, 'x.json')], {
      SWITCHBOARD_URL: url,
      SWITCHBOARD_API_KEY: 'sb_not_a_key',
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^✗ 00000000-0000-4000-8000-000000000000: /);
    const missing = await cli(['export', '00000000-0000-4000-8000-000000000000', join(dir, 'x.json')]);
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/not found/i) });
    const offline = await cli(['import', join(dir, 'round-trip.json')], {
      SWITCHBOARD_URL: 'http://127.0.0.1:9',
      SWITCHBOARD_API_KEY: key,
    });
    expect(offline).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach Switchboard at http://127.0.0.1:9') });
  });

  it('runs as `npm run flows` from the repository root', async () => {
    const file = join(dir, 'via-npm.json');
    await writeFile(file, JSON.stringify({ ...goodFlow, name: 'Via npm' }));
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'flows', '--', 'import', file], {
      cwd: repoRoot,
      env: { ...process.env, SWITCHBOARD_URL: url, SWITCHBOARD_API_KEY: key },
    });
    expect(stdout).toMatch(/✓ via-npm\.json: created draft "Via npm"/);
    expect((await workflows()).map((w) => w.name)).toContain('Via npm');
  });
});
