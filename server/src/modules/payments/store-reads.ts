import type { Q } from '../../db/database';
import type { OrderRow, RefundDbRow } from './store';

/**
 * The operator's reads of pay_orders / pay_refunds (pages, revenue) and the
 * reconcile checks. Pages are newest first by id, `limit` + 1 rows to tell if more follow.
 */

const where = (filters: [string, unknown][]) => {
  const used = filters.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return { sql: used.length ? ` WHERE ${used.map(([c]) => c).join(' AND ')}` : '', args: used.map(([, v]) => v) };
};

export async function ordersPageIn(
  q: Q,
  f: {
    state?: string;
    purpose?: string;
    memberId?: number;
    from?: number;
    to?: number;
    beforeId?: number;
    limit: number;
  },
): Promise<OrderRow[]> {
  const w = where([
    ['state = ?', f.state],
    ['purpose = ?', f.purpose],
    ['member_id = ?', f.memberId],
    ['created_at >= ?', f.from],
    ['created_at < ?', f.to],
    ['id < ?', f.beforeId],
  ]);
  return q.all<OrderRow>(`SELECT * FROM pay_orders${w.sql} ORDER BY id DESC LIMIT ${Math.floor(f.limit) + 1}`, w.args);
}

export async function refundsPageIn(
  q: Q,
  f: { state?: string; outTradeNo?: string; beforeId?: number; limit: number },
): Promise<(RefundDbRow & { member_id: number })[]> {
  const w = where([
    ['r.state = ?', f.state],
    ['r.out_trade_no = ?', f.outTradeNo],
    ['r.id < ?', f.beforeId],
  ]);
  return q.all(
    `SELECT r.*, o.member_id FROM pay_refunds r JOIN pay_orders o ON o.out_trade_no = r.out_trade_no${w.sql} ORDER BY r.id DESC LIMIT ${Math.floor(f.limit) + 1}`,
    w.args,
  );
}

/** Money in (orders paid in [from, to)) and out (refunds that succeeded in [from, to)), by purpose. */
export async function revenueIn(q: Q, from: number, to: number) {
  const paid = await q.all<{ purpose: string; n: number; fen: number }>(
    'SELECT purpose, COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS fen FROM pay_orders WHERE paid_at >= ? AND paid_at < ? GROUP BY purpose',
    [from, to],
  );
  const refunded = await q.all<{ purpose: string; n: number; fen: number }>(
    `SELECT o.purpose, COUNT(*) AS n, COALESCE(SUM(r.amount_fen), 0) AS fen FROM pay_refunds r
     JOIN pay_orders o ON o.out_trade_no = r.out_trade_no
     WHERE r.state = 'SUCCESS' AND r.finished_at >= ? AND r.finished_at < ? GROUP BY o.purpose`,
    [from, to],
  );
  return { paid, refunded };
}

/**
 * Orders whose amounts disagree with their refunds: refunded_fen must be the sum
 * of SUCCESS refunds, refund_reserved_fen the sum of refunds not CLOSED, and
 * refunded <= reserved <= amount.
 */
export async function refundMismatchesIn(q: Q, limit: number) {
  return q.all<Record<string, unknown>>(
    `SELECT o.out_trade_no, o.amount_fen, o.refunded_fen, o.refund_reserved_fen,
       COALESCE(SUM(CASE WHEN r.state = 'SUCCESS' THEN r.amount_fen ELSE 0 END), 0) AS succeeded,
       COALESCE(SUM(CASE WHEN r.state <> 'CLOSED' THEN r.amount_fen ELSE 0 END), 0) AS held
     FROM pay_orders o LEFT JOIN pay_refunds r ON r.out_trade_no = o.out_trade_no
     GROUP BY o.out_trade_no, o.amount_fen, o.refunded_fen, o.refund_reserved_fen
     HAVING o.refunded_fen <> COALESCE(SUM(CASE WHEN r.state = 'SUCCESS' THEN r.amount_fen ELSE 0 END), 0)
       OR o.refund_reserved_fen <> COALESCE(SUM(CASE WHEN r.state <> 'CLOSED' THEN r.amount_fen ELSE 0 END), 0)
       OR o.refunded_fen > o.refund_reserved_fen OR o.refund_reserved_fen > o.amount_fen
     LIMIT ${Math.floor(limit)}`,
  );
}

/** Orders whose state is not the last event's (a change without its event row), or with no event at all. */
export async function ordersOffHistoryIn(q: Q, limit: number) {
  return q.all<Record<string, unknown>>(
    `SELECT o.out_trade_no, o.state, e.to_state AS last_event FROM pay_orders o
     LEFT JOIN pay_order_events e ON e.id = (SELECT MAX(e2.id) FROM pay_order_events e2 WHERE e2.out_trade_no = o.out_trade_no)
     WHERE e.to_state IS NULL OR e.to_state <> o.state
     LIMIT ${Math.floor(limit)}`,
  );
}

/** Paid-and-after orders whose state does not follow from their amounts (see settle.stateAfter). */
export async function statesOffAmountsIn(q: Q, limit: number) {
  return q.all<Record<string, unknown>>(
    `SELECT out_trade_no, state, amount_fen, refunded_fen, refund_reserved_fen FROM pay_orders
     WHERE state IN ('PAID', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED') AND state <> CASE
       WHEN refunded_fen >= amount_fen THEN 'REFUNDED'
       WHEN refund_reserved_fen > refunded_fen THEN 'REFUNDING'
       WHEN refunded_fen > 0 THEN 'PARTIALLY_REFUNDED'
       ELSE 'PAID' END
     LIMIT ${Math.floor(limit)}`,
  );
}

/**
 * A member's orders and refunds for their data export: amounts, states and times.
 * Not the openid, prepay, WeChat's transaction and refund ids or the idempotency
 * keys: they are payment credentials or WeChat's references, not the member's data.
 */
export async function paymentsForExportIn(q: Q, memberId: number) {
  const orders = await q.all<Record<string, unknown>>(
    `SELECT out_trade_no, purpose, description, amount_fen, refunded_fen, state, created_at, paid_at, closed_at
     FROM pay_orders WHERE member_id = ? ORDER BY id`,
    [memberId],
  );
  const refunds = await q.all<Record<string, unknown>>(
    `SELECT r.out_refund_no, r.out_trade_no, r.amount_fen, r.state, r.reason, r.created_at, r.finished_at
     FROM pay_refunds r JOIN pay_orders o ON o.out_trade_no = r.out_trade_no WHERE o.member_id = ? ORDER BY r.id`,
    [memberId],
  );
  return { orders, refunds };
}

/**
 * A closed account's payer id goes; the orders stay (money records, and WeChat Pay
 * is queried, closed and refunded by order number, never by openid).
 */
export function forgetPayerIn(q: Q, memberId: number): Promise<number> {
  return q.exec("UPDATE pay_orders SET openid = '' WHERE member_id = ? AND openid <> ''", [memberId]);
}
