import type { Q } from '../../db/database';

/** A store's counter figures over a period, read from `orders` and `refunds` (the shift summary). */

export interface CreditFigures {
  count: number;
  points: number;
  amountCents: number;
}

/** Orders credited at the store in [start, end): how many, the purchase points they earned, their amounts. */
export async function creditsIn(q: Q, storeId: number, start: number, end: number): Promise<CreditFigures> {
  const row = await q.one<{ n: number; points: number; amount: number }>(
    'SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS points, COALESCE(SUM(amount_cents), 0) AS amount FROM orders WHERE store_id = ? AND created_at >= ? AND created_at < ?',
    [storeId, start, end],
  );
  return { count: Number(row?.n ?? 0), points: Number(row?.points ?? 0), amountCents: Number(row?.amount ?? 0) };
}

export interface RefundFigures {
  count: number;
  amountCents: number;
  pointsClawedBack: number;
}

/** Refunds made at the store in [start, end) (whenever their orders were), with the points they took back. */
export async function refundsIn(q: Q, storeId: number, start: number, end: number): Promise<RefundFigures> {
  const row = await q.one<{ n: number; amount: number; points: number }>(
    'SELECT COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS amount, COALESCE(SUM(points), 0) AS points FROM refunds WHERE store_id = ? AND created_at >= ? AND created_at < ?',
    [storeId, start, end],
  );
  return {
    count: Number(row?.n ?? 0),
    amountCents: Number(row?.amount ?? 0),
    pointsClawedBack: Number(row?.points ?? 0),
  };
}
