import type { Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { addToCounter, takeBack, type CapScope } from './store';

export { addToCounter, counterValue, takeBack, type CapScope } from './store';

/**
 * Adds `amount` to a counter with a ceiling: one upsert adds it under the row's
 * lock and returns the total; past the ceiling DAILY_CAP_REACHED is thrown, which
 * rolls the caller's transaction back, so nothing is counted or written. No
 * count-then-write race. A ceiling of 0 means no cap.
 */
export async function addWithinCap(
  q: Q,
  scope: CapScope,
  subjectId: number,
  period: string,
  amount: number,
  cap: number,
  detail: Record<string, unknown>,
): Promise<void> {
  if (cap <= 0 || amount <= 0) return;
  const total = await addToCounter(q, scope, subjectId, period, amount);
  if (total > cap) throw new AppError('DAILY_CAP_REACHED', undefined, { scope, cap, ...detail });
}

/**
 * Counts one more against a ceiling without failing the transaction: true when it
 * fits; false when over, after taking the count back (the caller carries on, e.g.
 * an invite stays bound but is not rewarded).
 */
export async function tryCountWithinCap(
  q: Q,
  scope: CapScope,
  subjectId: number,
  period: string,
  cap: number,
): Promise<boolean> {
  if (cap <= 0) return true;
  const total = await addToCounter(q, scope, subjectId, period, 1);
  if (total <= cap) return true;
  await takeBack(q, scope, subjectId, period, 1);
  return false;
}
