import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@switchboard/db';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const mainScript = join(repoRoot, 'apps/server/src/main.ts');
/** One key for every process of a test, as a real deployment shares APP_SECRET. */
export const TEST_APP_SECRET = randomBytes(32).toString('hex');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real server program as a child process: the sources (`apps/server/src/main.ts`) under
 * tsx unless `nodeArgs` says otherwise (a compiled bundle).
 */
export async function startServerProcess(env: Record<string, string>, nodeArgs = ['--import', 'tsx', mainScript]): Promise<ServerProcess> {
  const port = await freePort(0);
  let output = '';
  const child = spawn(process.execPath, nodeArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-proc-')),
      APP_SECRET: TEST_APP_SECRET,
      LOG_LEVEL: 'warn',
      // Provider stand-ins listen on loopback, opened as an operator opens a LAN service.
      EGRESS_ALLOW: '127.0.0.1,localhost,::1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // A server that dies on its own fails the test later, as a refused connection: say why here.
  let killed = false;
  child.once('exit', (code, signal) => {
    if (!killed) console.error(`server on port ${port} exited unasked (${code ?? signal}); its last output:\n${output.slice(-4_000)}`);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 60 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    url,
    output: () => output,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        killed = true;
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
