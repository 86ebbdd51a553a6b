import { createHash } from 'node:crypto';
import pg from 'pg';

/** A statement text becomes a prepared statement once it has run this many times in the process. */
const PREPARE_THRESHOLD = 5;
/** At most this many prepared statements per process: each holds a plan in every backend that ran it. */
const MAX_PREPARED = 200;
/** Texts counted but not (yet) prepared; past this the counts start over, so one-off texts cannot pile up. */
const MAX_COUNTED = 5_000;

/**
 * Which statement texts run as named (prepared) statements, the way pgjdbc's prepareThreshold
 * decides: a parameterised text seen often enough. Postgres then plans it once per connection
 * instead of at every call; the reply path's statements are CTEs whose planning costs several
 * times their execution. The set is capped, so a text that varies per call (an IN list of any
 * length) cannot grow the backends' memory.
 */
export class PreparedNames {
  private readonly counts = new Map<string, number>();
  private readonly names = new Map<string, string>();

  /** The name to run `text` under, or undefined while it is not (or cannot be) prepared. */
  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= MAX_PREPARED) return name;
    const count = (this.counts.get(text) ?? 0) + 1;
    if (count < PREPARE_THRESHOLD) {
      if (this.counts.size >= MAX_COUNTED) this.counts.clear();
      this.counts.set(text, count);
      return undefined;
    }
    this.counts.delete(text);
    // One name per text on every connection: pg refuses a name reused for another text.
    const named = `sb_${createHash('sha1').update(text).digest('base64url')}`;
    this.names.set(text, named);
    return named;
  }
}

type QueryConfigLike = { text: string; name?: string; values?: unknown[] };

function isParameterised(config: unknown, values: unknown): config is QueryConfigLike {
  if (typeof config !== 'object' || config === null) return false;
  const { text, name, values: own } = config as QueryConfigLike;
  if (typeof text !== 'string' || name !== undefined) return false;
  const params = Array.isArray(values) ? values : own;
  return Array.isArray(params) && params.length > 0;
}

/**
 * A pg Client class (given to the pool through its public `Client` option) whose repeated
 * parameterised statements run prepared, by the names `names` gives.
 */
export function preparingClient(names: PreparedNames): typeof pg.Client {
  class PreparingClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query() is overloaded; this forwards every form unchanged.
    override query(config: any, values?: any, callback?: any): any {
      const forward = super.query.bind(this) as (...args: unknown[]) => unknown;
      if (isParameterised(config, values)) {
        const name = names.nameFor(config.text);
        if (name !== undefined) return forward({ ...config, name }, values, callback);
      }
      return forward(config, values, callback);
    }
  }
  return PreparingClient;
}
