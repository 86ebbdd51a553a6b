/**
 * `npm run flows -- import <file|dir>` and `npm run flows -- export <id> <file>`: moves flow
 * files in and out of a running Switchboard over its public API, so the server does all the
 * checking (the same import rules as the web app) and the CLI never touches the database.
 * Configured by SWITCHBOARD_URL (default http://localhost:3000) and SWITCHBOARD_API_KEY.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const USAGE = `Usage:
  npm run flows -- import <file.json | folder>   create draft flows from flow files
  npm run flows -- export <workflow id> <file>   save a flow as a file (no secrets)

Environment:
  SWITCHBOARD_URL       the server, default http://localhost:3000
  SWITCHBOARD_API_KEY   an API key (Settings → API keys), sent as a Bearer token`;

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
}

type Issue = { nodeId?: string; field?: string; message: string };
type Requirement = { kind: string; nodeId?: string; field?: string; label: string };

/** Where a problem is, in the owner's terms: `step "ask_email", field "saveTo"`. */
function where(issue: { nodeId?: string; field?: string }): string {
  const parts = [issue.nodeId ? `step "${issue.nodeId}"` : '', issue.field ? `field "${issue.field}"` : ''].filter(Boolean);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

class Api {
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new Error(
        `cannot reach Switchboard at ${this.base} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})`,
      );
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the message
    }
    return { status: res.status, body: parsed };
  }
}

function errorMessage(response: { status: number; body: any }): string {
  return response.body?.error?.message ?? `the server answered ${response.status}`;
}

async function flowFiles(target: string): Promise<string[]> {
  const info = await stat(target);
  if (!info.isDirectory()) return [target];
  const names = (await readdir(target)).filter((n) => n.endsWith('.json')).sort();
  return names.map((n) => join(target, n));
}

/** Imports each file; one bad file never stops the others. Returns how many failed. */
async function importFiles(api: Api, target: string, io: CliIo): Promise<number> {
  const files = await flowFiles(target);
  if (files.length === 0) io.err(`No .json flow files in ${target}`);
  let failed = 0;
  for (const file of files) {
    const name = basename(file);
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      failed += 1;
      io.err(`✗ ${name}: not a valid JSON file (${(err as Error).message})`);
      continue;
    }
    const res = await api.request('POST', '/api/workflows/import', { document });
    if (res.status !== 201) {
      failed += 1;
      io.err(`✗ ${name}: ${errorMessage(res)}`);
      for (const issue of (res.body?.error?.details?.errors ?? []) as Issue[]) io.err(`    - ${where(issue)}${issue.message}`);
      continue;
    }
    const { workflow, requires } = res.body as { workflow: { id: string; name: string }; requires: Requirement[] };
    io.out(`✓ ${name}: created draft "${workflow.name}" (${workflow.id})`);
    if (requires.length) io.out(`    to fill in before publishing:`);
    for (const r of requires) io.out(`    - ${where(r)}${r.label}`);
  }
  io.out(`${files.length - failed} of ${files.length} file(s) imported`);
  return failed;
}

async function exportFlow(api: Api, id: string, file: string, io: CliIo): Promise<boolean> {
  const res = await api.request('GET', `/api/workflows/${encodeURIComponent(id)}/export`);
  if (res.status !== 200) {
    io.err(`✗ ${id}: ${errorMessage(res)}`);
    return false;
  }
  await writeFile(file, `${JSON.stringify(res.body, null, 2)}\n`);
  io.out(`✓ exported "${res.body.name}" to ${file}`);
  for (const r of (res.body.requires ?? []) as Requirement[]) io.out(`    - whoever imports it fills in: ${where(r)}${r.label}`);
  return true;
}

/** Runs the CLI; returns the process exit code (0 ok, 1 a file or request failed, 2 usage). */
export async function runFlowsCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  const key = io.env.SWITCHBOARD_API_KEY;
  const base = io.env.SWITCHBOARD_URL || 'http://localhost:3000';
  const wellFormed = (command === 'import' && args.length === 1) || (command === 'export' && args.length === 2);
  if (!wellFormed) {
    io.err(USAGE);
    return 2;
  }
  if (!key) {
    io.err('Set SWITCHBOARD_API_KEY to an API key (Settings → API keys).');
    return 2;
  }
  const api = new Api(base, key);
  try {
    if (command === 'import') return (await importFiles(api, args[0]!, io)) === 0 ? 0 : 1;
    return (await exportFlow(api, args[0]!, args[1]!, io)) ? 0 : 1;
  } catch (err) {
    io.err(`✗ ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runFlowsCli(process.argv.slice(2), {
    env: process.env,
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  });
}
