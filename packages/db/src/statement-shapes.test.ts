import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, alias, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { StatementShapes, type BuiltQuery } from './statement-shapes';

const dialect = new PgDialect({ casing: 'snake_case' });
const things = pgTable('things', { id: uuid().primaryKey(), displayName: text() });

/** A shape cache over drizzle's own builder, counting how often it had to build. */
function shapes() {
  const built: string[] = [];
  const cache = new StatementShapes((query) => {
    const result = dialect.sqlToQuery(query);
    built.push(result.sql);
    return result;
  });
  return { cache, built };
}

// drizzle's typings are for other drivers; node-postgres's session reads the text and params only.
const expectAsDrizzle = (result: BuiltQuery, query: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(query);
  expect({ sql: result.sql, params: result.params }).toEqual({ sql: text, params });
};

describe('StatementShapes', () => {
  it('builds a shape once and then only collects its parameters, as drizzle would', () => {
    const { cache, built } = shapes();
    const query = (name: string, ids: number[]) =>
      sql`with chosen as (select ${things.id} from ${things} where ${things.displayName} = ${name} and n in ${ids})
          update things set display_name = ${sql`upper(${name})`} where id in (select id from chosen) ${undefined}`;
    for (const name of ['Ana', 'Bo', null]) {
      const q = query(name as string, [1, 2]);
      expectAsDrizzle(cache.toQuery(q), q);
    }
    expect(built).toHaveLength(1);
    // Another length of the IN list is another shape, with its own text.
    const longer = query('Cy', [1, 2, 3]);
    expectAsDrizzle(cache.toQuery(longer), longer);
    expect(built).toHaveLength(2);
  });

  it('keeps texts that differ only where a parameter or an identifier sits apart', () => {
    const { cache } = shapes();
    const a = sql`select ${'x'} from ${sql.identifier('t1')}`;
    const b = sql`select ${'x'} from ${sql.identifier('t2')}`;
    const c = sql`select ${sql.raw("'x'")} from ${sql.identifier('t1')}`;
    for (const q of [a, b, c, a, b, c]) expectAsDrizzle(cache.toQuery(q), q);
  });

  it('maps a column-typed parameter through its encoder, like drizzle', () => {
    const { cache } = shapes();
    const q = sql`select 1 where ${things.id} = ${sql.param('3f1e0000-0000-4000-8000-000000000000', things.id)}`;
    cache.toQuery(q);
    expectAsDrizzle(cache.toQuery(q), q);
  });

  it('leaves to drizzle what it does not walk: placeholders, inlined params, aliases', () => {
    const { cache, built } = shapes();
    const other = alias(things, 'other');
    const queries = [sql`select ${sql.placeholder('id')}`, sql`select ${'inline'}`.inlineParams(), sql`select ${sql`${other.id}`.as('x')}`];
    for (const q of [...queries, ...queries]) expectAsDrizzle(cache.toQuery(q), q);
    expect(built).toHaveLength(6);
  });

  it('with verify, throws when a cached text would not be what drizzle builds', () => {
    let suffix = '';
    const cache = new StatementShapes((query) => {
      const result = dialect.sqlToQuery(query);
      return { ...result, sql: result.sql + suffix };
    }, true);
    const q = sql`select ${1}`;
    cache.toQuery(q);
    cache.toQuery(q);
    suffix = ' -- changed';
    expect(() => cache.toQuery(q)).toThrow(/disagrees with drizzle/);
  });
});
