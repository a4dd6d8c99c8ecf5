import {
  canMakeUp,
  cycleStart,
  DEFAULT_CHECKIN_RULES as R,
  nextBonus,
  rewardFor,
  streakAt,
  validateCheckinRules,
} from './checkin';

const set = (...d: string[]) => new Set(d);

describe('cycleStart', () => {
  it.each([
    ['2026-11-24', 'weekly', '2026-11-23'],
    ['2026-11-23', 'weekly', '2026-11-23'],
    ['2026-11-29', 'weekly', '2026-11-23'],
    ['2026-01-01', 'weekly', '2025-12-29'],
    ['2026-11-24', 'monthly', '2026-11-01'],
    ['2026-11-24', 'none', null],
  ] as const)('%s %s -> %s', (d, c, s) => expect(cycleStart(d, c)).toBe(s));
});

describe('streakAt', () => {
  const days = set('2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24');
  it.each([
    ['weekly', '2026-11-24', 2], // the week starts on Monday the 23rd
    ['monthly', '2026-11-24', 5],
    ['none', '2026-11-24', 5],
    ['weekly', '2026-11-25', 0],
    ['monthly', '2026-11-22', 3],
  ] as const)('%s at %s = %i', (cycle, day, n) => expect(streakAt(days, day, cycle)).toBe(n));
  it('a gap breaks the streak', () =>
    expect(streakAt(set('2026-11-10', '2026-11-12'), '2026-11-12', 'monthly')).toBe(1));
});

describe('rewardFor / nextBonus', () => {
  it.each([
    [1, 10, 0],
    [2, 10, 0],
    [3, 10, 20],
    [7, 10, 50],
    [8, 10, 0],
  ])('day %i: base %i bonus %i', (day, base, bonus) =>
    expect(rewardFor(R, day)).toEqual({ base, bonus, total: base + bonus }),
  );
  it('tier multiplier applies to the base only when enabled', () => {
    expect(rewardFor(R, 1, 150).base).toBe(10);
    expect(rewardFor({ ...R, tierMultiplier: true }, 3, 150)).toEqual({ base: 15, bonus: 20, total: 35 });
  });
  it.each([
    [0, { day: 3, bonus: 20, inDays: 3 }],
    [2, { day: 3, bonus: 20, inDays: 1 }],
    [3, { day: 7, bonus: 50, inDays: 4 }],
    [7, null],
  ])('after %i', (s, n) => expect(nextBonus(R, s)).toEqual(n));
});

describe('canMakeUp', () => {
  const today = '2026-11-26'; // Thursday; the week started Monday the 23rd
  it.each([
    ['2026-11-24', set(), 0, null],
    ['2026-11-23', set(), 1, null],
    ['2026-11-26', set(), 0, 'today_or_future'],
    ['2026-11-27', set(), 0, 'today_or_future'],
    ['2026-11-22', set(), 0, 'outside_cycle'],
    ['2026-11-24', set('2026-11-24'), 0, 'already_checked'],
    ['2026-11-24', set(), 2, 'limit_reached'],
    ['2026-02-30', set(), 0, 'not_a_date'],
    ['yesterday', set(), 0, 'not_a_date'],
  ] as const)('%s -> %s', (target, checked, used, result) =>
    expect(canMakeUp(R, today, target, checked, used)).toBe(result),
  );
});

describe('validateCheckinRules', () => {
  it('defaults are valid', () => expect(validateCheckinRules(R)).toBeNull());
  it.each([
    [{ ...R, baseReward: 0 }],
    [{ ...R, baseReward: 1.5 }],
    [{ ...R, cycle: 'daily' }],
    [{ ...R, streakBonuses: [{ day: 8, bonus: 5 }] }],
    [
      {
        ...R,
        streakBonuses: [
          { day: 3, bonus: 5 },
          { day: 3, bonus: 6 },
        ],
      },
    ],
    [{ ...R, streakBonuses: [{ day: 1, bonus: 5 }] }],
    [{ ...R, makeupMaxPerCycle: -1 }],
    [{ ...R, makeupCostPoints: -5 }],
  ])('refuses %j', (r) => expect(validateCheckinRules(r as never)).not.toBeNull());
});
