/**
 * Referral rules: both sides rewarded (on registration or after the invitee's
 * first purchase has outlived its refund window), a milestone bonus every N
 * successful invites, a daily cap per inviter.
 */
export interface ReferralRules {
  inviterPoints: number;
  inviteePoints: number;
  trigger: 'registration' | 'first_purchase';
  refundWindowDays: number;
  milestoneEvery: number;
  milestoneBonus: number;
  dailyCapPerInviter: number;
}

export const DEFAULT_REFERRAL_RULES: ReferralRules = {
  inviterPoints: 100,
  inviteePoints: 50,
  trigger: 'registration',
  refundWindowDays: 7,
  milestoneEvery: 3,
  milestoneBonus: 300,
  dailyCapPerInviter: 10,
};

/** Unambiguous characters (no 0/O, 1/I/L): a code read aloud or typed is not mistaken. */
export const REFERRAL_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REFERRAL_CODE_LENGTH = 8;

export function isReferralCode(code: unknown): code is string {
  return (
    typeof code === 'string' &&
    code.length === REFERRAL_CODE_LENGTH &&
    [...code].every((ch) => REFERRAL_ALPHABET.includes(ch))
  );
}

export function sharePath(code: string): string {
  return `/pages/index/index?ref=${encodeURIComponent(code)}`;
}

export function validateReferralRules(r: ReferralRules): string | null {
  const int = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (!int(r.inviterPoints, 0, 1_000_000) || !int(r.inviteePoints, 0, 1_000_000))
    return 'rewards must be whole numbers 0-1000000';
  if (!['registration', 'first_purchase'].includes(r.trigger)) return 'trigger must be registration or first_purchase';
  if (!int(r.refundWindowDays, 0, 90)) return 'refundWindowDays must be 0-90';
  if (!int(r.milestoneEvery, 0, 1000)) return 'milestoneEvery must be 0-1000 (0 = no milestones)';
  if (!int(r.milestoneBonus, 0, 1_000_000)) return 'milestoneBonus must be 0-1000000';
  if (!int(r.dailyCapPerInviter, 0, 10_000)) return 'dailyCapPerInviter must be 0-10000 (0 = no cap)';
  return null;
}

/** After the nth successful invite: is a milestone reached, and which one. */
export function milestoneAt(rules: ReferralRules, nth: number): number | null {
  if (rules.milestoneEvery <= 0 || nth <= 0 || nth % rules.milestoneEvery !== 0) return null;
  return nth / rules.milestoneEvery;
}

export function milestoneProgress(
  rules: ReferralRules,
  successful: number,
): { every: number; bonus: number; nextAt: number | null; remaining: number | null } {
  if (rules.milestoneEvery <= 0) return { every: 0, bonus: 0, nextAt: null, remaining: null };
  const nextAt = (Math.floor(successful / rules.milestoneEvery) + 1) * rules.milestoneEvery;
  return { every: rules.milestoneEvery, bonus: rules.milestoneBonus, nextAt, remaining: nextAt - successful };
}
