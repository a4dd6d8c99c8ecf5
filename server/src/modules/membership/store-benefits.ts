import type { Q } from '../../db/database';
import { forUpdate, insertIgnore, onConflictAdd } from '../../db/dialect';

/**
 * The only SQL on membership_bonus (extra points a plan gave, one row per order),
 * membership_caps (the yearly cap counter) and membership_refunds, plus the
 * membership figures for the dashboard and reconcile.
 */

export interface RefundRow {
  id: number;
  period_id: number;
  member_id: number;
  request_key: string;
  out_trade_no: string;
  amount_fen: number;
  used_value_fen: number;
  cut_ms: number;
  status: 'requested' | 'done' | 'failed';
  vouchers_cancelled: number;
  points_clawed: number;
  /** Refunds WeChat Pay closed before this one was asked (each attempt has its own key). */
  attempts: number;
  reason: string;
  staff_id: number;
  created_at: number;
  done_at: number | null;
}

// ---- yearly cap -------------------------------------------------------------

/**
 * Takes up to `want` points of a member's yearly cap under the counter row's lock
 * and returns what was taken (0 when the cap is spent). The counter only grows
 * by a guarded `points + n <= cap` update, so concurrent checkouts never pass it.
 */
export async function takeFromCapIn(q: Q, memberId: number, year: string, want: number, cap: number): Promise<number> {
  if (want <= 0) return 0;
  // Adding 0 by upsert takes the counter row's exclusive lock at once (insert-ignore-then-lock deadlocks).
  await q.exec(
    `INSERT INTO membership_caps (member_id, year, points) VALUES (?, ?, 0)${onConflictAdd(q.dialect, ['member_id', 'year'], 'points')}`,
    [memberId, year],
  );
  if (cap <= 0) {
    await q.exec('UPDATE membership_caps SET points = points + ? WHERE member_id = ? AND year = ?', [
      want,
      memberId,
      year,
    ]);
    return want;
  }
  const row = await q.one<{ points: number }>(
    `SELECT points FROM membership_caps WHERE member_id = ? AND year = ?${forUpdate(q.dialect)}`,
    [memberId, year],
  );
  const take = Math.max(0, Math.min(want, cap - Number(row?.points ?? 0)));
  if (take <= 0) return 0;
  const n = await q.exec(
    'UPDATE membership_caps SET points = points + ? WHERE member_id = ? AND year = ? AND points + ? <= ?',
    [take, memberId, year, take, cap],
  );
  return n === 1 ? take : 0;
}

export async function capUsedIn(q: Q, memberId: number, year: string): Promise<number> {
  const r = await q.one<{ points: number }>('SELECT points FROM membership_caps WHERE member_id = ? AND year = ?', [
    memberId,
    year,
  ]);
  return Number(r?.points ?? 0);
}

// ---- bonus ------------------------------------------------------------------

/** Records a checkout's extra points once per order key: 1 when written. */
export async function insertBonusIn(
  q: Q,
  b: { memberId: number; planId: number; orderKey: string; kind: string; points: number; year: string },
  now: number,
): Promise<number> {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO membership_bonus (member_id, plan_id, order_key, kind, points, year, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [b.memberId, b.planId, b.orderKey, b.kind, b.points, b.year, now],
  );
}

/** The extra points one order gave, if any. */
export async function bonusOfOrderIn(q: Q, orderKey: string) {
  return q.one<{ member_id: number; points: number; year: string }>(
    'SELECT member_id, points, year FROM membership_bonus WHERE order_key = ?',
    [orderKey],
  );
}

/** Gives `n` points of a year's cap back (never below 0). */
export async function giveBackCapIn(q: Q, memberId: number, year: string, n: number): Promise<void> {
  if (n <= 0) return;
  await q.exec('UPDATE membership_caps SET points = points - ? WHERE member_id = ? AND year = ? AND points >= ?', [
    n,
    memberId,
    year,
    n,
  ]);
}

/** Extra points a member got in [from, to). */
export async function bonusBetweenIn(q: Q, memberId: number, from: number, to: number): Promise<number> {
  const r = await q.one<{ n: number }>(
    'SELECT COALESCE(SUM(points), 0) AS n FROM membership_bonus WHERE member_id = ? AND created_at >= ? AND created_at < ?',
    [memberId, from, to],
  );
  return Number(r?.n ?? 0);
}

export async function bonusOfYearIn(q: Q, memberId: number, year: string): Promise<number> {
  const r = await q.one<{ n: number }>(
    'SELECT COALESCE(SUM(points), 0) AS n FROM membership_bonus WHERE member_id = ? AND year = ?',
    [memberId, year],
  );
  return Number(r?.n ?? 0);
}

// ---- refunds ----------------------------------------------------------------

export async function refundByKeyIn(q: Q, requestKey: string): Promise<RefundRow | undefined> {
  return q.one<RefundRow>('SELECT * FROM membership_refunds WHERE request_key = ?', [requestKey]);
}

