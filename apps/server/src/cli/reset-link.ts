/**
 * `npm run user:reset-link -- EMAIL`: prints a one-time password reset link for an account,
 * for the operator of a server that has no mailer (or an owner locked out of every workspace).
 * Uses DATABASE_URL (or the embedded database in DATA_DIR) and PUBLIC_URL, like the server.
 */
import { eq } from 'drizzle-orm';
import { openDatabase, resolveDatabase, users } from '@switchboard/db';
import { createResetLink } from '../accounts/password-reset';
import { loadConfig } from '../config';

const email = process.argv[2]?.trim().toLowerCase();
if (!email || !email.includes('@')) {
  console.error('Usage: npm run user:reset-link -- EMAIL');
  process.exit(2);
}

const config = loadConfig();
const database = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((err: Error) => {
  // The embedded database serves one process: a running server holds it.
  console.error(`Could not open the database (${err.message}). With the embedded database, stop the server first or set DATABASE_URL.`);
  process.exit(1);
});
const { db, pool } = openDatabase(database.url, { max: 2, pipelineLanes: 0 });
let code = 0;
try {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (!user) {
    console.error(`No account has the email ${email}`);
    code = 1;
  } else {
    const link = await createResetLink(db, config.publicUrl, user.id, null);
    console.log(`Reset link for ${email} (works once, until ${link.expiresAt.toISOString()}):`);
    console.log(link.url);
  }
} finally {
  await pool.end();
  await database.stop();
}
process.exit(code);
