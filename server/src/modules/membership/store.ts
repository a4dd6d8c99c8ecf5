import { placeholders, type Q } from '../../db/database';
import { forUpdate, onConflictSet } from '../../db/dialect';

export * from './store-periods';

/**
 * The only SQL on membership_plans and member_subscriptions (periods and purchases
 * in store-periods.ts; refunds, bonus and caps in store-benefits.ts). Every
 * function takes the caller's unit of work first. Periods are append-only and
 * unique per paid order; the subscription row is changed only under its lock.
 */

export interface PlanRow {
  id: number;
  code: string;
  title: string;
  price_fen: number;
  period: 'month' | 'quarter' | 'year';
  benefit_kind: 'multiplier' | 'cashback';
  benefit_percent: number;
  yearly_cap_points: number;
  pack_gift_rule_id: number | null;
  tier_floor: string | null;
  status: 'active' | 'inactive';
  created_at: number;
  updated_at: number;
}

export interface SubscriptionRow {
  member_id: number;
  plan_id: number;
  status: 'active' | 'expired' | 'refunded';
  started_at: number;
  ends_at: number;
  auto_renew: number;
  periods: number;
  updated_at: number;
}

// ---- plans ------------------------------------------------------------------

export async function plansIn(q: Q, onlyActive = false): Promise<PlanRow[]> {
  return q.all<PlanRow>(
    `SELECT * FROM membership_plans${onlyActive ? " WHERE status = 'active'" : ''} ORDER BY price_fen, id`,
  );
}

export async function planIn(q: Q, id: number): Promise<PlanRow | undefined> {
  return q.one<PlanRow>('SELECT * FROM membership_plans WHERE id = ?', [id]);
}

export async function planByCodeIn(q: Q, code: string): Promise<PlanRow | undefined> {
  return q.one<PlanRow>('SELECT * FROM membership_plans WHERE code = ?', [code]);
}

export type PlanFields = Omit<PlanRow, 'id' | 'created_at' | 'updated_at'>;

