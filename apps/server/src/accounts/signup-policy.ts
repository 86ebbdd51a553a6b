import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import type { Config } from '../config';

/**
 * Public sign-up is open on a fresh install (someone has to create the first workspace) and
 * closes once a workspace exists, unless the operator sets SIGNUP=open. Everyone after the
 * first owner joins by invitation.
 */
export async function signupOpen(db: Executor, config: Pick<Config, 'signup'>): Promise<boolean> {
  if (config.signup === 'open') return true;
  const result = await db.execute<{ any: boolean }>(sql`select exists (select 1 from workspaces) as any`);
  return !result.rows[0]?.any;
}

/**
 * Serialises first sign-ups: two people racing on a fresh install cannot both create a
 * workspace. Taken inside the sign-up transaction, before signupOpen is asked again.
 */
export async function lockFirstSignup(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('switchboard.first-signup'))`);
}
