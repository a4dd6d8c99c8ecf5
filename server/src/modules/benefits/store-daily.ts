import type { Q } from '../../db/database';

/** Vouchers written off in [start, end) per store (0: none recorded): the dashboard's daily rollup. */
export async function writtenOffByStore(q: Q, start: number, end: number): Promise<Map<number, number>> {
  const rows = await q.all<{ s: number; n: number }>(
    `SELECT COALESCE(redeemed_store_id, 0) AS s, COUNT(*) AS n FROM vouchers
      WHERE redeemed_at >= ? AND redeemed_at < ? GROUP BY COALESCE(redeemed_store_id, 0)`,
    [start, end],
  );
  return new Map(rows.map((r) => [Number(r.s), Number(r.n)]));
}
