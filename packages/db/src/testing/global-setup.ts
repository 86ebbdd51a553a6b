import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningPostgres } from '../embedded';
import { migrateDatabase } from '../migrate';
import { TEMPLATE_DATABASE } from './names';

/**
 * One Postgres per test run: embedded unless TEST_DATABASE_URL names a server.
 * A template database is migrated once; each test file clones it.
 */
export default async function setup(project: TestProject) {
  let running: RunningPostgres | undefined;
  let dir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-test-pg-'));
    running = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 0 });
    serverUrl = running.url;
  }
  await buildTemplate(serverUrl);
  project.provide('pgServerUrl', serverUrl);
  return async () => {
    await running?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

async function buildTemplate(serverUrl: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  try {
    await migrateDatabase(pool);
  } finally {
    await pool.end();
  }
}
