import { DEFAULT_CHECKIN_RULES as R } from '@huiyuan/shared';
import { allowanceKey, reachableBonus } from './rules';

// 2026-03-09 is a Monday, 2026-03-15 a Sunday.
describe('check-in rules of this server', () => {
  it('the make-up allowance is counted per cycle, or per ISO week without cycles', () => {
    expect(allowanceKey('2026-03-12', R)).toBe('2026-03-09');
    expect(allowanceKey('2026-03-12', { ...R, cycle: 'monthly' })).toBe('2026-03-01');
    expect(allowanceKey('2026-03-12', { ...R, cycle: 'none' })).toBe('2026-03-09');
  });

  it('the next bonus is shown only when it can still be reached this cycle', () => {
    // Day 3 bonus: on Monday with no check-in yet, it falls on Wednesday.
    expect(reachableBonus(R, '2026-03-09', false, 0)).toMatchObject({ day: 3, inDays: 3 });
    // A streak of 1 on Sunday restarts on Monday: day 3 cannot be reached.
    expect(reachableBonus(R, '2026-03-15', true, 1)).toBeNull();
    // Friday, checked in, streak 5: day 7 is Sunday, still this week.
    expect(reachableBonus(R, '2026-03-13', true, 5)).toMatchObject({ day: 7, inDays: 2 });
    // Without cycles nothing restarts; past the last bonus there is none.
    expect(reachableBonus({ ...R, cycle: 'none' }, '2026-03-15', true, 1)).toMatchObject({ day: 3 });
    expect(reachableBonus(R, '2026-03-15', true, 7)).toBeNull();
  });
});
