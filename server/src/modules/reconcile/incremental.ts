import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import { finishRun, insertRun, lastFinishedStart } from '../../jobs/store';
import { touchedSince } from '../points/store-checks';
import { checkInvariants, invariantNames, memberScopedChecks, type Violation } from './invariants';

/** The run record's job name: its start is the next incremental pass's marker. */
const RUN = 'reconcile';
const PAGE = 1000;
/**
 * A unit of work that began before a run started can commit after it with an
 * older `updated_at` (the server's clock at the write): the next pass looks back
 * this much before the last run's start, far longer than any transaction.
 */
export const LOOKBACK_MS = 10 * 60_000;

export interface ReconcileResult {
  mode: 'full' | 'incremental';
  /** The incremental pass's marker: accounts changed at or after this were checked. */
  since: number | null;
  /** Members checked one by one (incremental), or null for the full pass. */
  members: number | null;
  /** The checks that ran. */
  checked: string[];
  violations: Violation[];
}

/**
 * `npm run reconcile`: the incremental pass checks only members whose account
 * changed since the last finished run (less `LOOKBACK_MS`), by the account's
 * `updated_at` (written with every balance change), with each member-scoped
 * check; the full pass (`--full`, or when no run has finished yet) checks every
 * invariant over the whole database. Each run is recorded in job_runs, so the
 * next incremental pass knows where to start.
 */
export async function reconcile(
  db: Database,
  opts: { full?: boolean; now: number; limitPerCheck?: number },
): Promise<ReconcileResult> {
  const limit = opts.limitPerCheck ?? 20;
  const last = opts.full ? null : await db.read((q) => lastFinishedStart(q, RUN));
  const runKey = `${RUN}:${opts.now}:${randomUUID().slice(0, 8)}`;
  const runId = await db.tx((q) => insertRun(q, RUN, runKey, opts.full ? 'full' : 'incremental', opts.now));
  let result: ReconcileResult;
  if (last === null) {
    const violations = await checkInvariants(db, limit);
    result = { mode: 'full', since: null, members: null, checked: invariantNames(), violations };
  } else {
    const since = last - LOOKBACK_MS;
    const violations: Violation[] = [];
    let members = 0;
    const checks = memberScopedChecks();
    for (let after = 0; ;) {
      const ids = await db.read((q) => touchedSince(q, since, after, PAGE));
      if (!ids.length) break;
      members += ids.length;
      after = ids[ids.length - 1];
      await db.read(async (q) => {
        for (const check of checks) {
          const shown = violations.filter((v) => v.invariant === check.name).length;
          if (shown >= limit) continue;
          for (const detail of await check.runFor!(q, ids, limit - shown))
            violations.push({ invariant: check.name, detail });
        }
      });
    }
    result = { mode: 'incremental', since, members, checked: checks.map((c) => c.name), violations };
  }
  const detail = JSON.stringify({ mode: result.mode, members: result.members, violations: result.violations.length });
  await db.tx((q) => finishRun(q, runId, result.members ?? 0, detail, Date.now()));
  return result;
}
