import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, MIGRATIONS_TABLE, migrationsFolder } from '@switchboard/db';
import { testServerUrl } from '@switchboard/db/testing';
import { sealJson, unsealJson } from '../src/services/crypto';

/** The migrations folder as it stood before the credentials migration. */
function beforeCredentials(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === '0011_workspace_credentials'),
  );
  for (const entry of entries) copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

let admin: pg.Client;
let pool: pg.Pool;
let name: string;
let older: string;

beforeAll(async () => {
  name = `sb_credentials_${randomBytes(6).toString('hex')}`;
  admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  older = beforeCredentials();
});

afterAll(async () => {
  await pool?.end();
  await admin?.query(`drop database if exists ${name}`);
  await admin?.end();
  rmSync(older, { recursive: true, force: true });
});

describe('migration 0011 moves the AI key into the credential "ai"', () => {
  it('keeps the sealed key, binds it to its base URL host (OpenAI without one), and clears the old place', async () => {
    const appSecret = randomBytes(32);
    const client = await pool.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: older, ...MIGRATIONS_TABLE });
    } finally {
      client.release();
    }
    const settings = [
      { ai: { baseUrl: 'https://user@Proxy.Example.com:8443/v1', model: 'm', apiKeyEncrypted: sealJson(appSecret, 'sk-proxy-key') } },
      { ai: { model: 'gpt-4o', apiKeyEncrypted: sealJson(appSecret, 'sk-openai-key') } },
      { ai: { baseUrl: 'http://localhost:11434/v1' } },
    ];
    const ids: string[] = [];
    for (const s of settings)
      ids.push((await pool.query(`insert into workspaces (name, settings) values ('w', $1) returning id`, [s])).rows[0].id);

    await migrateDatabase(pool);

    const rows = await pool.query(
      `select workspace_id, name, sealed_value, allowed_hosts from workspace_credentials order by allowed_hosts[1] desc`,
    );
    expect(rows.rows.map((r) => [r.workspace_id, r.name, r.allowed_hosts, unsealJson<string>(appSecret, r.sealed_value)])).toEqual([
      [ids[0], 'ai', ['proxy.example.com'], 'sk-proxy-key'],
      [ids[1], 'ai', ['api.openai.com'], 'sk-openai-key'],
    ]);
    const after = await pool.query(`select settings from workspaces where id = any($1) order by array_position($1, id)`, [ids]);
    expect(after.rows.map((r) => r.settings)).toEqual([
      { ai: { baseUrl: 'https://user@Proxy.Example.com:8443/v1', model: 'm' } },
      { ai: { model: 'gpt-4o' } },
      { ai: { baseUrl: 'http://localhost:11434/v1' } },
    ]);
  });
});
