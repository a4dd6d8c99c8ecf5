import {
  DEFAULT_POINTS_CASH,
  discountCentsFor,
  maxRedeemablePoints,
  pointsForCents,
  redeemedBack,
  splitPayment,
  validatePointsCash,
  type PointsCashRules,
} from './points-cash';
import { earningForCashPart } from './points';
import { DEFAULT_TIER_RULES } from './tiers';

const rules: PointsCashRules = { ...DEFAULT_POINTS_CASH, perMemberDailyPoints: 0 };

describe('maxRedeemablePoints', () => {
  it('is capped by the share of the order, the balance and the daily cap left', () => {
    // 100 yuan, 50 %: 50 yuan = 5,000 points at 100 points per yuan.
    expect(maxRedeemablePoints({ amountCents: 10_000, balance: 9_999, redeemedToday: 0 }, rules)).toBe(5_000);
    expect(maxRedeemablePoints({ amountCents: 10_000, balance: 1_234, redeemedToday: 0 }, rules)).toBe(1_234);
    const daily = { ...rules, perMemberDailyPoints: 3_000 };
    expect(maxRedeemablePoints({ amountCents: 10_000, balance: 9_999, redeemedToday: 2_500 }, daily)).toBe(500);
    expect(maxRedeemablePoints({ amountCents: 10_000, balance: 9_999, redeemedToday: 3_500 }, daily)).toBe(0);
    expect(maxRedeemablePoints({ amountCents: 10_000, balance: -50, redeemedToday: 0 }, rules)).toBe(0);
    expect(
      maxRedeemablePoints({ amountCents: 10_000, balance: 9_999, redeemedToday: 0 }, { ...rules, enabled: false }),
    ).toBe(0);
    expect(maxRedeemablePoints({ amountCents: 10_001, balance: 9_999, redeemedToday: 0 }, rules)).toBe(5_000);
  });

  it('never spends a point for a fraction of a cent', () => {
    // 1,000 points per yuan: 10 points a cent; 1,234 points buy 123 cents, for 1,230 points.
    const fine = { ...rules, pointsPerYuan: 1_000 };
    expect(maxRedeemablePoints({ amountCents: 100_000, balance: 1_234, redeemedToday: 0 }, fine)).toBe(1_230);
    expect(splitPayment(100_000, 1_234, 1_000)).toEqual({ points: 1_230, discountCents: 123, cashCents: 99_877 });
  });
});

describe('splitPayment and conversions', () => {
  it('splits an order into points discount and cash, the parts adding up', () => {
    expect(splitPayment(10_000, 2_000, 100)).toEqual({ points: 2_000, discountCents: 2_000, cashCents: 8_000 });
    expect(splitPayment(10_000, 0, 100)).toEqual({ points: 0, discountCents: 0, cashCents: 10_000 });
    // 10 points per yuan: a point is 10 cents.
    expect(splitPayment(10_000, 7, 10)).toEqual({ points: 7, discountCents: 70, cashCents: 9_930 });
    for (const ppy of [1, 7, 30, 100, 333, 1_000]) {
      for (const pts of [0, 1, 2, 3, 99, 100, 101, 12_345]) {
        const s = splitPayment(50_000, pts, ppy);
        expect(s.points).toBeLessThanOrEqual(pts);
        expect(s.discountCents + s.cashCents).toBe(50_000);
        expect(discountCentsFor(s.points, ppy)).toBe(s.discountCents);
        expect(pointsForCents(s.discountCents, ppy)).toBe(s.points);
      }
    }
  });

  it('validates the rules', () => {
    expect(validatePointsCash(DEFAULT_POINTS_CASH)).toBeNull();
    expect(validatePointsCash({ ...rules, pointsPerYuan: 0 })).toMatch(/pointsPerYuan/);
    expect(validatePointsCash({ ...rules, maxSharePercent: 101 })).toMatch(/maxSharePercent/);
    expect(validatePointsCash({ ...rules, perMemberDailyPoints: -1 })).toMatch(/perMemberDailyPoints/);
  });
});

describe('earningForCashPart: points and growth on the cash part only', () => {
  const purchase = {
    earning: { centsPerPoint: 100, multipliers: [] },
    memberDays: { weekdays: [], monthDays: [], multiplierPercent: 200 },
    tiers: DEFAULT_TIER_RULES,
  };
  it('earns on what was paid in cash', () => {
    const e = earningForCashPart(
      { cashCents: 8_050, businessDate: '2026-12-01', tierMultiplierPercent: 100 },
      purchase,
    );
    expect(e.points.total).toBe(80);
    expect(e.growth).toBe(80);
  });
  it('earns nothing when points paid it all', () => {
    const e = earningForCashPart({ cashCents: 0, businessDate: '2026-12-01', tierMultiplierPercent: 150 }, purchase);
    expect(e.points).toEqual({ total: 0, lines: [] });
    expect(e.growth).toBe(0);
  });
});

describe('redeemedBack: refunds return redeemed points in proportion', () => {
  it('rounds down on the way and gives back exactly everything at the end', () => {
    expect(redeemedBack(1_001, 3_333, 10_000)).toBe(333);
    expect(redeemedBack(1_001, 10_000, 10_000)).toBe(1_001);
    expect(redeemedBack(0, 5_000, 10_000)).toBe(0);
  });
  it.each([
    [1_001, 10_000, [3_333, 3_333, 3_334]],
    [7, 999, [1, 1, 1, 996]],
    [5_000, 10_001, [1, 5_000, 5_000]],
    [3, 3, [1, 1, 1]],
  ])('%i points over partial refunds of %i cents add up', (redeemed, amount, parts) => {
    let refunded = 0;
    let given = 0;
    for (const part of parts) {
      refunded += part;
      const step = redeemedBack(redeemed, refunded, amount) - given;
      expect(step).toBeGreaterThanOrEqual(0);
      given += step;
    }
    expect(given).toBe(redeemed);
  });
});
