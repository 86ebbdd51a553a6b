import { migrateDatabase, migrationStatus, openDatabase, resolveDatabase } from '@switchboard/db';
import { loadConfig } from '../config';

/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
const config = loadConfig();
const database = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const { pool } = openDatabase(database.url, { max: 2 });
try {
  await migrateDatabase(pool);
  const status = await migrationStatus(pool);
  console.log(`migrations applied: ${status.applied}/${status.expected}`);
} finally {
  await pool.end();
  await database.stop();
}
