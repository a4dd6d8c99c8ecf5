import { addDaysToIsoDate, cycleStart, rewardFor, streakAt, type CheckinRules } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Q, type Step } from '../../db/database';
import { daysOfPairs, daysStep, decodeDays, decodeKeys, insertDaysStep, insertKeysStep, keysStep } from './store';
import type { Ledger, LedgerOp } from '../points/ledger';
import { balancesOf } from '../points/store';
import { activityStep } from '../members/activity';
import type { TierService } from '../tiers/service';

/** One tap on "check in": the business date and instant come from the server clock when it arrived. */
export interface CheckinRequest {
  memberId: number;
  date: string;
  now: Date;
  /** The client's Idempotency-Key, when it sent one. */
  key?: string;
}

export interface CheckinOutcome {
  date: string;
  streak: number;
  points: number;
  base: number;
  bonus: number;
  balance: number;
  replayed: boolean;
}

/** Splits a stored day's points back into base and streak bonus for display. */
export function splitReward(rules: CheckinRules, streak: number, total: number) {
  const bonus = Math.min(total, rewardFor(rules, streak).bonus);
  return { base: total - bonus, bonus, total };
}

/** How far back the streak can reach: the cycle start, or a bounded window when streaks never restart. */
export function streakWindowStart(today: string, cycle: CheckinRules['cycle']): string {
  return cycleStart(today, cycle) ?? addDaysToIsoDate(today, -400);
}

interface Stored {
  streak: number;
  points: number;
}

/**
 * Checks in a batch of requests for one business date, set-based: one read of the
 * members' days in the streak window, one multi-row INSERT of the new days, one
 * ledger pass (`checkin:<member>:<date>` keys), in the caller's transaction and in
 * two round trips and the commit (reads; days, keys and balances; then entries and lots go with the COMMIT).
 *
 * The (member, date) primary key is the guarantee: the read only skips days that
 * are already committed, and a day committed meanwhile by another instance makes
 * the INSERT fail on the key, which reruns the whole transaction (RetryTransaction)
 * so the rerun answers from the committed row. Several taps of one member in the
 * batch check in once; the first gets `replayed: false`, the others the same result
 * marked replayed. A request whose Idempotency-Key was already used answers with
 * the day that key checked in, even if that was yesterday.
 */
