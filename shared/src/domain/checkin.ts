import { addDaysToIsoDate, parseIsoDate } from './time';
import { isoWeekday } from './member-day';

/**
 * Daily check-in rules. Dates are business dates (YYYY-MM-DD in the business
 * timezone) computed by the server; nothing here reads a clock.
 */
export interface CheckinRules {
  baseReward: number;
  /** Streaks restart at the start of each cycle (Monday / the 1st), or never. */
  cycle: 'weekly' | 'monthly' | 'none';
  /** Extra points on the Nth consecutive day of a streak. */
  streakBonuses: { day: number; bonus: number }[];
  /** Whether the tier multiplier applies to the base reward. */
  tierMultiplier: boolean;
  makeupCostPoints: number;
  makeupMaxPerCycle: number;
}

export const DEFAULT_CHECKIN_RULES: CheckinRules = {
  baseReward: 10,
  cycle: 'weekly',
  streakBonuses: [
    { day: 3, bonus: 20 },
    { day: 7, bonus: 50 },
  ],
  tierMultiplier: false,
  makeupCostPoints: 20,
  makeupMaxPerCycle: 2,
};

export function validateCheckinRules(r: CheckinRules): string | null {
  const int = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (!int(r.baseReward, 1, 10_000)) return 'baseReward must be a whole number 1-10000';
  if (!['weekly', 'monthly', 'none'].includes(r.cycle)) return 'cycle must be weekly, monthly or none';
  const maxDay = r.cycle === 'weekly' ? 7 : r.cycle === 'monthly' ? 31 : 366;
  const days = new Set<number>();
  for (const b of r.streakBonuses) {
    if (!int(b.day, 2, maxDay)) return `streak bonus day must be 2-${maxDay} for a ${r.cycle} cycle`;
    if (!int(b.bonus, 1, 100_000)) return 'streak bonus must be a whole number 1-100000';
    if (days.has(b.day)) return `streak bonus day ${b.day} appears twice`;
    days.add(b.day);
  }
  if (!int(r.makeupCostPoints, 0, 100_000)) return 'makeupCostPoints must be 0-100000';
  if (!int(r.makeupMaxPerCycle, 0, 31)) return 'makeupMaxPerCycle must be 0-31';
  return null;
}

/** First day of the cycle containing `date`, or null when streaks never restart. */
export function cycleStart(date: string, cycle: CheckinRules['cycle']): string | null {
  if (cycle === 'none') return null;
  if (cycle === 'monthly') return `${date.slice(0, 8)}01`;
  return addDaysToIsoDate(date, 1 - isoWeekday(date));
}

/** Consecutive checked days ending at `day` (0 when `day` itself is not checked), not crossing the cycle start. */
export function streakAt(checked: ReadonlySet<string>, day: string, cycle: CheckinRules['cycle']): number {
  const start = cycleStart(day, cycle);
  let n = 0;
  for (let d = day; checked.has(d) && (start === null || d >= start); d = addDaysToIsoDate(d, -1)) n++;
  return n;
}

export function rewardFor(
  rules: CheckinRules,
  streakDay: number,
  multiplierPercent = 100,
): { base: number; bonus: number; total: number } {
  const base = rules.tierMultiplier ? Math.floor((rules.baseReward * multiplierPercent) / 100) : rules.baseReward;
  const bonus = rules.streakBonuses.find((b) => b.day === streakDay)?.bonus ?? 0;
  return { base, bonus, total: base + bonus };
}

/** The next streak bonus if the member keeps checking in from `streak` today. */
export function nextBonus(rules: CheckinRules, streak: number): { day: number; bonus: number; inDays: number } | null {
  const next = [...rules.streakBonuses].sort((a, b) => a.day - b.day).find((b) => b.day > streak);
  return next ? { ...next, inDays: next.day - streak } : null;
}

export type MakeupRefusal = 'not_a_date' | 'today_or_future' | 'already_checked' | 'outside_cycle' | 'limit_reached';

/** Whether a missed day may be made up: a past day of the current cycle, not checked, within the cycle's allowance. */
export function canMakeUp(
  rules: CheckinRules,
  today: string,
  target: string,
  checked: ReadonlySet<string>,
  usedInCycle: number,
): MakeupRefusal | null {
  if (!parseIsoDate(target)) return 'not_a_date';
  if (target >= today) return 'today_or_future';
  if (checked.has(target)) return 'already_checked';
  const start = cycleStart(today, rules.cycle);
  // Without cycles, make-ups reach back at most a week.
  if (target < (start ?? addDaysToIsoDate(today, -7))) return 'outside_cycle';
  if (usedInCycle >= rules.makeupMaxPerCycle) return 'limit_reached';
  return null;
}

/** The streak shown today: including today when checked in, else the run that ended yesterday (if still in this cycle). */
export function currentStreak(checked: ReadonlySet<string>, today: string, cycle: CheckinRules['cycle']): number {
  if (checked.has(today)) return streakAt(checked, today, cycle);
  const yesterday = addDaysToIsoDate(today, -1);
  return cycleStart(yesterday, cycle) === cycleStart(today, cycle) ? streakAt(checked, yesterday, cycle) : 0;
}
