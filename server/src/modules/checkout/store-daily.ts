import type { Q } from '../../db/database';

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
