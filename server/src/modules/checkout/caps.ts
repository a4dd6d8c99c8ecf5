import { sql, type Q } from '../../db/database';
import { AppError } from '../../http/errors';

/**
 * Daily counters with a ceiling, by conditional update: the row is created once
 * (INSERT IGNORE on its primary key), then `amount = amount + ? WHERE amount + ? <= cap`
 * either fits or changes nothing. No count-then-write race.
 */
export async function addWithinCap(q: Q, scope: string, subjectId: number, date: string, amount: number, cap: number, detail: Record<string, unknown>): Promise<void> {
  if (cap <= 0 || amount <= 0) return;
  await q.exec(`${sql.insertIgnore(q.dialect)} INTO daily_counters (scope, subject_id, business_date, amount) VALUES (?, ?, ?, 0)`, [scope, subjectId, date]);
  const ok = await q.exec('UPDATE daily_counters SET amount = amount + ? WHERE scope = ? AND subject_id = ? AND business_date = ? AND amount + ? <= ?',
    [amount, scope, subjectId, date, amount, cap]);
  if (ok !== 1) throw new AppError('DAILY_CAP_REACHED', undefined, { scope, cap, ...detail });
}
