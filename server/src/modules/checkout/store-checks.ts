import type { Q } from '../../db/database';

/**
 * Reads of orders and refunds for reconcile: with store.ts, the only place these
 * tables are named. Each walks by id (keyset), `limit` rows at most.
 */

/** Orders paid partly with points, by id after `after`, with what their refunds gave back (reconcile). */
export async function redeemedOrdersAfter(
  q: Q,
  after: number,
  limit: number,
): Promise<
  { id: number; storeId: number; orderNo: string; redeemed: number; returned: number; refundsReturned: number }[]
> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT o.id, o.store_id, o.order_no, o.redeemed_points, o.redeem_returned, COALESCE(r.returned, 0) AS refunds_returned
       FROM orders o
       LEFT JOIN (SELECT order_id, SUM(redeem_returned) AS returned FROM refunds GROUP BY order_id) r ON r.order_id = o.id
      WHERE o.id > ? AND (o.redeemed_points > 0 OR o.redeem_returned <> 0) ORDER BY o.id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    storeId: Number(r.store_id),
    orderNo: String(r.order_no),
    redeemed: Number(r.redeemed_points),
    returned: Number(r.redeem_returned),
    refundsReturned: Number(r.refunds_returned),
  }));
}

/** Refunds that gave redeemed points back, by id after `after` (reconcile). */
export async function returningRefundsAfter(
  q: Q,
  after: number,
  limit: number,
): Promise<{ id: number; storeId: number; key: string; returned: number }[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT id, store_id, idem_key, redeem_returned FROM refunds WHERE id > ? AND redeem_returned > 0 ORDER BY id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    storeId: Number(r.store_id),
    key: String(r.idem_key),
    returned: Number(r.redeem_returned),
  }));
}
