import {
  DEFAULT_TIER_RULES as R,
  evaluateTier,
  growthForPurchase,
  nextTier,
  tierFor,
  tierProgress,
  validateTierRules,
  type TierRules,
} from './tiers';

describe('tierFor', () => {
  it.each([
    [0, 'normal'],
    [2999, 'normal'],
    [3000, 'silver'],
    [5999, 'silver'],
    [6000, 'gold'],
    [10_000_000, 'gold'],
    [-5, 'normal'],
  ])('growth %i -> %s', (g, code) => expect(tierFor(R, g).code).toBe(code));
});

describe('growthForPurchase', () => {
  it.each([
    [99, 0],
    [100, 1],
    [12_345, 123],
    [300_000, 3000],
    [1_000_000_000, 10_000_000],
  ])('%i cents -> %i', (c, g) => expect(growthForPurchase(R, c)).toBe(g));
  it('scales with growthPerYuan', () => expect(growthForPurchase({ ...R, growthPerYuan: 2 }, 12_345)).toBe(246));
  it.each([[0], [-100], [10.5], [Number.NaN], [2 ** 60]])('refuses %p', (c) =>
    expect(() => growthForPurchase(R, c)).toThrow(RangeError),
  );
});

describe('tierProgress', () => {
  it.each([
    ['normal', 0, { code: 'silver', needed: 3000 }, 0],
    ['normal', 2999, { code: 'silver', needed: 1 }, 0],
    ['silver', 2500, { code: 'gold', needed: 3500 }, 500],
    ['silver', 4000, { code: 'gold', needed: 2000 }, 0],
    ['gold', 100, null, 5900],
    ['gold', 9000, null, 0],
  ])('%s with %i', (code, growth, next, keepNeeded) => {
    const p = tierProgress(R, code as string, growth as number);
    if (next) expect(p.next).toMatchObject(next as object);
    else expect(p.next).toBeNull();
    expect(p.keep.needed).toBe(keepNeeded);
  });
  it('an unknown stored tier counts as the tier the growth earns', () => {
    expect(tierProgress(R, 'platinum', 3500).current.code).toBe('silver');
  });
  it('nextTier', () => {
    expect(nextTier(R, 'normal')?.code).toBe('silver');
    expect(nextTier(R, 'gold')).toBeNull();
    expect(nextTier(R, 'nope')).toBeNull();
  });
});

describe('evaluateTier', () => {
  it.each([
    ['normal', 2999, 'keep', 'normal'],
    ['normal', 3000, 'upgrade', 'silver'],
    ['normal', 7000, 'upgrade', 'gold'],
    ['silver', 5999, 'keep', 'silver'],
    ['silver', 2999, 'downgrade', 'normal'],
    ['gold', 0, 'downgrade', 'normal'],
    ['gold', 6000, 'keep', 'gold'],
    ['retired', 3100, 'upgrade', 'silver'],
  ])('%s at %i -> %s %s', (code, growth, action, to) => expect(evaluateTier(R, code, growth)).toEqual({ action, to }));
});

describe('validateTierRules', () => {
  const tweak = (f: (r: TierRules) => void) => {
    const r: TierRules = JSON.parse(JSON.stringify(R));
    f(r);
    return validateTierRules(r);
  };
  it('defaults are valid', () => expect(validateTierRules(R)).toEqual([]));
  it.each<[string, (r: TierRules) => void, RegExp]>([
    [
      'first tier above 0',
      (r) => {
        r.tiers[0].minGrowth = 10;
      },
      /start at growth 0/,
    ],
    [
      'overlapping thresholds',
      (r) => {
        r.tiers[2].minGrowth = 3000;
      },
      /increase strictly/,
    ],
    [
      'decreasing thresholds',
      (r) => {
        r.tiers[2].minGrowth = 100;
      },
      /increase strictly/,
    ],
    [
      'duplicate code',
      (r) => {
        r.tiers[1].code = 'gold';
      },
      /used twice/,
    ],
    [
      'bad code',
      (r) => {
        r.tiers[1].code = 'Silver Card';
      },
      /code must be/,
    ],
    [
      'multiplier below 100',
      (r) => {
        r.tiers[1].multiplierPercent = 90;
      },
      /multiplierPercent/,
    ],
    [
      'fractional multiplier',
      (r) => {
        r.tiers[1].multiplierPercent = 120.5;
      },
      /multiplierPercent/,
    ],
    [
      'negative growth',
      (r) => {
        r.tiers[1].minGrowth = -1;
      },
      /minGrowth/,
    ],
    [
      'empty name',
      (r) => {
        r.tiers[1].name = '';
      },
      /name/,
    ],
    [
      'window 0',
      (r) => {
        r.windowMonths = 0;
      },
      /windowMonths/,
    ],
    [
      'window 48',
      (r) => {
        r.windowMonths = 48;
      },
      /windowMonths/,
    ],
    [
      'negative grace',
      (r) => {
        r.graceDays = -1;
      },
      /graceDays/,
    ],
    [
      'negative gift',
      (r) => {
        r.tiers[0].birthdayGiftPoints = -5;
      },
      /birthdayGiftPoints/,
    ],
    [
      'no tiers',
      (r) => {
        r.tiers = [];
      },
      /at least one tier/,
    ],
  ])('%s', (_name, f, msg) => {
    const errors = tweak(f);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('; ')).toMatch(msg);
  });
});