export async function refundIn(q: Q, id: number): Promise<RefundRow | undefined> {
  return q.one<RefundRow>('SELECT * FROM membership_refunds WHERE id = ?', [id]);
}

/** What a refund did, recorded after its effects (the row is already flipped to done by this unit of work). */
export async function setRefundCountsIn(q: Q, id: number, vouchers: number, points: number): Promise<void> {
  await q.exec('UPDATE membership_refunds SET vouchers_cancelled = ?, points_clawed = ? WHERE id = ?', [
    vouchers,
    points,
    id,
  ]);
}

export async function refundOfPeriodIn(q: Q, periodId: number): Promise<RefundRow | undefined> {
  return q.one<RefundRow>('SELECT * FROM membership_refunds WHERE period_id = ?', [periodId]);
}

/** The refund waiting for the payment's refund to succeed, for a paid order. */
export async function requestedRefundOfOrderIn(q: Q, outTradeNo: string): Promise<RefundRow | undefined> {
  return q.one<RefundRow>("SELECT * FROM membership_refunds WHERE out_trade_no = ? AND status = 'requested'", [
    outTradeNo,
  ]);
}

/** One refund per period (unique): 1 when written, 0 when the period already has one. */
export async function insertRefundIn(
  q: Q,
  r: Omit<RefundRow, 'id' | 'status' | 'done_at' | 'vouchers_cancelled' | 'points_clawed' | 'attempts'>,
) {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO membership_refunds (period_id, member_id, request_key, out_trade_no, amount_fen, used_value_fen, cut_ms, status, vouchers_cancelled, points_clawed, reason, staff_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', 0, 0, ?, ?, ?)`,
    [
      r.period_id,
      r.member_id,
      r.request_key,
      r.out_trade_no,
      r.amount_fen,
      r.used_value_fen,
      r.cut_ms,
      r.reason,
      r.staff_id,
      r.created_at,
    ],
  );
}

/** One more attempt at WeChat Pay, once per closed attempt (guarded on the count seen): 1 for the caller that moved it. */
export async function nextAttemptIn(q: Q, id: number, seen: number): Promise<number> {
  return q.exec(
    "UPDATE membership_refunds SET attempts = attempts + 1 WHERE id = ? AND attempts = ? AND status = 'requested'",
    [id, seen],
  );
}

/** requested -> done (or failed) once: 1 for the caller that moved it. */
export async function finishRefundIn(
  q: Q,
  id: number,
  status: 'done' | 'failed',
  f: { vouchers: number; points: number },
  now: number,
): Promise<number> {
  return q.exec(
    "UPDATE membership_refunds SET status = ?, vouchers_cancelled = ?, points_clawed = ?, done_at = ? WHERE id = ? AND status = 'requested'",
    [status, f.vouchers, f.points, now, id],
  );
}

// ---- figures ----------------------------------------------------------------

/** Members paid up to after `now` (the figure and the metrics gauge). */
export async function paidMembersIn(q: Q, now: number): Promise<number> {
  const r = await q.one<{ n: number }>(
    "SELECT COUNT(*) AS n FROM member_subscriptions WHERE status = 'active' AND ends_at > ?",
    [now],
  );
  return Number(r?.n ?? 0);
}

export async function membershipFiguresIn(q: Q, now: number) {
  const one = async (sql: string, args: unknown[] = []) => Number((await q.one<{ n: number }>(sql, args))?.n ?? 0);
  return {
    paidMembers: await paidMembersIn(q, now),
    paidFen: await one('SELECT COALESCE(SUM(amount_fen), 0) AS n FROM subscription_periods'),
    periods: await one('SELECT COUNT(*) AS n FROM subscription_periods'),
    renewals: await one('SELECT COUNT(*) AS n FROM subscription_periods WHERE renewal = 1'),
    // Subscriptions that came to an end without a renewal: lapsed (expired) ones.
    lapsed: await one("SELECT COUNT(*) AS n FROM member_subscriptions WHERE status = 'expired' AND periods > 0"),
    refundedFen: await one("SELECT COALESCE(SUM(amount_fen), 0) AS n FROM membership_refunds WHERE status = 'done'"),
    bonusPoints: await one('SELECT COALESCE(SUM(points), 0) AS n FROM membership_bonus'),
    // The cap counters grow by each order's extra points and shrink by its refunds' share (returnCapIn), in
    // the same units of work, with or without a cap: their sum is what purchases kept.
    bonusKept: await one('SELECT COALESCE(SUM(points), 0) AS n FROM membership_caps'),
  };
}

/** Active subscriptions with no period reaching their end (reconcile: no membership without a paid order). */
export async function activeWithoutPeriodIn(q: Q, limit: number) {
  return q.all<{ member_id: number; ends_at: number }>(
    `SELECT s.member_id, s.ends_at FROM member_subscriptions s WHERE s.status = 'active'
     AND NOT EXISTS (SELECT 1 FROM subscription_periods p WHERE p.member_id = s.member_id AND p.ends_at >= s.ends_at)
     ORDER BY s.member_id LIMIT ${Math.floor(limit)}`,
  );
}
