import { localParts, startOfLocalDay } from './time';

/**
 * When earned points expire.
 * - endOfMonth: at the end of the Nth calendar month after the month they were earned
 *   (default N=12: points earned any day in Nov 2026 expire when Nov 2027 ends).
 *   Members understand "this month's points last until the same month next year".
 * - days: at the end of the business day N days after the earning day.
 * - never: points do not expire.
 */
export type ExpiryPolicy = { kind: 'endOfMonth'; months: number } | { kind: 'days'; days: number } | { kind: 'never' };

export const DEFAULT_EXPIRY_POLICY: ExpiryPolicy = { kind: 'endOfMonth', months: 12 };

export function validateExpiryPolicy(p: ExpiryPolicy): string | null {
  if (p.kind === 'endOfMonth')
    return Number.isInteger(p.months) && p.months >= 0 && p.months <= 120
      ? null
      : 'months must be a whole number 0-120';
  if (p.kind === 'days')
    return Number.isInteger(p.days) && p.days >= 1 && p.days <= 3660 ? null : 'days must be a whole number 1-3660';
  if (p.kind === 'never') return null;
  return 'unknown expiry policy';
}

/**
 * The first instant at which points earned at `earnedAt` are no longer spendable
 * (exclusive bound: a lot is valid while now < expiresAt). Null when they never expire.
 */
export function expiresAt(earnedAt: Date, policy: ExpiryPolicy, tz: string): Date | null {
  const err = validateExpiryPolicy(policy);
  if (err) throw new RangeError(err);
  const p = localParts(earnedAt, tz);
  switch (policy.kind) {
    case 'never':
      return null;
    case 'endOfMonth':
      // Midnight starting the month after the Nth month (month overflow is handled by Date.UTC).
      return startOfLocalDay(p.year, p.month + policy.months + 1, 1, tz);
    case 'days':
      return startOfLocalDay(p.year, p.month, p.day + policy.days + 1, tz);
  }
}

export function isExpired(lotExpiresAt: Date | null, now: Date): boolean {
  return lotExpiresAt !== null && now.getTime() >= lotExpiresAt.getTime();
}
