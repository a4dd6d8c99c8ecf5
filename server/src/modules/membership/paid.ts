import type { Q } from '../../db/database';
import { paidPlanIn } from './store';

type PaidPlan = Awaited<ReturnType<typeof paidPlanIn>>;
const seen = new WeakMap<Q, Map<number, Promise<PaidPlan>>>();

/**
 * The member's paid plan at `now`, read once per unit of work: a checkout asks
 * for it three times (the tier floor before and after growth, the extra points).
 * Keyed by the unit of work, so nothing outlives its transaction (a retry gets a
 * new one); a change to the subscription in the same unit of work forgets it.
 */
export function paidPlanOnceIn(q: Q, memberId: number, now: number): Promise<PaidPlan> {
  let byMember = seen.get(q);
  if (!byMember) seen.set(q, (byMember = new Map()));
  let p = byMember.get(memberId);
  if (!p) byMember.set(memberId, (p = paidPlanIn(q, memberId, now)));
  return p;
}

export function forgetPaidIn(q: Q, memberId: number): void {
  seen.get(q)?.delete(memberId);
}
