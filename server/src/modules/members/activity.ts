import { businessDate } from '@huiyuan/shared';
import type { Q, Step } from '../../db/database';
import { touchActive, touchActiveStep, touchOrderStep } from './store-activity';

/**
 * Last activity: the business date a member last logged in, checked in, ordered
 * or redeemed, kept on the member row so churn reads one column instead of every
 * ledger. Called inside the activity's own unit of work; the write happens at
 * most once per member per business day (a conditional update), so hot paths pay
 * one statement that usually matches nothing.
 */
export async function recordActivityIn(q: Q, memberId: number, now: Date | number, tz: string): Promise<void> {
  await touchActive(q, memberId, businessDate(new Date(now), tz));
}

/**
 * The same for an order, which also remembers its store (the store's churn call
 * list). Deferred: nothing reads its result, so it rides in the checkout's next round trip.
 */
export async function recordOrderIn(q: Q, memberId: number, storeId: number, date: string): Promise<void> {
  await q.defer([touchOrderStep(memberId, date, storeId)]);
}

/** The same for a batch (check-ins of one business date), as a step for the batch's round trip. */
export function activityStep(memberIds: number[], date: string): Step | null {
  return memberIds.length
    ? touchActiveStep(
        [...memberIds].sort((a, b) => a - b),
        date,
      )
    : null;
}
