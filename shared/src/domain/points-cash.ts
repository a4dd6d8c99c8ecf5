/**
 * Points as cash at the till (积分抵现): a member pays part of an order with
 * points. `pointsPerYuan` points are worth one yuan of discount (100: 1 point =
 * 0.01 yuan); at most `maxSharePercent` of the order may be paid so, and at most
 * `perMemberDailyPoints` points a business day per member (0 = no daily cap).
 * `confirm` says how the member agrees: `scan` (the code scanned for the checkout)
 * , `second_scan` (a second, fresh code scanned for the redemption) or `phone`
 * (the member confirms the points and the order amount in the app).
 * No imports: the mini-program's counter page uses these rules as they are.
 */
export interface PointsCashRules {
  enabled: boolean;
  pointsPerYuan: number;
  maxSharePercent: number;
  perMemberDailyPoints: number;
  confirm: 'scan' | 'second_scan' | 'phone';
}

export const DEFAULT_POINTS_CASH: PointsCashRules = {
  enabled: true,
  pointsPerYuan: 100,
  maxSharePercent: 50,
  perMemberDailyPoints: 50_000,
  confirm: 'scan',
};

export function validatePointsCash(r: PointsCashRules): string | null {
  if (!Number.isSafeInteger(r.pointsPerYuan) || r.pointsPerYuan < 1 || r.pointsPerYuan > 100_000)
    return 'pointsPerYuan must be a whole number 1-100000';
  if (!Number.isInteger(r.maxSharePercent) || r.maxSharePercent < 0 || r.maxSharePercent > 100)
    return 'maxSharePercent must be a whole number 0-100';
  if (!Number.isSafeInteger(r.perMemberDailyPoints) || r.perMemberDailyPoints < 0)
    return 'perMemberDailyPoints must be a whole number >= 0';
  return null;
}

/** Cents of discount that `points` buy, rounded down (BigInt: points x 100 may pass 2^53). */
export function discountCentsFor(points: number, pointsPerYuan: number): number {
  return Number((BigInt(points) * 100n) / BigInt(pointsPerYuan));
}

/** The fewest points that buy `cents` of discount. */
export function pointsForCents(cents: number, pointsPerYuan: number): number {
  return Number((BigInt(cents) * BigInt(pointsPerYuan) + 99n) / 100n);
}

/**
 * The most points one order may use: within the share of the amount, the
 * member's spendable balance and what is left of the daily cap; then trimmed to
 * the fewest points buying the same discount, so no point is spent for a
 * fraction of a cent.
 */
export function maxRedeemablePoints(
  p: { amountCents: number; balance: number; redeemedToday: number },
  rules: PointsCashRules,
): number {
  if (!rules.enabled) return 0;
  const shareCents = Math.floor((p.amountCents * rules.maxSharePercent) / 100);
  let points = Number((BigInt(shareCents) * BigInt(rules.pointsPerYuan)) / 100n);
  points = Math.min(points, Math.max(0, p.balance));
  if (rules.perMemberDailyPoints > 0)
    points = Math.min(points, Math.max(0, rules.perMemberDailyPoints - p.redeemedToday));
  return pointsForCents(discountCentsFor(points, rules.pointsPerYuan), rules.pointsPerYuan);
}

export interface CashSplit {
  /** Points taken from the balance (the fewest buying the discount). */
  points: number;
  discountCents: number;
  cashCents: number;
}

/** How an order of `amountCents` is paid when `points` are offered: discount by points, the rest in cash. */
export function splitPayment(amountCents: number, points: number, pointsPerYuan: number): CashSplit {
  const discountCents = Math.min(amountCents, discountCentsFor(points, pointsPerYuan));
  return {
    points: pointsForCents(discountCents, pointsPerYuan),
    discountCents,
    cashCents: amountCents - discountCents,
  };
}

/**
 * Redeemed points given back once `refunded` of `amount` cents is refunded, in
 * total over every refund so far: rounded down, so partial refunds never give
 * back more than was redeemed, and the refund that completes the order gives
 * back exactly the rest (refunded = amount gives `redeemed`). Each refund returns
 * this total minus what earlier refunds returned, so the parts add up to the whole.
 */
export function redeemedBack(redeemed: number, refunded: number, amount: number): number {
  return Number((BigInt(redeemed) * BigInt(refunded)) / BigInt(amount));
}
