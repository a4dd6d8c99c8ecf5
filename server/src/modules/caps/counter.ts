import { placeholders, type Q } from '../../db/database';
import { onConflictAdd } from '../../db/dialect';

/**
 * Adds `delta` to a counter row, creating it when missing, and returns the new
 * value, in one upsert. The upsert takes the row's exclusive lock straight away:
 * "INSERT IGNORE, then UPDATE" takes a shared lock first, and two transactions
 * upgrading their shared locks on the same row deadlock each other. Callers
 * compare the result with a ceiling and throw, which rolls the increment back.
 *
 * Table-agnostic on purpose: the owner of a counter table calls it from its own
 * store with its table's name (daily counters here, per-member redemption counts,
 * make-up cards, referral milestones).
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
  const cols = [...keyCols, ...Object.keys(insertOnly), column];
  // The upsert and the read back in one script: one round trip on MySQL.
  const [, read] = await q.script([
    [
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${placeholders(cols.length)})${onConflictAdd(q.dialect, keyCols, column)}`,
      [...Object.values(key), ...Object.values(insertOnly), delta],
    ],
    [`SELECT ${column} AS v FROM ${table} WHERE ${keyCols.map((c) => `${c} = ?`).join(' AND ')}`, Object.values(key)],
  ]);
  return Number(read.rows[0]?.v ?? 0);
}
