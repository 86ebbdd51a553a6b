import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The product stays on its libraries' public API, so that upgrading one is a version bump:
 * no patched prototypes, no private members written through a cast, no library-private tables.
 * The one exception that reads a private member, packages/db/src/driver, checks it at start-up.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'test', 'testing', '.turbo']);
const isTest = (name: string) => /\.test\.tsx?$/.test(name);

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : productFiles(path);
    return /\.tsx?$/.test(entry.name) && !isTest(entry.name) ? [path] : [];
  });
}

const PROTOTYPE_PATCHES = [
  /\.prototype(\.[\w$]+|\[[^\]]*\])*\s*=(?![=>])/,
  /Object\.(defineProperty|defineProperties|assign|setPrototypeOf)\(\s*[^,]*\.prototype\b/,
  /=\s*[^=;]*\.prototype\s*(as\b.*)?;?\s*$/,
];
const CAST_WRITES = [/\(\s*[A-Za-z_$][\w$.]*\s+as\s+[^()]*\)\s*(\.[A-Za-z_$][\w$]*)+\s*=(?![=>])/];
const PRIVATE_TABLES = [/_private_/];

const files = ['apps', 'packages'].flatMap((top) => productFiles(join(root, top)));

/** Each line of product code (comments dropped) that matches one of `patterns`, as path:line: text. */
function offending(patterns: RegExp[]): string[] {
  return files.flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const code = line.replace(/^\s*(\/\/|\*|\/\*).*$/, '').replace(/\s\/\/\s.*$/, '');
        return patterns.some((pattern) => pattern.test(code)) ? [`${relative(root, path)}:${i + 1}: ${line.trim()}`] : [];
      }),
  );
}

describe("the product uses its libraries' public API only", () => {
  it('finds the product code it scans', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((path) => path.endsWith(join('packages', 'db', 'src', 'client.ts')))).toBe(true);
  });

  it('assigns to no prototype and keeps no prototype in a variable to patch later', () => {
    expect(offending(PROTOTYPE_PATCHES)).toEqual([]);
  });

  it("writes no library object's member through a cast", () => {
    expect(offending(CAST_WRITES)).toEqual([]);
  });

  it("names none of Graphile Worker's private tables", () => {
    expect(offending(PRIVATE_TABLES)).toEqual([]);
  });

  it('would catch the patches it is there to keep out', () => {
    const caught = (patterns: RegExp[], line: string) => patterns.some((pattern) => pattern.test(line));
    expect(caught(PROTOTYPE_PATCHES, 'pg.Query.prototype.handleRowDescription = function (msg) {')).toBe(true);
    expect(caught(PROTOTYPE_PATCHES, 'const resultProto = (pg as unknown as Internals).Result.prototype;')).toBe(true);
    expect(caught(PROTOTYPE_PATCHES, "Object.defineProperty(Result.prototype, 'addFields', { value })")).toBe(true);
    expect(caught(PROTOTYPE_PATCHES, 'if (Object.getPrototypeOf(v) === Object.prototype) {')).toBe(false);
    expect(caught(CAST_WRITES, '(client as { query: unknown }).query = (config: unknown) => query(config);')).toBe(true);
    expect(caught(CAST_WRITES, '(db as unknown as { dialect: Dialect }).dialect.sqlToQuery = build;')).toBe(true);
    expect(caught(CAST_WRITES, 'const n = (value as number) === 1;')).toBe(false);
    expect(caught(PRIVATE_TABLES, 'insert into graphile_worker._private_jobs (task_id) values ($1)')).toBe(true);
  });
});
