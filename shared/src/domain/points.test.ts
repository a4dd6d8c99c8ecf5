import {
  earningForPurchase,
  lotRemainingAfterCredit,
  MAX_PURCHASE_CENTS,
  planDebit,
  pointsForPurchase,
  validateAmountCents,
  validateEarningRules,
  validatePoints,
  type LotView,
} from './points';
import { DEFAULT_TIER_RULES } from './tiers';

const base = { centsPerPoint: 100, multipliers: [] };

describe('pointsForPurchase: each rule rounded down on its own', () => {
  it.each([
    [99, base, 0, [{ code: 'base', points: 0 }]],
    [100, base, 1, [{ code: 'base', points: 1 }]],
    [12_345, base, 123, [{ code: 'base', points: 123 }]],
    [
      12_345,
      { centsPerPoint: 100, multipliers: [{ code: 'tier', percent: 150 }] },
      184,
      [
        { code: 'base', points: 123 },
        { code: 'tier', points: 61 },
      ],
    ],
    [
      10_050,
      {
        centsPerPoint: 100,
        multipliers: [
          { code: 'tier', percent: 120 },
          { code: 'member_day', percent: 200 },
        ],
      },
      100 + 20 + 100,
      [
        { code: 'base', points: 100 },
        { code: 'tier', points: 20 },
        { code: 'member_day', points: 100 },
      ],
    ],
    [1000, { centsPerPoint: 100, multipliers: [{ code: 'tier', percent: 100 }] }, 10, [{ code: 'base', points: 10 }]],
    [
      MAX_PURCHASE_CENTS,
      { centsPerPoint: 1, multipliers: [{ code: 'tier', percent: 200 }] },
      2 * MAX_PURCHASE_CENTS,
      undefined,
    ],
  ])('%i cents', (cents, rules, total, lines) => {
    const r = pointsForPurchase(cents as number, rules as never);
    expect(r.total).toBe(total);
    if (lines) expect(r.lines).toEqual(lines);
    expect(r.lines.reduce((s, l) => s + l.points, 0)).toBe(r.total);
  });
  it.each([[0], [-1], [10.5], [Number.NaN], [MAX_PURCHASE_CENTS + 1], ['100' as never], [Infinity]])(
    'refuses amount %p',
    (c) => expect(() => pointsForPurchase(c as number, base)).toThrow(RangeError),
  );
  it('refuses a total beyond the points maximum', () =>
    expect(() =>
      pointsForPurchase(MAX_PURCHASE_CENTS, {
        centsPerPoint: 1,
        multipliers: [
          { code: 'x', percent: 1000 },
          { code: 'y', percent: 1000 },
        ],
      }),
    ).toThrow(/maximum/));
});

describe('validation', () => {
  it.each([
    [1, null],
    [MAX_PURCHASE_CENTS, null],
    [0, 'positive'],
    [-5, 'positive'],
    [1.5, 'whole'],
    [MAX_PURCHASE_CENTS + 1, 'at most'],
  ])('amount %p', (c, err) => {
    const r = validateAmountCents(c as number);
    if (err === null) expect(r).toBeNull();
    else expect(r).toContain(err);
  });
  it.each([
    [1, null],
    [2_147_483_647, null],
    [2_147_483_648, 'at most'],
    [0, 'positive'],
    [-1, 'positive'],
    [0.5, 'whole'],
  ])('points %p', (p, err) => {
    const r = validatePoints(p as number);
    if (err === null) expect(r).toBeNull();
    else expect(r).toContain(err);
  });
  it.each([
    [{ centsPerPoint: 0, multipliers: [] }],
    [{ centsPerPoint: 1.5, multipliers: [] }],
    [{ centsPerPoint: 100, multipliers: [{ code: 't', percent: 99 }] }],
    [{ centsPerPoint: 100, multipliers: [{ code: 't', percent: 1001 }] }],
  ])('refuses rules %j', (r) => expect(validateEarningRules(r)).not.toBeNull());
});

