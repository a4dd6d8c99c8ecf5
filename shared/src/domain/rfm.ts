/**
 * RFM segmentation from checkouts: recency (days since the last order), frequency
 * (orders in the last year) and monetary (net spend in cents in the last year),
 * each scored 1-5 against ascending thresholds, then named segments operators
 * can act on.
 */
export interface RfmRules {
  /** Days since the last order; fewer is better. Four ascending cut points. */
  recencyDays: [number, number, number, number];
  /** Orders in the window; more is better. */
  frequency: [number, number, number, number];
  /** Net spend in cents in the window; more is better. */
  monetaryCents: [number, number, number, number];
}

export const DEFAULT_RFM_RULES: RfmRules = {
  recencyDays: [30, 60, 90, 180],
  frequency: [2, 3, 5, 8],
  monetaryCents: [20_000, 50_000, 200_000, 500_000],
};

export const SEGMENTS = [
  'champion',
  'loyal',
  'promising',
  'at_risk',
  'hibernating',
  'needs_attention',
  'prospect',
] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface RfmInput {
  recencyDays: number | null;
  frequency: number;
  monetaryCents: number;
}
export interface RfmScore {
  r: number;
  f: number;
  m: number;
  segment: Segment;
}

/** 1 + how many cut points the value reaches (higher is better). */
function upScore(value: number, cuts: readonly number[]): number {
  return 1 + cuts.filter((c) => value >= c).length;
}

export function rfmScore(input: RfmInput, rules: RfmRules = DEFAULT_RFM_RULES): RfmScore {
  if (input.recencyDays === null || input.frequency <= 0) return { r: 0, f: 0, m: 0, segment: 'prospect' };
  // Recency is better when smaller: 5 within the first cut point, 1 beyond the last.
  const r = 5 - rules.recencyDays.filter((c) => input.recencyDays! > c).length;
  const f = upScore(input.frequency, rules.frequency);
  const m = upScore(input.monetaryCents, rules.monetaryCents);
  let segment: Segment = 'needs_attention';
  if (r >= 4 && f >= 4) segment = 'champion';
  else if (r >= 3 && f >= 3) segment = 'loyal';
  else if (r >= 4) segment = 'promising';
  else if (r <= 2 && f >= 3) segment = 'at_risk';
  else if (r <= 2) segment = 'hibernating';
  return { r, f, m, segment };
}

export function validateRfmRules(rules: RfmRules): string | null {
  for (const [name, cuts] of Object.entries(rules) as [string, number[]][]) {
    if (!Array.isArray(cuts) || cuts.length !== 4) return `${name}: four cut points`;
    if (cuts.some((c, i) => !Number.isSafeInteger(c) || c < 0 || (i > 0 && c <= cuts[i - 1])))
      return `${name}: whole numbers, strictly increasing`;
  }
  return null;
}
