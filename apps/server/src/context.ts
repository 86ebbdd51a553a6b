import type { Database } from '@switchboard/db';
import type { Role } from '@switchboard/db';
import type pg from 'pg';
import type { Config } from './config';
import type { Logger } from './logger';
import type { EventBus } from './events/bus';
import type { ActiveFlowCache } from './flows/active-flows';

/** Everything a route or a job needs, built once in main.ts (or by a test). */
export interface AppDeps {
  config: Config;
  db: Database;
  pool: pg.Pool;
  logger: Logger;
  events: EventBus;
  /** Published flows per workspace, invalidated across processes on publish/pause. */
  activeFlows: ActiveFlowCache;
}

/** Who is calling, resolved once per request by the auth middleware. */
export interface AuthContext {
  workspaceId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
  sessionTokenHash: string | null;
  /**
   * The person whose authority the call carries: the signed-in user, or whoever made the API key.
   * What the call creates (keys, invitations, reset links) is recorded as theirs, so it lapses with
   * their role.
   */
  principalId: string;
}

export interface AppEnv {
  Variables: {
    auth: AuthContext;
  };
}
