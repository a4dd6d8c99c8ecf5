import { placeholders, type Q } from '../../db/database';
import { forUpdate, insertIgnore } from '../../db/dialect';
import type { PayEventSource, PayOrderState, RefundState } from './types';

/**
 * All SQL on pay_orders, pay_order_events and pay_refunds. Every function takes
 * the caller's unit of work first. Rows are made by INSERT IGNORE on their unique
 * keys (never "check then insert"); states move by compare-and-set updates whose
 * affected rows say who moved them; amounts move by `x = x + ?` guarded in SQL.
 */

export interface OrderRow {
  id: number;
  out_trade_no: string;
  member_id: number;
  idem_key: string;
  input_hash: string;
  purpose: string;
  purpose_ref: string;
  description: string;
  openid: string;
  amount_fen: number;
  state: PayOrderState;
  refunded_fen: number;
  refund_reserved_fen: number;
  prepay_id: string | null;
  transaction_id: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  paid_at: number | null;
  closed_at: number | null;
}

export interface RefundDbRow {
  id: number;
  out_refund_no: string;
  out_trade_no: string;
  idem_key: string;
  amount_fen: number;
  reason: string;
  state: RefundState;
  refund_id: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface NewOrder {
  outTradeNo: string;
  memberId: number;
  idemKey: string;
  inputHash: string;
  purpose: string;
  purposeRef: string;
  description: string;
  openid: string;
  amountFen: number;
  expiresAt: number;
}

/** Writes a CREATED order unless the member's key (or the out_trade_no) exists; true when written. */
export async function insertOrderIn(q: Q, o: NewOrder, now: number): Promise<boolean> {
  const n = await q.exec(
    `${insertIgnore(q.dialect)} INTO pay_orders (out_trade_no, member_id, idem_key, input_hash, purpose, purpose_ref, description, openid, amount_fen, state, created_at, updated_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'CREATED', ?, ?, ?)`,
    [
      o.outTradeNo,
      o.memberId,
      o.idemKey,
      o.inputHash,
      o.purpose,
      o.purposeRef,
      o.description,
      o.openid,
      o.amountFen,
      now,
      now,
      o.expiresAt,
    ],
  );
  return n === 1;
}

export async function orderByKeyIn(q: Q, memberId: number, idemKey: string): Promise<OrderRow | undefined> {
  return q.one<OrderRow>('SELECT * FROM pay_orders WHERE member_id = ? AND idem_key = ?', [memberId, idemKey]);
}

export async function orderIn(q: Q, outTradeNo: string, lock = false): Promise<OrderRow | undefined> {
  return q.one<OrderRow>(`SELECT * FROM pay_orders WHERE out_trade_no = ?${lock ? forUpdate(q.dialect) : ''}`, [
    outTradeNo,
  ]);
}

export async function setPrepayIn(q: Q, outTradeNo: string, prepayId: string, now: number): Promise<void> {
  await q.exec('UPDATE pay_orders SET prepay_id = ?, updated_at = ? WHERE out_trade_no = ? AND prepay_id IS NULL', [
    prepayId,
    now,
    outTradeNo,
  ]);
}

/** CREATED (or CLOSED: WeChat took the money after all) -> PAID, once; true for the one caller that moved it. */
export async function markPaidIn(
  q: Q,
  outTradeNo: string,
  from: PayOrderState,
  transactionId: string,
  paidAt: number,
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    "UPDATE pay_orders SET state = 'PAID', transaction_id = ?, paid_at = ?, updated_at = ? WHERE out_trade_no = ? AND state = ?",
    [transactionId, paidAt, now, outTradeNo, from],
  );
  return n === 1;
}

export async function markClosedIn(q: Q, outTradeNo: string, now: number): Promise<boolean> {
  const n = await q.exec(
    "UPDATE pay_orders SET state = 'CLOSED', closed_at = ?, updated_at = ? WHERE out_trade_no = ? AND state = 'CREATED'",
    [now, now, outTradeNo],
  );
  return n === 1;
}

/**
 * Sets a refund's amount aside on its order: only while the order is paid and
 * only if everything set aside stays within what was paid (guarded in SQL).
 */
export async function reserveRefundIn(
  q: Q,
  outTradeNo: string,
  amountFen: number,
  state: PayOrderState,
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `UPDATE pay_orders SET state = ?, refund_reserved_fen = refund_reserved_fen + ?, updated_at = ?
     WHERE out_trade_no = ? AND state IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDING') AND refund_reserved_fen + ? <= amount_fen`,
    [state, amountFen, now, outTradeNo, amountFen],
  );
  return n === 1;
}

/** A refund reached SUCCESS: its amount moves from set aside to refunded (never past what was set aside). */
export async function addRefundedIn(
  q: Q,
  outTradeNo: string,
  amountFen: number,
  state: PayOrderState,
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `UPDATE pay_orders SET state = ?, refunded_fen = refunded_fen + ?, updated_at = ?
     WHERE out_trade_no = ? AND refunded_fen + ? <= refund_reserved_fen`,
    [state, amountFen, now, outTradeNo, amountFen],
  );
  return n === 1;
}

