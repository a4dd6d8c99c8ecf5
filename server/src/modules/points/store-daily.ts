import type { Q } from '../../db/database';
import { stepsFrom } from '../../db/dialect';

/**
 * The dashboard rollups' reads of the ledger over a range of whole business
 * days at once (a backfill): one pass over the range instead of one index walk
 * per day. Days are numbered from `base` (the first day's start, epoch ms) in
 * steps of 24 h, so the caller uses them only where every day of the range is
 * 24 h long (a zone without daylight saving in it).
 */

const ACTIVITY_TYPES = "('credit', 'debit', 'adjust')";
const dayOf = (q: Q) => stepsFrom(q.dialect, 'created_at', 86_400_000);

export interface DayMovements {
  day: number;
  storeId: number;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
}

/** Sums per (day, store) of the entries made in [base, end), as `movementsByStore` per day. */
export async function movementsByDay(q: Q, base: number, end: number): Promise<DayMovements[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${dayOf(q)} AS d, COALESCE(store_id, 0) AS s,
            COALESCE(SUM(CASE WHEN delta > 0 AND type IN ('credit', 'adjust') THEN delta ELSE 0 END), 0) AS issued,
            COALESCE(SUM(CASE WHEN delta < 0 AND type IN ('debit', 'adjust') THEN -delta ELSE 0 END), 0) AS redeemed,
            COALESCE(SUM(CASE WHEN type = 'expire' THEN -delta ELSE 0 END), 0) AS expired,
            COALESCE(SUM(CASE WHEN type = 'reversal' THEN -delta ELSE 0 END), 0) AS reversed
       FROM points_entries WHERE created_at >= ? AND created_at < ? GROUP BY d, s`,
    [base, base, end],
  );
  const n = (v: unknown) => Number(v ?? 0);
  return rows.map((r) => ({
    day: n(r.d),
    storeId: n(r.s),
    issued: n(r.issued),
    redeemed: n(r.redeemed),
    expired: n(r.expired),
    reversed: n(r.reversed),
  }));
}

/** Each (day, member) with activity in [base, end), as `activeMemberIds` per day. */
export async function activeMembersByDay(
  q: Q,
  base: number,
  end: number,
): Promise<{ day: number; memberId: number }[]> {
  const rows = await q.all<{ d: number; member_id: number }>(
    `SELECT DISTINCT ${dayOf(q)} AS d, member_id FROM points_entries
      WHERE type IN ${ACTIVITY_TYPES} AND created_at >= ? AND created_at < ?`,
    [base, base, end],
  );
  return rows.map((r) => ({ day: Number(r.d), memberId: Number(r.member_id) }));
}
