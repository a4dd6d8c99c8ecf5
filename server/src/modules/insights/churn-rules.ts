import { businessDate, parseIsoDate, type ChurnRules } from '@huiyuan/shared';

const DAY_MS = 86_400_000;

/** Whole days from business date `a` to `b` (both YYYY-MM-DD): calendar arithmetic, no timezone involved. */
export function daysBetween(a: string, b: string): number {
  const x = parseIsoDate(a);
  const y = parseIsoDate(b);
  if (!x || !y) throw new Error(`not a date: ${a} / ${b}`);
  return Math.round((Date.UTC(y.year, y.month - 1, y.day) - Date.UTC(x.year, x.month - 1, x.day)) / DAY_MS);
}

/**
 * The stage a member is in after `quietDays` days without activity: the last
 * stage whose `fromDays` they reached. A member active today (0 quiet days) is in
 * no stage, whatever the first stage's `fromDays`: a stage begins with a day gone by quietly.
 */
export function stageFor(rules: ChurnRules, quietDays: number): ChurnRules['stages'][number] | null {
  if (quietDays < 1) return null;
  let found: ChurnRules['stages'][number] | null = null;
  for (const s of rules.stages) if (s.fromDays <= quietDays) found = s;
  return found;
}

/** Stages whose members are on their store's call list. */
export const callListStages = (rules: ChurnRules): string[] =>
  rules.stages.filter((s) => s.callList).map((s) => s.code);

/**
 * A member's last active date when none is recorded yet (members from before the
 * column): the later of their last ledger activity and their registration.
 */
export function fallbackLastActive(createdAt: number, lastLedgerActivity: number | undefined, tz: string): string {
  return businessDate(new Date(Math.max(createdAt, lastLedgerActivity ?? 0)), tz);
}

/** Monday of the business date's week (YYYY-MM-DD): the period of the weekly message cap. */
export function weekOf(date: string): string {
  const d = parseIsoDate(date)!;
  const dow = (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.year, d.month - 1, d.day - dow)).toISOString().slice(0, 10);
}

/** Whether an entry recovered within `days` of entering. */
export const recoveredWithin = (enteredOn: string, recoveredOn: string, days: number): boolean =>
  daysBetween(enteredOn, recoveredOn) <= days;
