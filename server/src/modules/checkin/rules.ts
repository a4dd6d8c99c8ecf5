import { addDaysToIsoDate, cycleStart, nextBonus, type CheckinRules } from '@huiyuan/shared';

/** Check-in rules that need no I/O and are specific to this server (the shared ones live in shared/domain/checkin.ts). */

export const MAKEUP_REASONS: Record<string, string> = {
  not_a_date: 'Not a calendar date',
  today_or_future: 'Only a past day can be made up',
  already_checked: 'This day is already checked in',
  outside_cycle: 'Only days of the current cycle can be made up',
  limit_reached: 'No make-ups left in this cycle',
  no_card: 'No make-up card left',
  before_joining: 'Days before joining cannot be made up',
};

/** The make-up allowance is counted per cycle; without cycles, per ISO week (make-ups reach back a week then). */
export const allowanceKey = (today: string, rules: CheckinRules) =>
  cycleStart(today, rules.cycle) ?? cycleStart(today, 'weekly')!;

/**
 * The next streak bonus, or null when the cycle ends before it can be reached
 * (a weekly streak of 1 on Sunday will not reach day 3: it restarts on Monday).
 */
export function reachableBonus(rules: CheckinRules, today: string, doneToday: boolean, streak: number) {
  const next = nextBonus(rules, streak);
  if (!next) return null;
  const start = cycleStart(today, rules.cycle);
  if (start === null) return next;
  const end =
    rules.cycle === 'weekly'
      ? addDaysToIsoDate(start, 6)
      : addDaysToIsoDate(`${addDaysToIsoDate(start, 31).slice(0, 8)}01`, -1);
  // Checked in today: the bonus day is inDays from today; not yet: today is the first of those days.
  const on = addDaysToIsoDate(today, doneToday ? next.inDays : next.inDays - 1);
  return on <= end ? next : null;
}
