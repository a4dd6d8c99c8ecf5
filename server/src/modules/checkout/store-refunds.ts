import type { Q } from '../../db/database';

/** Reads of the refunds table for operators (writes are in store.ts). */
export interface RefundListRow {
  id: number;
  store_id: number;
  order_no: string;
  member_id: number;
  amount_cents: number;
  order_amount_cents: number;
  points: number;
  growth: number;
  staff_id: number | null;
  created_at: number;
}

/** Newest first, ids below `beforeId`, every filter optional; `limit` + 1 rows to tell if more follow. */
export async function refundsPage(
  q: Q,
  f: { storeId?: number; memberId?: number; orderNo?: string; beforeId?: number },
  limit: number,
): Promise<RefundListRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq: [string, unknown][] = [
    ['r.store_id', f.storeId],
    ['o.member_id', f.memberId],
    ['o.order_no', f.orderNo],
  ];
  for (const [column, value] of eq) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (f.beforeId !== undefined) {
    where.push('r.id < ?');
    params.push(f.beforeId);
  }
  return q.all<RefundListRow>(
    `SELECT r.id, r.store_id, o.order_no, o.member_id, r.amount_cents, o.amount_cents AS order_amount_cents, r.points, r.growth, r.staff_id, r.created_at
       FROM refunds r JOIN orders o ON o.id = r.order_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ${Math.floor(limit) + 1}`,
    params,
  );
}
