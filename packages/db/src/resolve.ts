import { join } from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from './embedded';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when given; otherwise a real embedded PostgreSQL under DATA_DIR/postgres,
 * with the application database `switchboard` inside it.
 */
export async function resolveDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  onLog?: (line: string) => void;
}): Promise<ResolvedDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  const running = await startEmbeddedPostgres({ dataDir: join(options.dataDir, 'postgres'), port: 5432, onLog: options.onLog });
  const url = await ensureDatabase(running.url, 'switchboard');
  return { url, embedded: true, stop: running.stop };
}
