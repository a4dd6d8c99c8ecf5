import type { Q } from '../../db/database';

/**
 * The ledger's reconcile checks as set-based statements: each returns the rows
 * that break an invariant (at most `limit`; empty = holds). Called by invariants.ts.
 */
type Rows = Promise<Record<string, unknown>[]>;
const lim = (limit: number) => Math.floor(limit);

/** Accounts whose cached balance differs from the sum of their entries. */
export function balancesOffEntries(q: Q, limit: number): Rows {
  return q.all(
    `SELECT a.member_id, a.balance, COALESCE(s.total, 0) AS ledger_total
     FROM points_accounts a
     LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM points_entries GROUP BY member_id) s ON s.member_id = a.member_id
    WHERE a.balance <> COALESCE(s.total, 0)
    LIMIT ${lim(limit)}`,
  );
}

/** Accounts whose lots keep other than the balance (0 when in debt). */
export function balancesOffLots(q: Q, limit: number): Rows {
  return q.all(
    `SELECT a.member_id, a.balance, COALESCE(l.remaining, 0) AS lots_remaining
     FROM points_accounts a
     LEFT JOIN (SELECT member_id, SUM(remaining) AS remaining FROM points_lots GROUP BY member_id) l ON l.member_id = a.member_id
    WHERE COALESCE(l.remaining, 0) <> CASE WHEN a.balance > 0 THEN a.balance ELSE 0 END
    LIMIT ${lim(limit)}`,
  );
}

/** Lots keeping less than 0 or more than they earned. */
export function lotsOutOfRange(q: Q, limit: number): Rows {
  return q.all(
    `SELECT id, member_id, earned, remaining FROM points_lots WHERE remaining < 0 OR remaining > earned LIMIT ${lim(limit)}`,
  );
}

/** Lots whose allocations took more than the lot gave up. */
export function lotsOverAllocated(q: Q, limit: number): Rows {
  return q.all(
    `SELECT l.id, l.earned, l.remaining, s.taken
     FROM points_lots l JOIN (SELECT lot_id, SUM(points) AS taken FROM points_allocations GROUP BY lot_id) s ON s.lot_id = l.id
    WHERE s.taken > l.earned - l.remaining
    LIMIT ${lim(limit)}`,
  );
}

/** Accounts below zero without a claw-back entry (the only way into debt). */
export function debtsWithoutClawback(q: Q, limit: number): Rows {
  return q.all(
    `SELECT a.member_id, a.balance FROM points_accounts a
    WHERE a.balance < 0 AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.member_id = a.member_id AND e.type = 'reversal')
    LIMIT ${lim(limit)}`,
  );
}

/**
 * Members whose account changed at or after `since` (by the updated_at index, every
 * balance change writes it), by id after `after`: the incremental reconcile's set.
 */
export async function touchedSince(q: Q, since: number, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT member_id FROM points_accounts WHERE updated_at >= ? AND member_id > ? ORDER BY member_id LIMIT ${lim(limit)}`,
    [since, after],
  );
  return rows.map((r) => Number(r.member_id));
}

const inList = (ids: number[]) => ids.map(() => '?').join(', ');

/** `balancesOffEntries` for the given members only (each aggregate reads just their rows). */
export function balancesOffEntriesOf(q: Q, ids: number[], limit: number): Rows {
  if (!ids.length) return Promise.resolve([]);
  return q.all(
    `SELECT a.member_id, a.balance, COALESCE(s.total, 0) AS ledger_total
     FROM points_accounts a
     LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM points_entries WHERE member_id IN (${inList(ids)}) GROUP BY member_id) s
       ON s.member_id = a.member_id
    WHERE a.member_id IN (${inList(ids)}) AND a.balance <> COALESCE(s.total, 0)
    LIMIT ${lim(limit)}`,
    [...ids, ...ids],
  );
}

/** `balancesOffLots` for the given members only. */
export function balancesOffLotsOf(q: Q, ids: number[], limit: number): Rows {
  if (!ids.length) return Promise.resolve([]);
  return q.all(
    `SELECT a.member_id, a.balance, COALESCE(l.remaining, 0) AS lots_remaining
     FROM points_accounts a
     LEFT JOIN (SELECT member_id, SUM(remaining) AS remaining FROM points_lots WHERE member_id IN (${inList(ids)}) GROUP BY member_id) l
       ON l.member_id = a.member_id
    WHERE a.member_id IN (${inList(ids)}) AND COALESCE(l.remaining, 0) <> CASE WHEN a.balance > 0 THEN a.balance ELSE 0 END
    LIMIT ${lim(limit)}`,
    [...ids, ...ids],
  );
}

/** `debtsWithoutClawback` for the given members only. */
export function debtsWithoutClawbackOf(q: Q, ids: number[], limit: number): Rows {
  if (!ids.length) return Promise.resolve([]);
  return q.all(
    `SELECT a.member_id, a.balance FROM points_accounts a
    WHERE a.member_id IN (${inList(ids)}) AND a.balance < 0
      AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.member_id = a.member_id AND e.type = 'reversal')
    LIMIT ${lim(limit)}`,
    ids,
  );
}
