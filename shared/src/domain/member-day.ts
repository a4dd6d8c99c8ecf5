import { parseIsoDate } from './time';

/** Member days: extra points on given ISO weekdays (1 = Monday ... 7 = Sunday) or days of the month. */
export interface MemberDayRules {
  weekdays: number[];
  monthDays: number[];
  multiplierPercent: number;
}

/** ISO weekday of a business date (1 = Monday), from the calendar date alone, so no timezone can shift it. */
export function isoWeekday(isoDate: string): number {
  const d = parseIsoDate(isoDate);
  if (!d) throw new RangeError(`not a date: ${isoDate}`);
  const js = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return js === 0 ? 7 : js;
}

/** Whether a business date is a member day. The date must already be in business time. */
export function isMemberDay(isoDate: string, rules: MemberDayRules): boolean {
  const d = parseIsoDate(isoDate);
  if (!d) throw new RangeError(`not a date: ${isoDate}`);
  return rules.weekdays.includes(isoWeekday(isoDate)) || rules.monthDays.includes(d.day);
}
