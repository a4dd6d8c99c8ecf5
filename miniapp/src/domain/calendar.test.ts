import { daysInMonth, leadingBlanks, monthCells, shortDate, weekdayOf, WEEKDAYS } from './calendar';

it('puts day 1 under its weekday in a Sunday-first week', () => {
  expect(WEEKDAYS.join('')).toBe('日一二三四五六');
  // 1 December 2026 is a Tuesday: two blanks (日, 一) before it.
  expect(weekdayOf('2026-12-01')).toBe(2);
  expect(leadingBlanks('2026-12')).toBe(2);
  // 1 November 2024 was a Friday; 1 September 2024 a Sunday (no blank).
  expect(leadingBlanks('2024-11')).toBe(5);
  expect(leadingBlanks('2024-09')).toBe(0);
});

it('knows month lengths, leap Februaries included', () => {
  expect(daysInMonth('2026-12')).toBe(31);
  expect(daysInMonth('2024-02')).toBe(29);
  expect(daysInMonth('2026-02')).toBe(28);
  expect(daysInMonth('2026-11')).toBe(30);
});

it('lays out whole weeks with each date matched to its entry', () => {
  const cells = monthCells('2026-12', [{ date: '2026-12-03', points: 10 }]);
  expect(cells.length % 7).toBe(0);
  expect(cells.slice(0, 2).every((c) => c.kind === 'blank')).toBe(true);
  const first = cells[2];
  expect(first.kind === 'day' && first.date).toBe('2026-12-01');
  const third = cells[4];
  expect(third.kind === 'day' && third.day).toEqual({ date: '2026-12-03', points: 10 });
  const days = cells.filter((c) => c.kind === 'day');
  expect(days).toHaveLength(31);
  // 31 December 2026 is a Thursday: column 4, then two trailing blanks.
  expect(cells.indexOf(days[30]) % 7).toBe(4);
  expect(cells.length).toBe(35);
});

it('writes a date the way the calendar speaks', () => {
  expect(shortDate('2026-12-03')).toBe('12月3日');
});