export async function checkinBatchIn(
  q: Q,
  deps: { ledger: Ledger; tiers: TierService },
  rules: CheckinRules,
  date: string,
  reqs: CheckinRequest[],
): Promise<CheckinOutcome[]> {
  // Ascending ids: concurrent batches lock the rows of shared members in the same order.
  const memberIds = [...new Set(reqs.map((r) => r.memberId))].sort((a, b) => a - b);
  const now = reqs.reduce((a, r) => (r.now > a ? r.now : a), reqs[0].now);

  // 1. In one round trip: keys seen before (and the day each one checked in), and the
  // members' days in the streak window (today's row means a replay).
  const keyed = reqs.filter((r) => r.key);
  const from = streakWindowStart(date, rules.cycle);
  const reads: Step[] = [daysStep(memberIds, from, date)];
  if (keyed.length)
    reads.push(
      keysStep(
        memberIds,
        keyed.map((r) => r.key!),
      ),
    );
  const [dayRows, keyRows] = await q.script(reads);
  const known = new Map<string, string>();
  for (const k of keyRows ? decodeKeys(keyRows) : []) known.set(`${k.memberId}:${k.key}`, k.date);
  const earlierDay = (r: CheckinRequest) => {
    const d = r.key ? known.get(`${r.memberId}:${r.key}`) : undefined;
    return d !== undefined && d !== date ? d : undefined;
  };

  const checked = new Map<number, Set<string>>();
  const todays = new Map<number, Stored>();
  for (const d of decodeDays(dayRows)) {
    if (!checked.has(d.memberId)) checked.set(d.memberId, new Set());
    checked.get(d.memberId)!.add(d.date);
    if (d.date === date) todays.set(d.memberId, { streak: d.streak, points: d.points });
  }

  // 3. New days: members with a request that is not a retry of an earlier day, and no row today yet.
  const fresh = memberIds.filter((m) => !todays.has(m) && reqs.some((r) => r.memberId === m && !earlierDay(r)));
  const multiplier =
    rules.tierMultiplier && fresh.length ? await multipliers(q, deps.tiers, fresh) : new Map<number, number>();
  const made = new Map<number, { streak: number; base: number; bonus: number; total: number }>();
  for (const m of fresh) {
    const set = checked.get(m) ?? new Set<string>();
    set.add(date);
    const streak = streakAt(set, date, rules.cycle);
    made.set(m, { streak, ...rewardFor(rules, streak, multiplier.get(m) ?? 100) });
  }
  // 4. The new days, and the new keys (so their retries answer with this day), go to
  // the database with the ledger's balance update, in one round trip.
  const writes: Step[] = [];
  if (fresh.length) {
    writes.push(
      insertDaysStep(
        fresh.map((m) => ({ memberId: m, date, streak: made.get(m)!.streak, points: made.get(m)!.total })),
        now,
      ),
    );
  }
  const newKeys = new Map<string, { memberId: number; key: string; date: string }>();
  for (const r of keyed)
    if (!known.has(`${r.memberId}:${r.key}`))
      newKeys.set(`${r.memberId}:${r.key}`, { memberId: r.memberId, key: r.key!, date });
  if (newKeys.size) writes.push(insertKeysStep([...newKeys.values()], now));
  // A check-in is activity (churn): the members' last active date rides in the same round trip.
  const touched = activityStep(fresh, date);
  if (touched) writes.push(touched);
  const balances = new Map<number, number>();
  try {
    if (fresh.length) {
      const ops: LedgerOp[] = fresh.map((m) => ({
        key: `checkin:${m}:${date}`,
        memberId: m,
        points: made.get(m)!.total,
        type: 'credit',
        reason: 'checkin',
        ref: `checkin:${date}`,
      }));
      // The (member, day) rows inserted with them are the natural key of these ledger keys: no replay check needed.
      const credits = await deps.ledger.creditBatchIn(q, ops, { keysAreNew: true, alongside: writes });
      for (const r of credits.values()) balances.set(r.memberId, r.balanceAfter);
    } else if (writes.length) {
      await q.script(writes);
    }
  } catch (err) {
    // A day or a key committed meanwhile by another instance: the rerun answers from the committed rows.
    if (isDuplicateKey(err)) throw new RetryTransaction(`a check-in on ${date} or its key was committed meanwhile`);
    throw err;
  }

  // 5. Replays: the stored rows of earlier days asked for by key, and current balances.
  const earlier = new Map<string, Stored>();
  const wanted = reqs
    .map((r) => [r.memberId, earlierDay(r)] as const)
    .filter((x): x is readonly [number, string] => x[1] !== undefined);
  if (wanted.length) {
    for (const r of await daysOfPairs(q, wanted))
      earlier.set(`${r.memberId}:${r.date}`, { streak: r.streak, points: r.points });
  }
  const needBalance = memberIds.filter((m) => !balances.has(m));
  if (needBalance.length) for (const [m, b] of await balancesOf(q, needBalance)) balances.set(m, b);

  const answered = new Set<number>();
  return reqs.map((r) => {
    const balance = balances.get(r.memberId) ?? 0;
    const prior = earlierDay(r);
    if (prior) {
      const row = earlier.get(`${r.memberId}:${prior}`);
      if (!row) throw new Error(`check-in key of member ${r.memberId} points at ${prior}, which has no check-in`);
      return replayOf(rules, prior, row, balance);
    }
    const m = made.get(r.memberId);
    if (m) {
      const first = !answered.has(r.memberId);
      answered.add(r.memberId);
      return { date, streak: m.streak, points: m.total, base: m.base, bonus: m.bonus, balance, replayed: !first };
    }
    return replayOf(rules, date, todays.get(r.memberId)!, balance);
  });
}

function replayOf(rules: CheckinRules, date: string, row: Stored, balance: number): CheckinOutcome {
  const { base, bonus } = splitReward(rules, row.streak, row.points);
  return { date, streak: row.streak, points: row.points, base, bonus, balance, replayed: true };
}

/** Tier multipliers of several members in one read (only when the rules use them). */
async function multipliers(q: Q, tiers: TierService, memberIds: number[]): Promise<Map<number, number>> {
  return tiers.multipliersOfIn(q, memberIds);
}
