/**
 * Growth-value tiers (成长值). Growth comes from spend and configured actions; a
 * tier is reached when growth in the rolling window reaches its threshold.
 * Upgrades apply at once; downgrades only at evaluation (see evaluateTier).
 */

/** A tier's code: lower-case letters, digits or _, 1-16, starting with a letter (stored and sent as is). */
export const TIER_CODE_PATTERN = /^[a-z][a-z0-9_]{0,15}$/;

export interface TierDef {
  code: string;
  name: string;
  minGrowth: number;
  /** Points multiplier in percent: 100 = x1, 150 = x1.5. */
  multiplierPercent: number;
  benefits: string[];
  birthdayGiftPoints?: number;
}

export interface TierRules {
  /** Sorted by minGrowth ascending; the first starts at 0. */
  tiers: TierDef[];
  windowMonths: number;
  graceDays: number;
  growthPerYuan: number;
}

export const DEFAULT_TIER_RULES: TierRules = {
  tiers: [
    {
      code: 'normal',
      name: '普卡',
      minGrowth: 0,
      multiplierPercent: 100,
      benefits: ['会员价', '生日礼'],
      birthdayGiftPoints: 100,
    },
    {
      code: 'silver',
      name: '银卡',
      minGrowth: 3000,
      multiplierPercent: 120,
      benefits: ['会员价', '生日礼', '积分1.2倍', '每月免运费券'],
      birthdayGiftPoints: 300,
    },
    {
      code: 'gold',
      name: '金卡',
      minGrowth: 6000,
      multiplierPercent: 150,
      benefits: ['会员价', '生日礼', '积分1.5倍', '专属客服', '新品优先购'],
      birthdayGiftPoints: 800,
    },
  ],
  windowMonths: 12,
  graceDays: 30,
  growthPerYuan: 1,
};

const MAX_GROWTH = 1_000_000_000;

/** Every problem with a rule set, empty when valid (for operators' forms: all at once). */
export function validateTierRules(r: TierRules): string[] {
  const errors: string[] = [];
  if (!Array.isArray(r.tiers) || r.tiers.length === 0) return ['at least one tier is required'];
  if (r.tiers.length > 10) errors.push('at most 10 tiers');
  if (r.tiers[0].minGrowth !== 0) errors.push('the first tier must start at growth 0');
  const codes = new Set<string>();
  r.tiers.forEach((t, i) => {
    if (!TIER_CODE_PATTERN.test(t.code))
      errors.push(`tier ${i + 1}: code must be lower-case letters, digits or _ (max 16)`);
    if (codes.has(t.code)) errors.push(`tier ${i + 1}: code ${t.code} is used twice`);
    codes.add(t.code);
    if (!t.name || t.name.length > 16) errors.push(`tier ${i + 1}: name must be 1-16 characters`);
    if (!Number.isSafeInteger(t.minGrowth) || t.minGrowth < 0 || t.minGrowth > MAX_GROWTH)
      errors.push(`tier ${i + 1}: minGrowth must be a whole number 0-${MAX_GROWTH}`);
    if (i > 0 && !(t.minGrowth > r.tiers[i - 1].minGrowth))
      errors.push(`tier ${i + 1}: thresholds must increase strictly (overlaps ${r.tiers[i - 1].code})`);
    if (!Number.isInteger(t.multiplierPercent) || t.multiplierPercent < 100 || t.multiplierPercent > 1000)
      errors.push(`tier ${i + 1}: multiplierPercent must be a whole number 100-1000`);
    if (t.birthdayGiftPoints !== undefined && (!Number.isInteger(t.birthdayGiftPoints) || t.birthdayGiftPoints < 0))
      errors.push(`tier ${i + 1}: birthdayGiftPoints must be a whole number >= 0`);
  });
  if (!Number.isInteger(r.windowMonths) || r.windowMonths < 1 || r.windowMonths > 36)
    errors.push('windowMonths must be 1-36');
  if (!Number.isInteger(r.graceDays) || r.graceDays < 0 || r.graceDays > 365) errors.push('graceDays must be 0-365');
  if (!Number.isInteger(r.growthPerYuan) || r.growthPerYuan < 0 || r.growthPerYuan > 100)
    errors.push('growthPerYuan must be 0-100');
  return errors;
}

/** The highest tier whose threshold the growth reaches. */
export function tierFor(rules: TierRules, growth: number): TierDef {
  let found = rules.tiers[0];
  for (const t of rules.tiers) if (growth >= t.minGrowth) found = t;
  return found;
}

function rankOf(rules: TierRules, code: string): number {
  return rules.tiers.findIndex((t) => t.code === code);
}

/** Growth for a purchase: whole yuan only, rounded down (99 fen earn nothing). */
export function growthForPurchase(rules: TierRules, amountCents: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new RangeError('amount must be a positive whole number of cents');
  return Math.floor(amountCents / 100) * rules.growthPerYuan;
}

export function nextTier(rules: TierRules, currentCode: string): TierDef | null {
  const i = rankOf(rules, currentCode);
  return i >= 0 && i + 1 < rules.tiers.length ? rules.tiers[i + 1] : null;
}

export interface TierProgress {
  current: TierDef;
  next: { code: string; name: string; minGrowth: number; needed: number } | null;
  /** Growth still needed in the window to keep the current tier at the next evaluation. */
  keep: { minGrowth: number; needed: number };
}

export function tierProgress(rules: TierRules, currentCode: string, growth: number): TierProgress {
  // A tier removed from the rules counts as the tier the growth earns.
  const current = rules.tiers[rankOf(rules, currentCode)] ?? tierFor(rules, growth);
  const next = nextTier(rules, current.code);
  return {
    current,
    next: next
      ? { code: next.code, name: next.name, minGrowth: next.minGrowth, needed: Math.max(0, next.minGrowth - growth) }
      : null,
    keep: { minGrowth: current.minGrowth, needed: Math.max(0, current.minGrowth - growth) },
  };
}

/**
 * What evaluation would do: 'upgrade' when growth earns a higher tier (applied at
 * once, also outside evaluation), 'downgrade' when it no longer keeps the current
 * one (applied only at evaluation, after the grace period), else 'keep'.
 */
export function evaluateTier(
  rules: TierRules,
  currentCode: string,
  growth: number,
): { action: 'upgrade' | 'downgrade' | 'keep'; to: string } {
  const earned = tierFor(rules, growth);
  const rank = rankOf(rules, currentCode);
  const earnedRank = rankOf(rules, earned.code);
  if (rank < 0) return { action: earnedRank > 0 ? 'upgrade' : 'downgrade', to: earned.code };
  if (earnedRank > rank) return { action: 'upgrade', to: earned.code };
  if (earnedRank < rank) return { action: 'downgrade', to: earned.code };
  return { action: 'keep', to: currentCode };
}
