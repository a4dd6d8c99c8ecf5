import { DEFAULT_RFM_RULES, rfmScore, validateRfmRules } from './rfm';

describe('rfmScore', () => {
  it.each([
    [
      { recencyDays: null, frequency: 0, monetaryCents: 0 },
      { r: 0, f: 0, m: 0, segment: 'prospect' },
    ],
    [{ recencyDays: 3, frequency: 0, monetaryCents: 0 }, { segment: 'prospect' }],
    [
      { recencyDays: 3, frequency: 9, monetaryCents: 600_000 },
      { r: 5, f: 5, m: 5, segment: 'champion' },
    ],
    [
      { recencyDays: 30, frequency: 5, monetaryCents: 20_000 },
      { r: 5, f: 4, m: 2, segment: 'champion' },
    ],
    [
      { recencyDays: 31, frequency: 3, monetaryCents: 19_999 },
      { r: 4, f: 3, m: 1, segment: 'loyal' },
    ],
    [
      { recencyDays: 61, frequency: 3, monetaryCents: 50_000 },
      { r: 3, f: 3, m: 3, segment: 'loyal' },
    ],
    [
      { recencyDays: 5, frequency: 1, monetaryCents: 10_000 },
      { r: 5, f: 1, m: 1, segment: 'promising' },
    ],
    [
      { recencyDays: 120, frequency: 6, monetaryCents: 300_000 },
      { r: 2, f: 4, m: 4, segment: 'at_risk' },
    ],
    [
      { recencyDays: 400, frequency: 1, monetaryCents: 100 },
      { r: 1, f: 1, m: 1, segment: 'hibernating' },
    ],
    [
      { recencyDays: 75, frequency: 1, monetaryCents: 100 },
      { r: 3, f: 1, m: 1, segment: 'needs_attention' },
    ],
  ])('%j -> %j', (input, expected) => expect(rfmScore(input)).toMatchObject(expected));
});

describe('validateRfmRules', () => {
  it('defaults are valid', () => expect(validateRfmRules(DEFAULT_RFM_RULES)).toBeNull());
  it.each([
    [{ ...DEFAULT_RFM_RULES, frequency: [1, 1, 2, 3] }],
    [{ ...DEFAULT_RFM_RULES, recencyDays: [30, 60, 90] }],
    [{ ...DEFAULT_RFM_RULES, monetaryCents: [-1, 2, 3, 4] }],
    [{ ...DEFAULT_RFM_RULES, monetaryCents: [1.5, 2, 3, 4] }],
  ])('refuses %j', (rules) => expect(validateRfmRules(rules as never)).not.toBeNull());
});
