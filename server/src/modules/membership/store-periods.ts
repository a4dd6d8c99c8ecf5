import type { Q } from '../../db/database';
import { insertIgnore } from '../../db/dialect';
import type { PlanRow } from './store';

/**
 * The only SQL on subscription_periods (append-only, one per paid order by its
 * unique order number) and membership_purchases (a purchase started, its price and
 * period frozen, idempotent on the member's key).
 */

export interface PeriodRow {
  id: number;
  member_id: number;
  plan_id: number;
  purchase_id: number;
  out_trade_no: string;
  amount_fen: number;
  starts_at: number;
  ends_at: number;
  renewal: number;
  created_at: number;
}

export interface PurchaseRow {
  id: number;
  member_id: number;
  plan_id: number;
  price_fen: number;
  period: PlanRow['period'];
  request_key: string;
  out_trade_no: string | null;
  created_at: number;
}

// ---- purchases --------------------------------------------------------------

/** Writes the purchase unless (member, key) exists; returns the row for the key either way. */
export async function claimPurchaseIn(
  q: Q,
  p: Omit<PurchaseRow, 'id' | 'out_trade_no' | 'created_at'>,
  now: number,
): Promise<PurchaseRow> {
  await q.exec(
    `${insertIgnore(q.dialect)} INTO membership_purchases (member_id, plan_id, price_fen, period, request_key, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [p.member_id, p.plan_id, p.price_fen, p.period, p.request_key, now],
  );
  return (await q.one<PurchaseRow>('SELECT * FROM membership_purchases WHERE member_id = ? AND request_key = ?', [
    p.member_id,
    p.request_key,
  ]))!;
}

export async function purchaseIn(q: Q, id: number): Promise<PurchaseRow | undefined> {
  return q.one<PurchaseRow>('SELECT * FROM membership_purchases WHERE id = ?', [id]);
}

/** Records the payment order of a purchase once (a retry that made the same order writes nothing new). */
export async function setPurchaseTradeNoIn(q: Q, id: number, outTradeNo: string): Promise<void> {
  await q.exec('UPDATE membership_purchases SET out_trade_no = ? WHERE id = ? AND out_trade_no IS NULL', [
    outTradeNo,
    id,
  ]);
}

export async function purchaseByTradeNoIn(q: Q, memberId: number, outTradeNo: string) {
  return q.one<PurchaseRow>('SELECT * FROM membership_purchases WHERE member_id = ? AND out_trade_no = ?', [
    memberId,
    outTradeNo,
  ]);
}

// ---- periods ----------------------------------------------------------------

/** One period per paid order (unique out_trade_no): 1 when written, 0 when the order already added one. */
export async function insertPeriodIn(q: Q, p: Omit<PeriodRow, 'id' | 'created_at'>, now: number): Promise<number> {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO subscription_periods (member_id, plan_id, purchase_id, out_trade_no, amount_fen, starts_at, ends_at, renewal, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.member_id, p.plan_id, p.purchase_id, p.out_trade_no, p.amount_fen, p.starts_at, p.ends_at, p.renewal, now],
  );
}

export async function periodByTradeNoIn(q: Q, outTradeNo: string): Promise<PeriodRow | undefined> {
  return q.one<PeriodRow>('SELECT * FROM subscription_periods WHERE out_trade_no = ?', [outTradeNo]);
}

export async function periodIn(q: Q, id: number): Promise<PeriodRow | undefined> {
  return q.one<PeriodRow>('SELECT * FROM subscription_periods WHERE id = ?', [id]);
}

/** The member's last-ending period with no refund: the one a refund takes back. */
export async function refundablePeriodIn(q: Q, memberId: number): Promise<PeriodRow | undefined> {
  return q.one<PeriodRow>(
    'SELECT * FROM subscription_periods p WHERE p.member_id = ? AND NOT EXISTS (SELECT 1 FROM membership_refunds r WHERE r.period_id = p.id) ORDER BY p.ends_at DESC, p.id DESC LIMIT 1',
    [memberId],
  );
}

export async function periodsAfterIn(q: Q, after: number, limit: number): Promise<PeriodRow[]> {
  return q.all<PeriodRow>(`SELECT * FROM subscription_periods WHERE id > ? ORDER BY id LIMIT ${Math.floor(limit)}`, [
    after,
  ]);
}

/** A member's paid membership for the data export: the subscription, every period and every refund (raw columns). */
export async function membershipForExportIn(q: Q, memberId: number) {
  const subscription = await q.one<Record<string, unknown>>(
    'SELECT plan_id, status, started_at, ends_at, auto_renew, periods, updated_at FROM member_subscriptions WHERE member_id = ?',
    [memberId],
  );
  const periods = await q.all<Record<string, unknown>>(
    'SELECT id, plan_id, out_trade_no, amount_fen, starts_at, ends_at, renewal, created_at FROM subscription_periods WHERE member_id = ? ORDER BY id',
    [memberId],
  );
  const refunds = await q.all<Record<string, unknown>>(
    'SELECT id, period_id, amount_fen, used_value_fen, status, vouchers_cancelled, points_clawed, reason, created_at, done_at FROM membership_refunds WHERE member_id = ? ORDER BY id',
    [memberId],
  );
  return { subscription: subscription ?? null, periods, refunds };
}
