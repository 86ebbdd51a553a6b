/**
 * Runs the real server (built web app, real Postgres database of its own) and a real
 * Chromium for the browser tests. Builds nothing: `npm test` builds first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { chromium, type Browser } from 'playwright-core';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const screenshotDir = join(repoRoot, 'e2e', 'screenshots');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export interface RunningApp {
  url: string;
  port: number;
  logs: string[];
  browser: Browser;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, logs: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs.join('')}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${logs.join('')}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Starts `apps/server` on a free port against a fresh database, plus a browser. */
export async function startApp(): Promise<RunningApp> {
  const db: TestDatabase = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const logs: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      EGRESS_ALLOW: '127.0.0.1,localhost,::1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await db.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, logs);
    browser = await launchBrowser();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, logs, browser, stop };
}

/** A tiny web server for a customer's website page (another origin than the app). */
export async function startHostPage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** A flow document of `count` nodes (a trigger, then a fan of text matches and replies). */
export function bigFlow(count: number) {
  const nodes: object[] = [{ id: 'start', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: { channels: ['any'] } }];
  const edges: object[] = [];
  let prev = 'start';
  for (let i = 1; i < count; i++) {
    const id = `n${i}`;
    const col = i % 10;
    const row = Math.floor(i / 10);
    nodes.push({
      id,
      type: 'action.send_message',
      position: { x: col * 300, y: row * 180 + 180 },
      config: { text: `Step ${i}: hello {{ contact.first_name }}` },
    });
    edges.push({ id: `e${i}`, source: prev, target: id });
    prev = id;
  }
  return { schemaVersion: 1, nodes, edges };
}
