import { placeholders, type Q } from '../../db/database';
import { forUpdate } from '../../db/dialect';

/**
 * The only place the checkout tables are named: orders (one row per store and
 * order number, with what it earned and how much of it was refunded) and
 * refunds (one row per store and refund key, with its first answer).
 */

/** What a replay of a checkout compares and answers with. */
export interface OrderClaim {
  member_id: number;
  input_hash: string;
  result_json: string | null;
}

export async function orderClaim(q: Q, storeId: number, orderNo: string): Promise<OrderClaim | undefined> {
  return q.one<OrderClaim>(
    'SELECT member_id, input_hash, result_json FROM orders WHERE store_id = ? AND order_no = ?',
    [storeId, orderNo],
  );
}

export interface NewOrder {
  storeId: number;
  orderNo: string;
  memberId: number;
  staffId: number;
  amountCents: number;
  inputHash: string;
  businessDate: string;
  /** Points the order was paid with, and the discount they gave (0 when none). */
  redeemedPoints?: number;
  discountCents?: number;
}

/** Claims (store, orderNo) by its unique key; throws the driver's duplicate-key error when taken. Returns the order id. */
export async function insertOrder(q: Q, o: NewOrder, now: Date): Promise<number> {
  return q.insert(
    `INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, redeemed_points, discount_cents, input_hash, business_date, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      o.storeId,
      o.orderNo,
      o.memberId,
      o.staffId,
      o.amountCents,
      o.redeemedPoints ?? 0,
      o.discountCents ?? 0,
      o.inputHash,
      o.businessDate,
      now.getTime(),
      now.getTime(),
    ],
  );
}

/**
 * Records what the order earned and its answer for replays. Deferred (it rides in
 * the next round trip or the COMMIT): a replay reads it only after the commit.
 */
export async function finishOrder(
  q: Q,
  orderId: number,
  points: number,
  growth: number,
  resultJson: string,
  now: Date,
): Promise<void> {
  await q.defer([
    [
      'UPDATE orders SET points = ?, growth = ?, result_json = ?, updated_at = ? WHERE id = ?',
      [points, growth, resultJson, now.getTime(), orderId],
    ],
  ]);
}

export interface RefundableOrder {
  id: number;
  member_id: number;
  amount_cents: number;
  points: number;
  growth: number;
  refunded_cents: number;
  refunded_points: number;
  refunded_growth: number;
  redeemed_points: number;
  redeem_returned: number;
  business_date: string;
}

/** The order with its row lock held until the commit (refunds of one order take turns). */
export async function lockOrder(q: Q, storeId: number, orderNo: string): Promise<RefundableOrder | undefined> {
  return q.one<RefundableOrder>(
    `SELECT id, member_id, amount_cents, points, growth, refunded_cents, refunded_points, refunded_growth, redeemed_points, redeem_returned, business_date FROM orders WHERE store_id = ? AND order_no = ?${forUpdate(q.dialect)}`,
    [storeId, orderNo],
  );
}

/** Adds to the refunded amount unless that would pass the order amount; 1 when added. */
export async function addRefundedCents(q: Q, orderId: number, cents: number, now: Date): Promise<number> {
  return q.exec(
    'UPDATE orders SET refunded_cents = refunded_cents + ?, updated_at = ? WHERE id = ? AND refunded_cents + ? <= amount_cents',
    [cents, now.getTime(), orderId, cents],
  );
}

/** What a refund took back (points, growth) and gave back (redeemed points), added to the order's totals. */
export async function addClawedBack(
  q: Q,
  orderId: number,
  points: number,
  growth: number,
  redeemReturned = 0,
): Promise<void> {
  await q.exec(
    'UPDATE orders SET refunded_points = refunded_points + ?, refunded_growth = refunded_growth + ?, redeem_returned = redeem_returned + ? WHERE id = ?',
    [points, growth, redeemReturned, orderId],
  );
}

export async function refundClaim(
  q: Q,
  storeId: number,
  key: string,
): Promise<{ input_hash: string; result_json: string | null } | undefined> {
  return q.one<{ input_hash: string; result_json: string | null }>(
    'SELECT input_hash, result_json FROM refunds WHERE store_id = ? AND idem_key = ?',
    [storeId, key],
  );
}

export interface NewRefund {
  orderId: number;
  storeId: number;
  key: string;
  amountCents: number;
  points: number;
  growth: number;
  staffId: number;
  inputHash: string;
  /** Redeemed points given back, and claw-back taken from points still pending. */
  redeemReturned?: number;
  pendingCancelled?: number;
}

/** Claims (store, key) by its unique key; throws the driver's duplicate-key error when taken. Returns the refund id. */
export async function insertRefund(q: Q, r: NewRefund, now: Date): Promise<number> {
  return q.insert(
    'INSERT INTO refunds (order_id, store_id, idem_key, amount_cents, points, growth, staff_id, input_hash, redeem_returned, pending_cancelled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      r.orderId,
      r.storeId,
      r.key,
      r.amountCents,
      r.points,
      r.growth,
      r.staffId,
      r.inputHash,
      r.redeemReturned ?? 0,
      r.pendingCancelled ?? 0,
      now.getTime(),
    ],
  );
}

export async function setRefundResult(q: Q, refundId: number, resultJson: string): Promise<void> {
  await q.exec('UPDATE refunds SET result_json = ? WHERE id = ?', [resultJson, refundId]);
}

/** Whether the member has an order that was not refunded in full (a kept purchase). */
export async function hasKeptOrder(q: Q, memberId: number): Promise<boolean> {
  return !!(await q.one('SELECT id FROM orders WHERE member_id = ? AND refunded_cents < amount_cents', [memberId]));
}

/** How many orders the member has, counting at most `upTo` (whether an order is the member's first). */
export async function ordersOfMemberUpTo(q: Q, memberId: number, upTo: number): Promise<number> {
  const rows = await q.all(`SELECT id FROM orders WHERE member_id = ? LIMIT ${Math.floor(upTo)}`, [memberId]);
  return rows.length;
}

/** The member's orders as stored, for a personal data export. */
export async function exportOrders(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all<Record<string, unknown>>(
    'SELECT store_id, order_no, amount_cents, points, growth, refunded_cents, created_at FROM orders WHERE member_id = ? ORDER BY id',
    [memberId],
  );
}

export interface PurchaseHistory {
  lastAt: number;
  orders: number;
  netCents: number;
}

/** Kept orders since `sinceMs` of members with ids in [first, last], by member (RFM segments). */
export async function purchaseHistory(
  q: Q,
  first: number,
  last: number,
  sinceMs: number,
): Promise<Map<number, PurchaseHistory>> {
  const rows = await q.all<{ member_id: number; last_at: number; orders: number; net: number }>(
    `SELECT member_id, MAX(created_at) AS last_at, COUNT(*) AS orders, COALESCE(SUM(amount_cents - refunded_cents), 0) AS net
             FROM orders WHERE member_id BETWEEN ? AND ? AND created_at >= ? AND refunded_cents < amount_cents GROUP BY member_id`,
    [first, last, sinceMs],
  );
  return new Map(
    rows.map((r) => [
      Number(r.member_id),
      { lastAt: Number(r.last_at), orders: Number(r.orders), netCents: Number(r.net) },
    ]),
  );
}

/** Which of these members ordered at or after `sinceMs` (churn: no purchase lately). */
export async function membersWithOrdersSince(q: Q, memberIds: number[], sinceMs: number): Promise<Set<number>> {
  if (!memberIds.length) return new Set();
  const rows = await q.all<{ member_id: number }>(
    `SELECT DISTINCT member_id FROM orders WHERE member_id IN (${placeholders(memberIds.length)}) AND created_at >= ?`,
    [...memberIds, sinceMs],
  );
  return new Set(rows.map((r) => Number(r.member_id)));
}

export interface SalesTotals {
  orders: number;
  amountCents: number;
  refundedCents: number;
  buyers: number;
  /** Members with at least two orders in the range. */
  repeatBuyers: number;
}

/** Sales of orders made in [startMs, endMs), of one store or all (dashboard). */
export async function salesTotals(q: Q, startMs: number, endMs: number, storeId: number | null): Promise<SalesTotals> {
  const storeSql = storeId === null ? '' : ' AND store_id = ?';
  const params = [startMs, endMs, ...(storeId === null ? [] : [storeId])];
  const row = await q.one<{ orders: number; amount: number; refunded: number; buyers: number }>(
    `SELECT COUNT(*) AS orders, COALESCE(SUM(amount_cents), 0) AS amount, COALESCE(SUM(refunded_cents), 0) AS refunded, COUNT(DISTINCT member_id) AS buyers
         FROM orders WHERE created_at >= ? AND created_at < ?${storeSql}`,
    params,
  );
  const repeat = await q.one<{ n: number }>(
    `SELECT COUNT(*) AS n FROM (SELECT member_id FROM orders WHERE created_at >= ? AND created_at < ?${storeSql} GROUP BY member_id HAVING COUNT(*) >= 2) r`,
    params,
  );
  return {
    orders: Number(row?.orders ?? 0),
    amountCents: Number(row?.amount ?? 0),
    refundedCents: Number(row?.refunded ?? 0),
    buyers: Number(row?.buyers ?? 0),
    repeatBuyers: Number(repeat?.n ?? 0),
  };
}

export interface StoreSales {
  orders: number;
  amountCents: number;
  buyers: number;
  points: number;
}

/** Sales per store id of orders made in [startMs, endMs); stores without orders are absent (dashboard). */
export async function salesByStore(
  q: Q,
  startMs: number,
  endMs: number,
  storeId: number | null,
): Promise<Map<number, StoreSales>> {
  const rows = await q.all<{ store_id: number; orders: number; amount: number; buyers: number; points: number }>(
    `SELECT store_id, COUNT(*) AS orders, COALESCE(SUM(amount_cents), 0) AS amount, COUNT(DISTINCT member_id) AS buyers, COALESCE(SUM(points), 0) AS points
         FROM orders WHERE created_at >= ? AND created_at < ?${storeId === null ? '' : ' AND store_id = ?'} GROUP BY store_id`,
    [startMs, endMs, ...(storeId === null ? [] : [storeId])],
  );
  return new Map(
    rows.map((r) => [
      Number(r.store_id),
      { orders: Number(r.orders), amountCents: Number(r.amount), buyers: Number(r.buyers), points: Number(r.points) },
    ]),
  );
}
