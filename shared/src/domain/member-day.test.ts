import { isMemberDay, isoWeekday } from './member-day';

describe('isoWeekday', () => {
  it.each([
    ['2026-11-23', 1],
    ['2026-11-24', 2],
    ['2026-11-29', 7],
    ['2024-02-29', 4],
    ['2000-01-01', 6],
  ])('%s is weekday %i', (date, wd) => expect(isoWeekday(date)).toBe(wd));

  it.each(['2026-02-30', '2026-13-01', 'yesterday', ''])('refuses %p', (bad) =>
    expect(() => isoWeekday(bad)).toThrow(RangeError),
  );
});

describe('isMemberDay', () => {
  const rules = { weekdays: [3], monthDays: [18, 31], multiplierPercent: 200 };
  it.each([
    ['2026-11-25', true], // a Wednesday
    ['2026-11-18', true], // also a Wednesday and the 18th
    ['2026-12-18', true], // Friday the 18th
    ['2026-12-31', true],
    ['2026-11-30', false], // November has no 31st: no spill-over to the 30th
    ['2026-11-24', false],
  ])('%s -> %p', (date, expected) => expect(isMemberDay(date, rules)).toBe(expected));

  it('no configured days means never', () => {
    expect(isMemberDay('2026-11-25', { weekdays: [], monthDays: [], multiplierPercent: 200 })).toBe(false);
  });
});