describe('planDebit: earliest expiry first, never-expiring last, expired skipped', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const lot = (id: string, remaining: number, expires: string | null, created = '2026-01-01T00:00:00Z'): LotView => ({
    id,
    remaining,
    expiresAt: expires ? new Date(expires) : null,
    createdAt: new Date(created),
  });
  const lots = [
    lot('never', 50, null),
    lot('late', 30, '2027-06-01T00:00:00Z'),
    lot('soon', 20, '2027-01-01T00:00:00Z'),
    lot('gone', 99, '2026-11-01T00:00:00Z'),
    lot('empty', 0, '2026-12-01T00:00:00Z'),
  ];
  it.each([
    [10, [{ lotId: 'soon', take: 10 }]],
    [20, [{ lotId: 'soon', take: 20 }]],
    [
      35,
      [
        { lotId: 'soon', take: 20 },
        { lotId: 'late', take: 15 },
      ],
    ],
    [
      100,
      [
        { lotId: 'soon', take: 20 },
        { lotId: 'late', take: 30 },
        { lotId: 'never', take: 50 },
      ],
    ],
  ])('%i points', (n, plan) => expect(planDebit(lots, n, now)).toEqual(plan));
  it('not enough in unexpired lots', () => expect(planDebit(lots, 101, now)).toBeNull());
  it('same expiry: oldest first', () => {
    const same = [
      lot('b', 5, '2027-01-01T00:00:00Z', '2026-05-01T00:00:00Z'),
      lot('a', 5, '2027-01-01T00:00:00Z', '2026-03-01T00:00:00Z'),
    ];
    expect(planDebit(same, 6, now)).toEqual([
      { lotId: 'a', take: 5 },
      { lotId: 'b', take: 1 },
    ]);
  });
});

describe('lotRemainingAfterCredit: a debt is paid off first', () => {
  it.each([
    [100, 100, 100],
    [20, 100, 20],
    [-5, 100, 0],
    [150, 100, 100],
    [0, 10, 0],
  ])('balance after %i, credited %i -> %i', (after, credited, remaining) =>
    expect(lotRemainingAfterCredit(after, credited)).toBe(remaining),
  );
});

describe('planDebit tie-break on numeric ids', () => {
  it('lot 9 goes before lot 10 when expiry and creation time are equal', () => {
    const at = new Date('2027-01-01T00:00:00Z');
    const made = new Date('2026-01-01T00:00:00Z');
    const lots = [
      { id: '10', remaining: 5, expiresAt: at, createdAt: made },
      { id: '9', remaining: 5, expiresAt: at, createdAt: made },
    ];
    expect(planDebit(lots, 6, new Date('2026-06-01T00:00:00Z'))).toEqual([
      { lotId: '9', take: 5 },
      { lotId: '10', take: 1 },
    ]);
  });
});

describe('earningForPurchase: the one purchase rule (counter and simulation)', () => {
  const rules = {
    earning: { centsPerPoint: 100, multipliers: [{ code: 'campaign', percent: 150 }], excludedOrderPrefixes: ['GC'] },
    memberDays: { weekdays: [2], monthDays: [], multiplierPercent: 200 },
    tiers: DEFAULT_TIER_RULES,
  };
  const buy = (orderNo: string | undefined, businessDate: string) =>
    earningForPurchase({ amountCents: 12_345, orderNo, businessDate, tierMultiplierPercent: 120 }, rules);

  it('adds campaign, tier and member-day lines in that order, and growth per whole yuan', () => {
    // 2026-03-10 is a Tuesday (ISO weekday 2): a member day.
    expect(buy('A1', '2026-03-10')).toEqual({
      excluded: false,
      memberDay: true,
      points: {
        total: 123 + 61 + 24 + 123,
        lines: [
          { code: 'base', points: 123 },
          { code: 'campaign', points: 61 },
          { code: 'tier', points: 24 },
          { code: 'member_day', points: 123 },
        ],
      },
      growth: 123,
    });
    expect(buy(undefined, '2026-03-11').memberDay).toBe(false);
    expect(buy(undefined, '2026-03-11').points.total).toBe(123 + 61 + 24);
  });

  it('an excluded order number earns neither points nor growth (a missing one is never excluded)', () => {
    expect(buy('GC-77', '2026-03-10')).toEqual({
      excluded: true,
      memberDay: true,
      points: { total: 0, lines: [] },
      growth: 0,
    });
    expect(buy(undefined, '2026-03-10').excluded).toBe(false);
  });
});
