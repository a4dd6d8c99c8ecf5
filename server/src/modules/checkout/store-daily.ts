import type { Q } from '../../db/database';
import { stepsFrom } from '../../db/dialect';

/** A member's orders at one store made in a range: what the dashboard's daily rollup keeps. */
export interface MemberStoreOrders {
  storeId: number;
  memberId: number;
  orders: number;
  amountCents: number;
  refundedCents: number;
  points: number;
}

/**
 * Orders made in [startMs, endMs) grouped by store and member (one day at a time
 * on the index of `created_at`): sums per store, and the buyers and repeat buyers
 * of the day, in one statement.
 */
export async function ordersByStoreAndMember(q: Q, startMs: number, endMs: number): Promise<MemberStoreOrders[]> {
  const rows = await q.all<{
    store_id: number;
    member_id: number;
    n: number;
    amount: number;
    refunded: number;
    points: number;
  }>(
    `SELECT store_id, member_id, COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS amount,
            COALESCE(SUM(refunded_cents), 0) AS refunded, COALESCE(SUM(points), 0) AS points
       FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY store_id, member_id`,
    [startMs, endMs],
  );
  return rows.map((r) => ({
    storeId: Number(r.store_id),
    memberId: Number(r.member_id),
    orders: Number(r.n),
    amountCents: Number(r.amount),
    refundedCents: Number(r.refunded),
    points: Number(r.points),
  }));
}

/**
 * `ordersByStoreAndMember` for a range of whole business days in one pass (a
 * backfill of the rollups): days numbered from `base` in steps of 24 h, so only
 * for a range whose every day is 24 h long.
 */
export async function ordersByDay(q: Q, base: number, end: number): Promise<(MemberStoreOrders & { day: number })[]> {
  const day = stepsFrom(q.dialect, 'created_at', 86_400_000);
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${day} AS d, store_id, member_id, COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS amount,
            COALESCE(SUM(refunded_cents), 0) AS refunded, COALESCE(SUM(points), 0) AS points
       FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY d, store_id, member_id`,
    [base, base, end],
  );
  return rows.map((r) => ({
    day: Number(r.d),
    storeId: Number(r.store_id),
    memberId: Number(r.member_id),
    orders: Number(r.n),
    amountCents: Number(r.amount),
    refundedCents: Number(r.refunded),
    points: Number(r.points),
  }));
}
