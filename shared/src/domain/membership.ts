/**
 * Paid membership rules without I/O: how long a period lasts and where it starts,
 * the extra points a plan gives on a purchase, the yearly cap, and the pro-rata
 * refund. Instants are epoch milliseconds on the server's clock.
 */
export type MembershipPeriodCode = 'month' | 'quarter' | 'year';
export type PlanBenefitKindCode = 'multiplier' | 'cashback';

export const DAY_MS = 86_400_000;
const MONTHS: Record<MembershipPeriodCode, number> = { month: 1, quarter: 3, year: 12 };

/** `ms` plus whole calendar months (UTC fields), the day clamped to the target month's last day. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(
    y,
    m,
    Math.min(d.getUTCDate(), last),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/**
 * The period a paid order adds: a renewal before the end extends from the current
 * end (no day lost); a first purchase, or one after the end, starts now.
 */
export function nextPeriod(currentEnd: number | null, now: number, period: MembershipPeriodCode) {
  const renewal = currentEnd !== null && currentEnd > now;
  const startsAt = renewal ? currentEnd : now;
  return { startsAt, endsAt: addMonths(startsAt, MONTHS[period]), renewal };
}

/**
 * The extra points a plan gives on a purchase. multiplier: the base points times
 * (percent - 100) / 100 (150 gives half the base again); cashback: percent of the
 * cash part, as points at the point value (cents per point). Rounded down.
 */
export function planBonusPoints(
  kind: PlanBenefitKindCode,
  percent: number,
  p: { basePoints: number; cashCents: number; pointValueCents: number },
): number {
  if (percent <= 0) return 0;
  if (kind === 'multiplier') return percent > 100 ? Math.floor((p.basePoints * (percent - 100)) / 100) : 0;
  return Math.floor((p.cashCents * percent) / 100 / Math.max(1, p.pointValueCents));
}

/** What fits under a cap given what was used (cap 0: no cap). */
export function withinCap(want: number, used: number, cap: number): number {
  if (cap <= 0) return Math.max(0, want);
  return Math.max(0, Math.min(want, cap - used));
}

export interface RefundInput {
  paidFen: number;
  startsAt: number;
  endsAt: number;
  now: number;
  /** The setting: a refund within this many days of the start is full when nothing was used. */
  fullRefundDays: number;
  /** Value of the benefits used in the period (extra points, pack vouchers written off). */
  usedValueFen: number;
  anyUsed: boolean;
}

/** A period's length in whole days (at least 1) and the whole days of `unusedMs` in it, as a refund shows them. */
export function refundDays(startsAt: number, endsAt: number, unusedMs: number) {
  const totalDays = Math.max(1, Math.round((endsAt - startsAt) / DAY_MS));
  return { totalDays, unusedDays: Math.min(totalDays, Math.floor(unusedMs / DAY_MS)) };
}

/**
 * The refund of one period: full within the window when no benefit was used; else
 * the price for the whole days not yet used, less the value of what was used,
 * never below 0. `cutMs` is how much the membership end moves back (the unused
 * part: a period not started yet is cut whole; the current one ends now).
 */
export function refundQuote(r: RefundInput) {
  const length = Math.max(1, r.endsAt - r.startsAt);
  const unusedMs = Math.min(length, Math.max(0, r.endsAt - Math.max(r.now, r.startsAt)));
  const { totalDays, unusedDays } = refundDays(r.startsAt, r.endsAt, unusedMs);
  const full = !r.anyUsed && r.now < r.startsAt + r.fullRefundDays * DAY_MS;
  const refundFen = full
    ? r.paidFen
    : Math.max(0, Math.floor((r.paidFen * unusedDays) / totalDays) - Math.max(0, r.usedValueFen));
  return { totalDays, unusedDays, full, refundFen, cutMs: unusedMs };
}