export async function insertPlanIn(q: Q, p: PlanFields, now: number): Promise<number> {
  return q.insert(
    `INSERT INTO membership_plans (code, title, price_fen, period, benefit_kind, benefit_percent, yearly_cap_points, pack_gift_rule_id, tier_floor, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      p.code,
      p.title,
      p.price_fen,
      p.period,
      p.benefit_kind,
      p.benefit_percent,
      p.yearly_cap_points,
      p.pack_gift_rule_id,
      p.tier_floor,
      p.status,
      now,
      now,
    ],
  );
}

/** The columns an operator may change (code and period are fixed: they name what members bought). */
const PATCHABLE = [
  'title',
  'price_fen',
  'benefit_kind',
  'benefit_percent',
  'yearly_cap_points',
  'pack_gift_rule_id',
  'tier_floor',
  'status',
] as const;
export type PlanPatch = Partial<Pick<PlanRow, (typeof PATCHABLE)[number]>>;

export async function updatePlanIn(q: Q, id: number, patch: PlanPatch, now: number): Promise<number> {
  const cols = PATCHABLE.filter((c) => patch[c] !== undefined);
  return q.exec(
    `UPDATE membership_plans SET ${[...cols.map((c) => `${c} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
    [...cols.map((c) => patch[c]), now, id],
  );
}

/** How many plans there are (on sale or not), and how many hold their members at a tier floor. */
export async function planCountsIn(q: Q): Promise<{ plans: number; floors: number }> {
  const r = await q.one<{ plans: number; floors: number | null }>(
    'SELECT COUNT(*) AS plans, SUM(CASE WHEN tier_floor IS NOT NULL THEN 1 ELSE 0 END) AS floors FROM membership_plans',
  );
  return { plans: Number(r?.plans ?? 0), floors: Number(r?.floors ?? 0) };
}

/** plan id -> subscriptions active now. */
export async function activeByPlanIn(q: Q, now: number): Promise<Map<number, number>> {
  const rows = await q.all<{ plan_id: number; n: number }>(
    "SELECT plan_id, COUNT(*) AS n FROM member_subscriptions WHERE status = 'active' AND ends_at > ? GROUP BY plan_id",
    [now],
  );
  return new Map(rows.map((r) => [Number(r.plan_id), Number(r.n)]));
}

// ---- subscriptions ----------------------------------------------------------

export async function subscriptionIn(q: Q, memberId: number, lock = false): Promise<SubscriptionRow | undefined> {
  return q.one<SubscriptionRow>(
    `SELECT * FROM member_subscriptions WHERE member_id = ?${lock ? forUpdate(q.dialect) : ''}`,
    [memberId],
  );
}

/**
 * The member's subscription row, created (expired, empty) if missing, and locked
 * for the rest of the unit of work. The upsert takes the row's exclusive lock at
 * once: "insert ignore, then lock" takes a shared lock first, and two deliveries
 * doing that together deadlock.
 */
export async function lockSubscriptionIn(q: Q, memberId: number, planId: number, now: number) {
  await q.exec(
    `INSERT INTO member_subscriptions (member_id, plan_id, status, started_at, ends_at, auto_renew, periods, updated_at) VALUES (?, ?, 'expired', ?, ?, 0, 0, ?)${onConflictSet(q.dialect, ['member_id'], ['updated_at'])}`,
    [memberId, planId, now, now, now],
  );
  return (await subscriptionIn(q, memberId, true))!;
}

/** Applies a paid period to the locked row: plan, start (kept on a renewal), end, one more period. */
export async function applyPeriodIn(
  q: Q,
  memberId: number,
  s: { planId: number; startedAt: number; endsAt: number },
  now: number,
) {
  await q.exec(
    "UPDATE member_subscriptions SET plan_id = ?, status = 'active', started_at = ?, ends_at = ?, periods = periods + 1, updated_at = ? WHERE member_id = ?",
    [s.planId, s.startedAt, s.endsAt, now, memberId],
  );
}

/**
 * Moves the end back by `cutMs` (a refund); ends the subscription as refunded when
 * nothing is left. The status is set from the old end on both engines.
 */
export async function cutSubscriptionIn(q: Q, memberId: number, cutMs: number, now: number): Promise<void> {
  await q.exec(
    "UPDATE member_subscriptions SET status = CASE WHEN ends_at - ? <= ? THEN 'refunded' ELSE status END, ends_at = ends_at - ?, updated_at = ? WHERE member_id = ?",
    [cutMs, now, cutMs, now, memberId],
  );
}

export async function setAutoRenewIn(q: Q, memberId: number, on: boolean, now: number): Promise<number> {
  return q.exec('UPDATE member_subscriptions SET auto_renew = ?, updated_at = ? WHERE member_id = ?', [
    on ? 1 : 0,
    now,
    memberId,
  ]);
}

/** The plan of a subscription paid up to after `now` (the benefits in force), or undefined. */
export async function paidPlanIn(q: Q, memberId: number, now: number) {
  return q.one<PlanRow & { ends_at: number; started_at: number }>(
    "SELECT p.*, s.started_at, s.ends_at FROM member_subscriptions s JOIN membership_plans p ON p.id = s.plan_id WHERE s.member_id = ? AND s.status = 'active' AND s.ends_at > ?",
    [memberId, now],
  );
}

/** member id -> tier floor of the plans paid up to after `now`, for several members (a check-in batch). */
export async function paidFloorsIn(q: Q, memberIds: number[], now: number): Promise<Map<number, string>> {
  if (!memberIds.length) return new Map();
  const rows = await q.all<{ member_id: number; tier_floor: string }>(
    `SELECT s.member_id, p.tier_floor FROM member_subscriptions s JOIN membership_plans p ON p.id = s.plan_id
     WHERE s.member_id IN (${placeholders(memberIds.length)}) AND s.status = 'active' AND s.ends_at > ? AND p.tier_floor IS NOT NULL`,
    [...memberIds, now],
  );
  return new Map(rows.map((r) => [Number(r.member_id), r.tier_floor]));
}

/** Active subscriptions whose end has passed, a chunk at a time, locked for the flip. */
export async function dueToExpireIn(q: Q, now: number, limit: number): Promise<SubscriptionRow[]> {
  return q.all<SubscriptionRow>(
    `SELECT * FROM member_subscriptions WHERE status = 'active' AND ends_at <= ? ORDER BY status, ends_at LIMIT ${Math.floor(limit)}${forUpdate(q.dialect)}`,
    [now],
  );
}

export async function markExpiredIn(q: Q, memberIds: number[], now: number): Promise<number> {
  if (!memberIds.length) return 0;
  return q.exec(
    `UPDATE member_subscriptions SET status = 'expired', updated_at = ? WHERE status = 'active' AND ends_at <= ? AND member_id IN (${placeholders(memberIds.length)})`,
    [now, now, ...memberIds],
  );
}

/** Members paid up now whose plan names a pack rule, by member id after `after` (the monthly pack job). */
export async function packMembersAfterIn(q: Q, after: number, now: number, limit: number) {
  return q.all<{ member_id: number; rule_id: number }>(
    `SELECT s.member_id, p.pack_gift_rule_id AS rule_id FROM member_subscriptions s JOIN membership_plans p ON p.id = s.plan_id
     WHERE s.member_id > ? AND s.status = 'active' AND s.ends_at > ? AND p.pack_gift_rule_id IS NOT NULL ORDER BY s.member_id LIMIT ${Math.floor(limit)}`,
    [after, now],
  );
}

export async function subscribersPageIn(
  q: Q,
  f: { planId?: number; status?: string; memberId?: number; beforeId?: number; limit: number },
) {
  const where: string[] = [];
  const args: unknown[] = [];
  for (const [cond, v] of [
    ['s.plan_id = ?', f.planId],
    ['s.status = ?', f.status],
    ['s.member_id = ?', f.memberId],
    ['s.member_id < ?', f.beforeId],
  ] as [string, unknown][]) {
    if (v === undefined) continue;
    where.push(cond);
    args.push(v);
  }
  return q.all<SubscriptionRow & { title: string; paid_fen: number }>(
    `SELECT s.*, p.title, (SELECT COALESCE(SUM(amount_fen), 0) FROM subscription_periods x WHERE x.member_id = s.member_id) AS paid_fen
     FROM member_subscriptions s JOIN membership_plans p ON p.id = s.plan_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
     ORDER BY s.member_id DESC LIMIT ${Math.floor(f.limit) + 1}`,
    args,
  );
}
