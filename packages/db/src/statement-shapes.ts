import { Column, entityKind, Name, Param, Placeholder, SQL, StringChunk, Table } from 'drizzle-orm';

/** What drizzle's dialect makes of a query: its text and its parameters in order. */
export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** At most this many statement texts are kept; past it, new shapes are built by drizzle each time. */
const MAX_SHAPES = 2_000;

// Tokens for what is not a piece of the text itself.
const PARAM = Symbol('param');
const NAME = Symbol('name');
const OPEN = Symbol('(');
const NEXT = Symbol(',');
const CLOSE = Symbol(')');

/** A node of the shape trie: one token leads to one child, more to a map of them. */
interface ShapeNode {
  token?: unknown;
  child?: ShapeNode;
  more?: Map<unknown, ShapeNode>;
  /** The text of a query whose shape ends here; null when drizzle's params did not match ours. */
  text?: string | null;
}

/**
 * Drizzle rebuilds a statement's text from its `sql` template tree on every call, which took about
 * 9% of the server's thread on the reply path (open200 profile: the builder's recursion, its
 * `is()` checks, and the statement cache hashing a fresh multi-KB text). A query's text depends
 * only on its shape: the template strings, columns, tables and names in it, and where its
 * parameters sit. So this walks the tree once per call, collecting the parameters as drizzle would
 * and following the shape through a trie to the text built the first time. A tree it does not
 * fully know (an alias, a subquery, a placeholder, inlined params, another copy of drizzle) goes to
 * drizzle, as does a shape whose first build disagreed with the walk.
 */
export class StatementShapes {
  private readonly root: ShapeNode = {};
  private shapes = 0;

  constructor(
    private readonly build: (query: SQL) => BuiltQuery,
    /** Builds with drizzle as well on every call and throws on any difference (the test suite's check). */
    private readonly verify = false,
  ) {}

  toQuery(query: SQL): BuiltQuery {
    const walk: Walk = { node: this.root, params: [], missed: false };
    if (!walkChunks(query.queryChunks, walk, false)) return this.build(query);
    if (!walk.missed && typeof walk.node.text === 'string') {
      if (this.verify) this.check(query, walk.node.text, walk.params);
      return { sql: walk.node.text, params: walk.params };
    }
    const built = this.build(query);
    if (walk.missed || walk.node.text === undefined) this.remember(query, built, walk.params);
    return built;
  }

  private remember(query: SQL, built: BuiltQuery, params: unknown[]): void {
    if (this.shapes >= MAX_SHAPES) return;
    const walk: Walk = { node: this.root, params: [], missed: false, insert: true };
    walkChunks(query.queryChunks, walk, false);
    walk.node.text = sameParams(built.params, params) ? built.sql : null;
    this.shapes++;
  }

  private check(query: SQL, text: string, params: unknown[]): void {
    const built = this.build(query);
    if (built.sql !== text || !sameParams(built.params, params)) {
      throw new Error(`statement shape cache disagrees with drizzle:\n${built.sql}\n---\n${text}`);
    }
  }
}

interface Walk {
  node: ShapeNode;
  params: unknown[];
  /** The shape left the trie: the text is not known yet. */
  missed: boolean;
  insert?: boolean;
}

function step(walk: Walk, token: unknown): void {
  if (walk.missed) return;
  const node = walk.node;
  let next = node.token === token ? node.child : node.more?.get(token);
  if (!next) {
    if (!walk.insert) {
      walk.missed = true;
      return;
    }
    next = {};
    if (node.child === undefined) {
      node.token = token;
      node.child = next;
    } else {
      (node.more ??= new Map()).set(token, next);
    }
  }
  walk.node = next;
}

/** Mirrors drizzle's buildQueryFromSourceParams for the chunks it knows; false for any other. */
function walkChunks(chunks: readonly unknown[], walk: Walk, inArray: boolean): boolean {
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    if (inArray && i > 0) step(walk, NEXT);
    if (chunk instanceof StringChunk) {
      for (const piece of chunk.value) step(walk, piece);
    } else if (chunk instanceof SQL) {
      if ((chunk as unknown as { shouldInlineParams: boolean }).shouldInlineParams || !walkChunks(chunk.queryChunks, walk, false)) return false;
    } else if (chunk === undefined) {
      // drizzle writes nothing for it
    } else if (Array.isArray(chunk)) {
      step(walk, OPEN);
      if (!walkChunks(chunk, walk, true)) return false;
      step(walk, CLOSE);
    } else if (chunk instanceof Param) {
      if (chunk.value instanceof Placeholder) return false;
      const value = chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value);
      if (value instanceof SQL) return false;
      step(walk, PARAM);
      walk.params.push(value);
    } else if (chunk instanceof Name) {
      step(walk, NAME);
      step(walk, chunk.value);
    } else if (chunk instanceof Column || chunk instanceof Table) {
      // Their text is their (escaped, cased) names, fixed for the object.
      step(walk, chunk);
    } else if (typeof chunk === 'function' || isEntity(chunk) || isSqlWrapper(chunk)) {
      return false;
    } else {
      step(walk, PARAM);
      walk.params.push(chunk);
    }
  }
  return true;
}

function isEntity(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value.constructor as { [entityKind]?: unknown } | undefined)?.[entityKind] !== undefined;
}

function isSqlWrapper(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { getSQL?: unknown }).getSQL === 'function';
}

function sameParams(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) && JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  }
  return true;
}
