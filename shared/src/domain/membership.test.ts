import { addMonths, DAY_MS, nextPeriod, planBonusPoints, refundQuote, withinCap } from './membership';

const at = (iso: string) => Date.parse(iso);

describe('periods', () => {
  it('adds calendar months with the day clamped to the month end', () => {
    expect(new Date(addMonths(at('2026-01-31T10:00:00Z'), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(new Date(addMonths(at('2026-11-15T00:00:00Z'), 3)).toISOString()).toBe('2027-02-15T00:00:00.000Z');
    expect(new Date(addMonths(at('2028-02-29T00:00:00Z'), 12)).toISOString()).toBe('2029-02-28T00:00:00.000Z');
  });
  it('a renewal before the end extends from the end; after it, from now', () => {
    const now = at('2026-12-01T00:00:00Z');
    const end = at('2026-12-20T00:00:00Z');
    expect(nextPeriod(end, now, 'month')).toEqual({ startsAt: end, endsAt: at('2027-01-20T00:00:00Z'), renewal: true });
    expect(nextPeriod(now - 1, now, 'year')).toEqual({
      startsAt: now,
      endsAt: at('2027-12-01T00:00:00Z'),
      renewal: false,
    });
    expect(nextPeriod(null, now, 'quarter').endsAt).toBe(at('2027-03-01T00:00:00Z'));
  });
});

describe('extra points', () => {
  it('multiplier gives the part above 100 % of the base; cash-back a share of the cash at the point value', () => {
    expect(planBonusPoints('multiplier', 150, { basePoints: 101, cashCents: 0, pointValueCents: 1 })).toBe(50);
    expect(planBonusPoints('multiplier', 100, { basePoints: 100, cashCents: 0, pointValueCents: 1 })).toBe(0);
    // 5 % of 99.99 yuan = 499.95 fen = 499 points at 1 fen per point.
    expect(planBonusPoints('cashback', 5, { basePoints: 0, cashCents: 9999, pointValueCents: 1 })).toBe(499);
    expect(planBonusPoints('cashback', 5, { basePoints: 0, cashCents: 9999, pointValueCents: 10 })).toBe(49);
  });
  it('the cap gives what is left, never below 0; 0 is no cap', () => {
    expect(withinCap(100, 950, 1000)).toBe(50);
    expect(withinCap(100, 1000, 1000)).toBe(0);
    expect(withinCap(100, 5000, 0)).toBe(100);
  });
});

describe('refund', () => {
  const base = { paidFen: 3000, startsAt: 0, endsAt: 30 * DAY_MS, fullRefundDays: 7, usedValueFen: 0, anyUsed: false };
  it('is full within the window when nothing was used', () => {
    expect(refundQuote({ ...base, now: 3 * DAY_MS })).toMatchObject({
      full: true,
      refundFen: 3000,
      cutMs: 27 * DAY_MS,
    });
  });
  it('is pro rata by whole unused days less the value used, never below 0', () => {
    const q = refundQuote({ ...base, now: 10 * DAY_MS + 1, usedValueFen: 200, anyUsed: true });
    expect(q).toMatchObject({ full: false, totalDays: 30, unusedDays: 19, refundFen: 1900 - 200 });
    expect(refundQuote({ ...base, now: 29 * DAY_MS, usedValueFen: 500, anyUsed: true }).refundFen).toBe(0);
  });
  it('a period not started yet is cut whole', () => {
    const q = refundQuote({ ...base, startsAt: 30 * DAY_MS, endsAt: 60 * DAY_MS, now: 12 * DAY_MS, anyUsed: true });
    expect(q).toMatchObject({ unusedDays: 30, refundFen: 3000, cutMs: 30 * DAY_MS });
  });
});
