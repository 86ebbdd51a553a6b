/**
 * The one place that reaches into node-postgres beyond its API: pipelined lanes that cork a
 * connection's socket (pipelined-pool.ts). pg is pinned exactly in packages/db/package.json, and
 * a pool with lanes checks the installed pg first (self-check.ts). Nothing outside this folder
 * depends on how it works: openPool gives an ordinary pg.Pool either way.
 */
import pg from 'pg';
import { PipelinedPool } from './pipelined-pool';
import { checkDriver } from './self-check';

export { DEFAULT_PIPELINE_LANES } from './pipelined-pool';
export { DriverChangedError } from './self-check';

/** A pool whose one-shot statements share `lanes` pipelined connections (0: a plain pg.Pool). */
export function openPool(config: pg.PoolConfig, lanes: number, onError: (err: Error) => void): pg.Pool {
  if (lanes === 0) return new pg.Pool(config);
  checkDriver();
  return new PipelinedPool(config, lanes, onError);
}
