import type { Q } from '../../db/database';
import { onConflictAdd } from '../../db/dialect';

/**
 * The catalogue (benefits) and each member's redemption count per benefit
 * (benefit_member_counts). Vouchers are in store-vouchers.ts. Every function takes
 * the caller's unit of work first.
 */

export interface BenefitRow {
  id: number;
  title: string;
  description: string | null;
  kind: string;
  cost_points: number;
  stock_total: number;
  stock_left: number;
  per_member_limit: number;
  min_tier: string | null;
  visible_from: number | null;
  visible_until: number | null;
  valid_days: number;
  valid_until: number | null;
  status: string;
  /** 1: shown and redeemable only on member days. */
  member_day_only: number;
  paid_members_only: number;
  /** `<id>.<ext>` of its uploaded image (media), or null. */
  image_key: string | null;
}

export async function benefitIn(q: Q, id: number): Promise<BenefitRow | undefined> {
  return q.one<BenefitRow>('SELECT * FROM benefits WHERE id = ?', [id]);
}

/** What the mall shows at `now`: active and inside its visibility window, cheapest first. */
export async function visibleBenefitsIn(q: Q, now: number): Promise<BenefitRow[]> {
  return q.all<BenefitRow>(
    `SELECT * FROM benefits WHERE status = 'active' AND (visible_from IS NULL OR visible_from <= ?) AND (visible_until IS NULL OR visible_until > ?) ORDER BY cost_points, id`,
    [now, now],
  );
}

/** Every benefit not deleted, by id: the operators' catalogue. */
export async function catalogueIn(q: Q): Promise<BenefitRow[]> {
  return q.all<BenefitRow>("SELECT * FROM benefits WHERE status <> 'deleted' ORDER BY id");
}

export interface BenefitFields {
  title: string;
  description: string | null;
  kind: string;
  costPoints: number;
  stock: number;
  perMemberLimit: number;
  minTier: string | null;
  visibleFrom: number | null;
  visibleUntil: number | null;
  validDays: number;
  validUntil: number | null;
  memberDayOnly?: boolean;
  paidMembersOnly?: boolean;
  imageKey?: string | null;
}

export async function insertBenefitIn(q: Q, b: BenefitFields, now: number): Promise<number> {
  return q.insert(
    `INSERT INTO benefits (title, description, kind, cost_points, stock_total, stock_left, per_member_limit, min_tier, visible_from, visible_until, valid_days, valid_until, member_day_only, paid_members_only, image_key, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
    [
      b.title,
      b.description,
      b.kind,
      b.costPoints,
      b.stock,
      b.stock,
      b.perMemberLimit,
      b.minTier,
      b.visibleFrom,
      b.visibleUntil,
      b.validDays,
      b.validUntil,
      b.memberDayOnly ? 1 : 0,
      b.paidMembersOnly ? 1 : 0,
      b.imageKey ?? null,
      now,
      now,
    ],
  );
}

/** The fields an operator may change after creation (stock only grows, by topUpStockIn). */
export interface BenefitPatch {
  title?: string;
  description?: string | null;
  perMemberLimit?: number;
  minTier?: string | null;
  status?: string;
  visibleFrom?: number | null;
  visibleUntil?: number | null;
  memberDayOnly?: number;
  paidMembersOnly?: number;
  imageKey?: string | null;
}

const PATCH_COLUMNS: Record<keyof BenefitPatch, string> = {
  title: 'title',
  description: 'description',
  perMemberLimit: 'per_member_limit',
  minTier: 'min_tier',
  status: 'status',
  visibleFrom: 'visible_from',
  visibleUntil: 'visible_until',
  memberDayOnly: 'member_day_only',
  paidMembersOnly: 'paid_members_only',
  imageKey: 'image_key',
};

export async function updateBenefitIn(q: Q, id: number, patch: BenefitPatch, now: number): Promise<void> {
  const sets: string[] = [];
  const args: unknown[] = [];
  for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof BenefitPatch, string][]) {
    if (patch[field] === undefined) continue;
    sets.push(`${column} = ?`);
    args.push(patch[field]);
  }
  await q.exec(`UPDATE benefits SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`, [...args, now, id]);
}

/** Stock only grows by a top-up: total and left together. */
export async function topUpStockIn(q: Q, id: number, add: number, now: number): Promise<void> {
  await q.exec(
    'UPDATE benefits SET stock_total = stock_total + ?, stock_left = stock_left + ?, updated_at = ? WHERE id = ?',
    [add, add, now, id],
  );
}

/** Takes one unit of stock if any is left; false when sold out (the conditional update is the guard). */
export async function takeStockIn(q: Q, benefitId: number, now: number): Promise<boolean> {
  const took = await q.exec(
    'UPDATE benefits SET stock_left = stock_left - 1, updated_at = ? WHERE id = ? AND stock_left >= 1',
    [now, benefitId],
  );
  return took === 1;
}

/** Puts one unit back, never above the total. */
export async function returnStockIn(q: Q, benefitId: number, now: number): Promise<void> {
  await q.exec(
    'UPDATE benefits SET stock_left = stock_left + 1, updated_at = ? WHERE id = ? AND stock_left + 1 <= stock_total',
    [now, benefitId],
  );
}

/**
 * Counts one more redemption of the benefit by the member and returns the new
 * count, in one upsert plus a read. The upsert takes the row's exclusive lock at
 * once; a caller over the limit throws, which rolls the count back.
 */
export async function countRedemptionIn(q: Q, benefitId: number, memberId: number): Promise<number> {
  await q.exec(
    `INSERT INTO benefit_member_counts (benefit_id, member_id, redeemed) VALUES (?, ?, ?)${onConflictAdd(q.dialect, ['benefit_id', 'member_id'], 'redeemed')}`,
    [benefitId, memberId, 1],
  );
  const row = await q.one<{ v: number }>(
    'SELECT redeemed AS v FROM benefit_member_counts WHERE benefit_id = ? AND member_id = ?',
    [benefitId, memberId],
  );
  return Number(row?.v ?? 0);
}

/** Gives one redemption back (a cancelled voucher, or a gift that was not given), never below 0. */
export async function uncountRedemptionIn(q: Q, benefitId: number, memberId: number): Promise<void> {
  await q.exec(
    'UPDATE benefit_member_counts SET redeemed = redeemed - 1 WHERE benefit_id = ? AND member_id = ? AND redeemed >= 1',
    [benefitId, memberId],
  );
}

/** benefit id -> how many times the member has redeemed it (vouchers not cancelled). */
export async function redemptionCountsIn(q: Q, memberId: number): Promise<Map<number, number>> {
  const rows = await q.all<{ benefit_id: number; redeemed: number }>(
    'SELECT benefit_id, redeemed FROM benefit_member_counts WHERE member_id = ?',
    [memberId],
  );
  return new Map(rows.map((c) => [Number(c.benefit_id), Number(c.redeemed)]));
}
