import {
  DEFAULT_REFERRAL_RULES as R,
  isReferralCode,
  milestoneAt,
  milestoneProgress,
  sharePath,
  validateReferralRules,
} from './referrals';

describe('referral codes', () => {
  it.each([
    ['ABCD2345', true],
    ['abcd2345', false],
    ['ABCD234', false],
    ['ABCD23450', false],
    ['ABCDO234', false],
    ['ABCD1234', false],
    ['ABCDIL23', false],
    [12345678, false],
    [null, false],
  ])('%p -> %p', (code, ok) => expect(isReferralCode(code)).toBe(ok));
  it('share path', () => expect(sharePath('ABCD2345')).toBe('/pages/index/index?ref=ABCD2345'));
});

describe('milestones', () => {
  it.each([
    [1, null],
    [2, null],
    [3, 1],
    [4, null],
    [6, 2],
    [9, 3],
    [0, null],
  ])('invite %i -> %p', (n, m) => expect(milestoneAt(R, n)).toBe(m));
  it('none when disabled', () => expect(milestoneAt({ ...R, milestoneEvery: 0 }, 3)).toBeNull());
  it.each([
    [0, 3, 3],
    [2, 3, 1],
    [3, 6, 3],
    [7, 9, 2],
  ])('progress after %i: next at %i, %i to go', (n, nextAt, remaining) =>
    expect(milestoneProgress(R, n)).toEqual({ every: 3, bonus: 300, nextAt, remaining }),
  );
});

describe('validateReferralRules', () => {
  it('defaults are valid', () => expect(validateReferralRules(R)).toBeNull());
  it.each([
    [{ inviterPoints: -1 }],
    [{ inviteePoints: 1.5 }],
    [{ trigger: 'share' }],
    [{ refundWindowDays: 91 }],
    [{ milestoneEvery: -3 }],
    [{ dailyCapPerInviter: -1 }],
  ])('refuses %j', (over) => expect(validateReferralRules({ ...R, ...(over as object) })).not.toBeNull());
});
