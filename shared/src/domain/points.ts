import { MAX_POINTS } from '../api/common';
import { isMemberDay, type MemberDayRules } from './member-day';
import { growthForPurchase, type TierRules } from './tiers';

/** Largest single purchase we accept: 10 million yuan. Larger is a typo or an attack. */
export const MAX_PURCHASE_CENTS = 1_000_000_000;

/**
 * How a purchase earns points. The base rule gives 1 point per `centsPerPoint`
 * cents; each multiplier (tier, member day...) adds a bonus of (percent-100)% of the
 * amount at the base rate. Every rule is rounded down on its own, so the receipt
 * can show each line and the lines always add up to the total.
 */
export interface EarningRules {
  centsPerPoint: number;
  multipliers: { code: string; percent: number }[];
}

export const DEFAULT_EARNING_RULES: EarningRules = { centsPerPoint: 100, multipliers: [] };

export interface PointsLine {
  code: string;
  points: number;
}
export interface PurchasePoints {
  total: number;
  lines: PointsLine[];
}

export class RuleError extends RangeError {}

export function validateAmountCents(amountCents: number): string | null {
  if (typeof amountCents !== 'number' || !Number.isSafeInteger(amountCents))
    return 'amount must be a whole number of cents';
  if (amountCents <= 0) return 'amount must be positive';
  if (amountCents > MAX_PURCHASE_CENTS) return `amount must be at most ${MAX_PURCHASE_CENTS} cents`;
  return null;
}

export function validateEarningRules(r: EarningRules): string | null {
  if (!Number.isSafeInteger(r.centsPerPoint) || r.centsPerPoint < 1 || r.centsPerPoint > 1_000_000)
    return 'centsPerPoint must be a whole number 1-1000000';
  for (const m of r.multipliers) {
    if (!Number.isInteger(m.percent) || m.percent < 100 || m.percent > 1000)
      return `multiplier ${m.code}: percent must be a whole number 100-1000`;
  }
  return null;
}

export function pointsForPurchase(amountCents: number, rules: EarningRules): PurchasePoints {
  const bad = validateAmountCents(amountCents) ?? validateEarningRules(rules);
  if (bad) throw new RuleError(bad);
  // BigInt: amount x percent can pass 2^53 for large orders.
  const amount = BigInt(amountCents);
  const per = BigInt(rules.centsPerPoint);
  const lines: PointsLine[] = [{ code: 'base', points: Number(amount / per) }];
  for (const m of rules.multipliers) {
    if (m.percent === 100) continue;
    lines.push({ code: m.code, points: Number((amount * BigInt(m.percent - 100)) / (per * 100n)) });
  }
  const total = lines.reduce((s, l) => s + l.points, 0);
  if (total > MAX_POINTS) throw new RuleError('points for one purchase exceed the maximum');
  return { total, lines };
}

/** Everything that decides what a purchase earns, apart from the member's tier. */
export interface PurchaseRules {
  earning: EarningRules & { excludedOrderPrefixes?: string[] };
  memberDays: MemberDayRules;
  tiers: TierRules;
}

export interface PurchaseEarning {
  /** The order number starts with an excluded prefix (gift cards, deposits...): recorded, earns nothing. */
  excluded: boolean;
  memberDay: boolean;
  points: PurchasePoints;
  growth: number;
}

/**
 * Points and growth for a purchase: the configured multipliers, then the tier's,
 * then the member day's (on the business date of the purchase). The counter and
 * the operator's rule simulation both call this, so they cannot disagree.
 */
export function earningForPurchase(
  p: { amountCents: number; orderNo?: string; businessDate: string; tierMultiplierPercent: number },
  rules: PurchaseRules,
): PurchaseEarning {
  const memberDay = isMemberDay(p.businessDate, rules.memberDays);
  const orderNo = p.orderNo;
  const excluded = !!orderNo && (rules.earning.excludedOrderPrefixes ?? []).some((x) => orderNo.startsWith(x));
  if (excluded) return { excluded, memberDay, points: { total: 0, lines: [] }, growth: 0 };
  const points = pointsForPurchase(p.amountCents, {
    centsPerPoint: rules.earning.centsPerPoint,
    multipliers: [
      ...rules.earning.multipliers,
      { code: 'tier', percent: p.tierMultiplierPercent },
      ...(memberDay ? [{ code: 'member_day', percent: rules.memberDays.multiplierPercent }] : []),
    ],
  });
  return { excluded, memberDay, points, growth: growthForPurchase(rules.tiers, p.amountCents) };
}

/**
 * What a purchase paid partly with points earns: points and growth on the cash
 * part only (points paid with points earn nothing); nothing when all of it was
 * paid with points.
 */
export function earningForCashPart(
  p: { cashCents: number; orderNo?: string; businessDate: string; tierMultiplierPercent: number },
  rules: PurchaseRules,
): PurchaseEarning {
  if (p.cashCents <= 0) {
    const e = earningForPurchase({ ...p, amountCents: 1 }, rules);
    return { ...e, points: { total: 0, lines: [] }, growth: 0 };
  }
  return earningForPurchase({ ...p, amountCents: p.cashCents }, rules);
}

/** Validates a points amount for one ledger operation. */
export function validatePoints(points: number): string | null {
  if (typeof points !== 'number' || !Number.isSafeInteger(points)) return 'points must be a whole number';
  if (points <= 0) return 'points must be positive';
  if (points > MAX_POINTS) return `points must be at most ${MAX_POINTS}`;
  return null;
}

/**
 * How a debit is taken from lots: earliest expiry first (never-expiring lots last),
 * then oldest first. Pure: the service applies the plan with conditional updates.
 */
export interface LotView {
  id: string;
  remaining: number;
  expiresAt: Date | null;
  createdAt: Date;
}

export function planDebit(lots: LotView[], points: number, now: Date): { lotId: string; take: number }[] | null {
  const usable = lots
    .filter((l) => l.remaining > 0 && (l.expiresAt === null || l.expiresAt.getTime() > now.getTime()))
    .sort((a, b) => {
      const ea = a.expiresAt?.getTime() ?? Infinity;
      const eb = b.expiresAt?.getTime() ?? Infinity;
      // Ids are numeric strings: compare them as numbers ('9' before '10').
      return ea !== eb
        ? ea - eb
        : a.createdAt.getTime() - b.createdAt.getTime() || a.id.length - b.id.length || (a.id < b.id ? -1 : 1);
    });
  const plan: { lotId: string; take: number }[] = [];
  let left = points;
  for (const l of usable) {
    if (left === 0) break;
    const take = Math.min(l.remaining, left);
    plan.push({ lotId: l.id, take });
    left -= take;
  }
  return left === 0 ? plan : null;
}

/**
 * Lot created by a credit when the account may be in debt (a refund claw-back):
 * the debt is paid off first, only the rest becomes spendable.
 */
export function lotRemainingAfterCredit(balanceAfter: number, credited: number): number {
  return Math.max(0, Math.min(credited, balanceAfter));
}
