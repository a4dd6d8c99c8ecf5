/**
 * The check-in month as a grid, weeks starting on Sunday (日一二三四五六, as
 * Chinese wall calendars and WeChat's date picker do). Dates are the server's
 * business dates ("YYYY-MM-DD"); the weekday of a calendar date does not depend
 * on any timezone, so it is computed in UTC.
 */
export const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'] as const;

/** 0 = Sunday ... 6 = Saturday, for a "YYYY-MM-DD" date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Blank cells before day 1 of "YYYY-MM" in a Sunday-first week. */
export const leadingBlanks = (month: string): number => weekdayOf(`${month}-01`);

export type CalendarCell<T> =
  { kind: 'blank'; key: string } | { kind: 'day'; key: string; date: string; day: T | null };

/**
 * Every cell of the month: blanks, then each date with its entry from `days`
 * (null when the server sent none for it), then blanks to fill the last week.
 */
export function monthCells<T extends { date: string }>(month: string, days: readonly T[]): CalendarCell<T>[] {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const cells: CalendarCell<T>[] = [];
  const lead = leadingBlanks(month);
  for (let i = 0; i < lead; i++) cells.push({ kind: 'blank', key: `b${i}` });
  const n = daysInMonth(month);
  for (let d = 1; d <= n; d++) {
    const date = `${month}-${String(d).padStart(2, '0')}`;
    cells.push({ kind: 'day', key: date, date, day: byDate.get(date) ?? null });
  }
  while (cells.length % 7) cells.push({ kind: 'blank', key: `e${cells.length}` });
  return cells;
}

/** "2026-12-03" -> "12月3日". */
export const shortDate = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
