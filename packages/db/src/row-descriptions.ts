import pg from 'pg';
import { PREPARED_NAME_PREFIX } from './statement-cache';

/** At most this many statements' empty rows are kept (the statement cache prepares at most 200 texts per pool). */
const MAX_DESCRIBED = 1_000;

const statementName = Symbol('switchboard.statementName');
type Parser = (value: string) => unknown;
type Field = { name: string; dataTypeID: number; format: string };
type TypeSource = { getTypeParser(oid: number, format: string): Parser };
/** What this module reads and writes of pg's Result (node-postgres 8.x). */
type ResultInternals = {
  fields: Field[];
  command: string | null;
  _types: TypeSource | undefined;
  _parsers?: Parser[];
  _prebuiltEmptyResultObject: Record<string, null> | null;
  addFields(fields: Field[]): void;
  /** Set by the patched Query for a prepared statement's result, read by the patched addFields. */
  [statementName]?: string;
};
type QueryInternals = { name?: string; _result: ResultInternals; handleRowDescription(msg: { fields: Field[] }): void };

/** A prepared statement's columns, and the empty row its result rows are copied from. */
interface Described {
  fields: Field[];
  emptyRow: Record<string, null>;
}

const described = new Map<string, Described>();

/** Prepared statements whose empty row is kept (for tests). */
export const describedStatements = (): number => described.size;

/**
 * node-postgres describes every execution's result again, even a prepared statement's (it sends
 * Describe with each Execute), and Result.addFields builds the empty row every result row is copied
 * from as a dictionary-mode object: slow to build, and slow to copy for each row. In a profile of the
 * server at 200 msg/s addFields had 2.2% of the thread and parseRow 1.1%, our top frames after the
 * socket write. A prepared statement's columns are the same every time (Postgres refuses to run one
 * whose result type changed), so this builds its empty row once, as a plain object V8 keeps in fast
 * mode, and hands it to each later result whose columns match, name by name and type by type. The
 * parsers are still looked up per result as pg does: they depend on each query's type overrides
 * (drizzle passes its own, timestamps as text; a raw query gets the client's).
 * Installed once per process, for the statement cache's names only.
 */
export function reuseRowDescriptions(): void {
  const queryProto = pg.Query.prototype as unknown as QueryInternals;
  const resultProto = (pg as unknown as { Result: { prototype: ResultInternals } }).Result.prototype;
  if ((resultProto.addFields as { reused?: true }).reused) return;
  const describe = queryProto.handleRowDescription;
  queryProto.handleRowDescription = function (this: QueryInternals, msg) {
    const name = this.name;
    // A result whose command has finished is one of several (a multi-statement text): pg makes a new one.
    if (name?.startsWith(PREPARED_NAME_PREFIX) && !this._result.command) this._result[statementName] = name;
    describe.call(this, msg);
  };
  const addFields = resultProto.addFields;
  const reused = function (this: ResultInternals, fields: Field[]) {
    const name = this[statementName];
    const known = name === undefined ? undefined : described.get(name);
    if (known === undefined || !sameColumns(known.fields, fields)) {
      addFields.call(this, fields);
      const emptyRow = name === undefined || !fields.length || described.size >= MAX_DESCRIBED ? undefined : emptyRowOf(fields);
      if (emptyRow) described.set(name!, { fields, emptyRow });
      return;
    }
    // As pg's addFields does, without building the empty row again.
    const types = this._types ?? (pg.types as TypeSource);
    const parsers = new Array<Parser>(fields.length);
    for (let i = 0; i < fields.length; i++) parsers[i] = types.getTypeParser(fields[i]!.dataTypeID, fields[i]!.format || 'text');
    this.fields = fields;
    this._parsers = parsers;
    this._prebuiltEmptyResultObject = known.emptyRow;
  };
  resultProto.addFields = Object.assign(reused, { reused: true as const });
}

function sameColumns(known: Field[], fields: Field[]): boolean {
  if (known.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i++) {
    const a = known[i]!;
    const b = fields[i]!;
    if (a.name !== b.name || a.dataTypeID !== b.dataTypeID || a.format !== b.format) return false;
  }
  return true;
}

/**
 * The empty row as a plain object built property by property, which V8 keeps in fast mode and copies
 * with one map for every row; undefined for a column named `__proto__`, which an assignment would not
 * create (such a statement keeps pg's own null-prototype build).
 */
function emptyRowOf(fields: Field[]): Record<string, null> | undefined {
  const row: Record<string, null> = {};
  for (const field of fields) {
    if (field.name === '__proto__') return undefined;
    row[field.name] = null;
  }
  return row;
}
