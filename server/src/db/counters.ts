import { placeholders, type Q } from './database';

/**
 * Adds `delta` to a counter row, creating it when missing, and returns the new
 * value, in one upsert. The upsert takes the row's exclusive lock straight away:
 * "INSERT IGNORE, then UPDATE" takes a shared lock first, and two transactions
 * upgrading their shared locks on the same row deadlock each other. Callers
 * compare the result with a ceiling and throw, which rolls the increment back.
 */
export async function incrementIn(
  q: Q,
  table: string,
  key: Record<string, string | number>,
  column: string,
  delta: number,
  insertOnly: Record<string, string | number> = {},
): Promise<number> {
  const keyCols = Object.keys(key);
  const extraCols = Object.keys(insertOnly);
  const cols = [...keyCols, ...extraCols, column];
  const insert = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${placeholders(cols.length)})`;
  const upsert =
    q.dialect === 'mysql'
      ? `${insert} ON DUPLICATE KEY UPDATE ${column} = ${column} + VALUES(${column})`
      : `${insert} ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET ${column} = ${column} + excluded.${column}`;
  await q.exec(upsert, [...Object.values(key), ...Object.values(insertOnly), delta]);
  const row = await q.one<{ v: number }>(
    `SELECT ${column} AS v FROM ${table} WHERE ${keyCols.map((c) => `${c} = ?`).join(' AND ')}`,
    Object.values(key),
  );
  return Number(row?.v ?? 0);
}
