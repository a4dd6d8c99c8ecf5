import { sql, type Q } from '../../db/database';
import { incrementIn } from './counter';

/**
 * daily_counters: one running total per (scope, subject, period key). The period
 * key is a business date for daily caps, or the first day of a week or cycle for
 * longer ones (make-up allowance, churn messages). Only this file names the table.
 */

/** What a counter counts; the subject is a member or a staff account, by scope. */
export type CapScope =
  | 'member_credit'
  | 'staff_credit'
  | 'member_redeem'
  | 'client_tasks'
  | 'checkin_makeup'
  | 'referral_reward'
  | 'churn_message'
  | 'task_share';

/** Adds `amount` under the row's lock and returns the new total. */
export function addToCounter(q: Q, scope: CapScope, subjectId: number, period: string, amount: number) {
  return incrementIn(q, 'daily_counters', { scope, subject_id: subjectId, business_date: period }, 'amount', amount);
}

/** Takes `amount` back off a counter (an increment that turned out to be over its ceiling). */
export async function takeBack(q: Q, scope: CapScope, subjectId: number, period: string, amount: number) {
  await q.exec(
    // Never below 0: a count made before a counter existed is not taken back twice.
    'UPDATE daily_counters SET amount = CASE WHEN amount > ? THEN amount - ? ELSE 0 END WHERE scope = ? AND subject_id = ? AND business_date = ?',
    [amount, amount, scope, subjectId, period],
  );
}

/** The counter's total, 0 when nothing was counted yet. */
export async function counterValue(q: Q, scope: CapScope, subjectId: number, period: string): Promise<number> {
  const row = await q.one<{ amount: number }>(
    'SELECT amount FROM daily_counters WHERE scope = ? AND subject_id = ? AND business_date = ?',
    [scope, subjectId, period],
  );
  return Number(row?.amount ?? 0);
}

/**
 * Retention: deletes at most `limit` counters whose period started before the
 * business date `before`, oldest first (by the business_date index). The floor of
 * the window (two months) is longer than any period, so a live counter stays.
 */
export function purgeCountersBefore(q: Q, before: string, limit: number): Promise<number> {
  return q.exec(sql.deleteBatch(q.dialect, 'daily_counters', 'business_date < ?', 'business_date', limit), [before]);
}
