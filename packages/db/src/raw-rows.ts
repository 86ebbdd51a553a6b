import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';

/**
 * A row a raw statement returned (`returning *`: snake_case names, driver values) as drizzle's
 * select model of `table`, mapped column by column as drizzle's own queries map them.
 */
export function rowOf<T extends Table>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}
