import type { Q } from '../../db/database';
import { incrementIn } from '../../db/counters';
import { AppError } from '../../core/errors';

/**
 * Daily counters with a ceiling: one upsert adds the amount under the row's lock
 * and returns the total; past the ceiling the caller's transaction is rolled
 * back by the error, so nothing is counted or written. No count-then-write race.
 */
export async function addWithinCap(
  q: Q,
  scope: string,
  subjectId: number,
  date: string,
  amount: number,
  cap: number,
  detail: Record<string, unknown>,
): Promise<void> {
  if (cap <= 0 || amount <= 0) return;
  const total = await incrementIn(
    q,
    'daily_counters',
    { scope, subject_id: subjectId, business_date: date },
    'amount',
    amount,
  );
  if (total > cap) throw new AppError('DAILY_CAP_REACHED', undefined, { scope, cap, ...detail });
}
