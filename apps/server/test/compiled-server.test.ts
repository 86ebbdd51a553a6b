import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build';
import { loadTemplates } from '../src/flows/template-library';
import { signup } from './helpers';
import { startServerProcess, TEST_APP_SECRET, type ServerProcess } from './processes';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let outdir: string;
let database: TestDatabase;
let server: ServerProcess | undefined;

beforeAll(async () => {
  // Inside the checkout, as dist/ is, so that the bundle's imports find node_modules.
  const cache = join(repoRoot, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  outdir = mkdtempSync(join(cache, 'switchboard-server-'));
  await buildServer(outdir);
  database = await createTestDatabase();
});

afterAll(async () => {
  await server?.kill();
  await database?.drop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Runs a bundle with plain node to its exit. */
function runNode(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-compiled-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', join(outdir, script)],
      { env: { ...process.env, DATA_DIR: dataDir, APP_SECRET: TEST_APP_SECRET, ...env } },
      (err, stdout, stderr) => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the compiled server (plain node on the bundle)', () => {
  it('finds what it reads from disk: migrations, the web app, the widget and the templates', async () => {
    // Ready means migrated at boot and the migrations folder's journal read by /readyz.
    server = await startServerProcess({ DATABASE_URL: database.url }, ['--enable-source-maps', join(outdir, 'main.js')]);
    // Scalar's script for /api/docs comes from node_modules, found from the bundle too.
    const scalar = await fetch(`${server.url}/api/docs/scalar.js`);
    expect(scalar.status).toBe(200);
    expect((await scalar.text()).length).toBeGreaterThan(1_000_000);
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`${server.url}/widget.js`)).status).toBe(200);

    const url = server.url;
    const owner = await signup({ request: (path, init) => fetch(`${url}${path}`, init) });
    const res = await fetch(`${url}/api/templates`, { headers: { cookie: owner.cookie } });
    const { templates } = (await res.json()) as { templates: { slug: string }[] };
    expect(templates.map((t) => t.slug)).toEqual(loadTemplates().map((t) => t.slug));
    expect(templates.length).toBeGreaterThan(0);
  });

  it('migrates with migrate.js, and its stack traces point at the .ts sources', async () => {
    const migrated = await runNode('migrate.js', { DATABASE_URL: database.url });
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/migrations applied: (\d+)\/\1\b/);

    const refused = await runNode('migrate.js', { DATABASE_URL: database.url, PORT: 'not-a-port' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(join(repoRoot, 'apps/server/src/config.ts'));
  });
});
