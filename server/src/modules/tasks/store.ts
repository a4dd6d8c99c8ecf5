import { placeholders as marks, sql, type Q } from '../../db/database';

/**
 * task_completions: one row per (member, task, period key), the only file that
 * names it. The primary key is the "once per period" guarantee.
 */

export interface Completion {
  memberId: number;
  code: string;
  period: string;
  points: number;
  growth: number;
}

/** Which of the given period keys the member completed, as `<task code>/<period key>`. */
export async function completedIn(q: Q, memberId: number, periods: string[]): Promise<Set<string>> {
  const rows = await q.all<{ task_code: string; period_key: string }>(
    `SELECT task_code, period_key FROM task_completions WHERE member_id = ? AND period_key IN (${marks(periods.length)})`,
    [memberId, ...periods],
  );
  return new Set(rows.map((r) => `${r.task_code}/${r.period_key}`));
}

/** The stored completion of one task in one period, if any. */
export async function completionOf(q: Q, memberId: number, code: string, period: string) {
  const row = await q.one<{ points: number; growth: number }>(
    'SELECT points, growth FROM task_completions WHERE member_id = ? AND task_code = ? AND period_key = ?',
    [memberId, code, period],
  );
  return row ? { points: Number(row.points), growth: Number(row.growth) } : undefined;
}

/** Throws the database's duplicate-key error when the task is already done in that period. */
export async function insertCompletion(q: Q, c: Completion, now: Date): Promise<void> {
  await q.exec(
    'INSERT INTO task_completions (member_id, task_code, period_key, points, growth, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [c.memberId, c.code, c.period, c.points, c.growth, now.getTime()],
  );
}

/** Every completion of one member, for a data export. */
export function completionsOf(q: Q, memberId: number) {
  return q.all<{ task_code: string; period_key: string; points: number; growth: number; created_at: number }>(
    'SELECT task_code, period_key, points, growth, created_at FROM task_completions WHERE member_id = ?',
    [memberId],
  );
}

/**
 * Retention: deletes at most `limit` daily or weekly completions made before
 * `before`, oldest first (by the created_at index). One-off completions are kept
 * for good: their row is what stops the task paying twice.
 */
export function purgeCompletionsBefore(q: Q, before: number, limit: number): Promise<number> {
  return q.exec(
    sql.deleteBatch(q.dialect, 'task_completions', "created_at < ? AND period_key <> 'once'", 'created_at', limit),
    [before],
  );
}