/** A refund was CLOSED: its amount is no longer set aside. */
export async function releaseReservedIn(
  q: Q,
  outTradeNo: string,
  amountFen: number,
  state: PayOrderState,
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `UPDATE pay_orders SET state = ?, refund_reserved_fen = refund_reserved_fen - ?, updated_at = ?
     WHERE out_trade_no = ? AND refund_reserved_fen - ? >= refunded_fen`,
    [state, amountFen, now, outTradeNo, amountFen],
  );
  return n === 1;
}

export async function insertEventIn(
  q: Q,
  outTradeNo: string,
  from: PayOrderState | null,
  to: PayOrderState,
  source: PayEventSource,
  detail: string | null,
  now: number,
): Promise<void> {
  await q.exec(
    'INSERT INTO pay_order_events (out_trade_no, from_state, to_state, source, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [outTradeNo, from, to, source, detail, now],
  );
}

export async function eventsOfIn(q: Q, outTradeNo: string) {
  return q.all<{
    from_state: string | null;
    to_state: string;
    source: string;
    detail: string | null;
    created_at: number;
  }>(
    'SELECT from_state, to_state, source, detail, created_at FROM pay_order_events WHERE out_trade_no = ? ORDER BY id',
    [outTradeNo],
  );
}

/** CREATED orders made, and last asked about, before `before`, oldest first (the sweep's sync and close). */
export async function createdBeforeIn(q: Q, before: number, limit: number): Promise<OrderRow[]> {
  return q.all<OrderRow>(
    `SELECT * FROM pay_orders WHERE state = 'CREATED' AND created_at < ? AND updated_at < ? ORDER BY state, created_at LIMIT ${Math.floor(limit)}`,
    [before, before],
  );
}

/** Notes that WeChat was asked about an order or refund just now (the sweep waits a minute before asking again). */
export async function touchOrderIn(q: Q, outTradeNo: string, now: number): Promise<void> {
  await q.exec("UPDATE pay_orders SET updated_at = ? WHERE out_trade_no = ? AND state = 'CREATED'", [now, outTradeNo]);
}

export async function touchRefundIn(q: Q, outRefundNo: string, now: number): Promise<void> {
  await q.exec("UPDATE pay_refunds SET updated_at = ? WHERE out_refund_no = ? AND state IN ('NEW', 'PROCESSING')", [
    now,
    outRefundNo,
  ]);
}

// ---- refunds -------------------------------------------------------------

export async function insertRefundIn(
  q: Q,
  r: { outRefundNo: string; outTradeNo: string; idemKey: string; amountFen: number; reason: string },
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `${insertIgnore(q.dialect)} INTO pay_refunds (out_refund_no, out_trade_no, idem_key, amount_fen, reason, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'NEW', ?, ?)`,
    [r.outRefundNo, r.outTradeNo, r.idemKey, r.amountFen, r.reason, now, now],
  );
  return n === 1;
}

export async function refundByKeyIn(q: Q, outTradeNo: string, idemKey: string): Promise<RefundDbRow | undefined> {
  return q.one<RefundDbRow>('SELECT * FROM pay_refunds WHERE out_trade_no = ? AND idem_key = ?', [outTradeNo, idemKey]);
}

export async function refundIn(q: Q, outRefundNo: string): Promise<RefundDbRow | undefined> {
  return q.one<RefundDbRow>('SELECT * FROM pay_refunds WHERE out_refund_no = ?', [outRefundNo]);
}

/** Moves a refund from one of `from` to `to`, once; true for the caller that moved it. */
export async function moveRefundIn(
  q: Q,
  outRefundNo: string,
  from: readonly string[],
  to: RefundState,
  refundId: string | null,
  finishedAt: number | null,
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `UPDATE pay_refunds SET state = ?, refund_id = COALESCE(?, refund_id), finished_at = ?, updated_at = ?
     WHERE out_refund_no = ? AND state IN (${placeholders(from.length)})`,
    [to, refundId, finishedAt, now, outRefundNo, ...from],
  );
  return n === 1;
}

/** Refunds not final (NEW: WeChat not reached yet; PROCESSING), made before `before` (the sweep asks again). */
export async function openRefundsBeforeIn(q: Q, before: number, limit: number): Promise<RefundDbRow[]> {
  return q.all<RefundDbRow>(
    `SELECT * FROM pay_refunds WHERE state IN ('NEW', 'PROCESSING') AND created_at < ? AND updated_at < ? ORDER BY state, created_at LIMIT ${Math.floor(limit)}`,
    [before, before],
  );
}

export async function refundsOfOrderIn(q: Q, outTradeNo: string): Promise<RefundDbRow[]> {
  return q.all<RefundDbRow>('SELECT * FROM pay_refunds WHERE out_trade_no = ? ORDER BY id', [outTradeNo]);
}
