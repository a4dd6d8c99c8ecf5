import { DEFAULT_EXPIRY_POLICY, expiresAt, isExpired, validateExpiryPolicy, type ExpiryPolicy } from './expiry';

const TZ = 'Asia/Shanghai';
const exp = (iso: string, p: ExpiryPolicy = DEFAULT_EXPIRY_POLICY) =>
  expiresAt(new Date(iso), p, TZ)?.toISOString() ?? null;

describe('default policy: end of the 12th month after earning, in business time', () => {
  it.each([
    ['2026-11-24T04:00:00Z', '2027-11-30T16:00:00.000Z'], // earned 24 Nov -> valid until 30 Nov 2027 ends
    ['2026-11-30T15:59:59Z', '2027-11-30T16:00:00.000Z'], // 23:59:59 on 30 Nov local: still November
    ['2026-11-30T16:00:00Z', '2027-12-31T16:00:00.000Z'], // 00:00 on 1 Dec local: December's lot
    ['2026-12-15T04:00:00Z', '2027-12-31T16:00:00.000Z'], // year rollover: December 2027 ends
    ['2027-02-28T04:00:00Z', '2028-02-29T16:00:00.000Z'], // leap February 2028 ends on the 29th
  ])('earned %s -> expires %s', (earned, expires) => expect(exp(earned)).toBe(expires));
});

describe('other policies', () => {
  it('months: 0 means the end of the earning month', () =>
    expect(exp('2026-11-24T04:00:00Z', { kind: 'endOfMonth', months: 0 })).toBe('2026-11-30T16:00:00.000Z'));
  it('days: at the end of the Nth business day after', () =>
    expect(exp('2026-11-24T04:00:00Z', { kind: 'days', days: 7 })).toBe('2026-12-01T16:00:00.000Z'));
  it('never', () => expect(exp('2026-11-24T04:00:00Z', { kind: 'never' })).toBeNull());
});

describe('isExpired: the boundary instant is exclusive', () => {
  const at = new Date('2027-11-30T16:00:00.000Z');
  it.each([
    [-1, false],
    [0, true],
    [1, true],
  ])('%i ms around the boundary', (d, expired) => expect(isExpired(at, new Date(at.getTime() + d))).toBe(expired));
  it('never-expiring lots never expire', () => expect(isExpired(null, new Date('2099-01-01'))).toBe(false));
});

describe('validateExpiryPolicy', () => {
  it.each<[ExpiryPolicy, boolean]>([
    [{ kind: 'endOfMonth', months: 12 }, true],
    [{ kind: 'endOfMonth', months: 0 }, true],
    [{ kind: 'endOfMonth', months: -1 }, false],
    [{ kind: 'endOfMonth', months: 1.5 }, false],
    [{ kind: 'endOfMonth', months: 121 }, false],
    [{ kind: 'days', days: 0 }, false],
    [{ kind: 'days', days: 365 }, true],
    [{ kind: 'never' }, true],
    [{ kind: 'weekly' } as never, false],
  ])('%j valid=%p', (p, ok) => expect(validateExpiryPolicy(p) === null).toBe(ok));
  it('expiresAt refuses an invalid policy', () =>
    expect(() => expiresAt(new Date(), { kind: 'days', days: -3 }, TZ)).toThrow(RangeError));
});
