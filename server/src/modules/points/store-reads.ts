import { placeholders as marks, type Q } from '../../db/database';

/**
 * Reads of the ledger that change nothing: what a member sees, what a member's
 * data export holds, the dashboard's figures and members' last activity. The
 * write side is store.ts.
 */

/** Entry types a member causes (expiry and claw-backs are not activity). */
const ACTIVITY_TYPES = "('credit', 'debit', 'adjust')";

export interface EntryView {
  id: number;
  delta: number;
  type: string;
  reason: string;
  ref: string | null;
  balanceAfter: number;
  storeId: number | null;
  createdAt: number;
}

/** A member's lots with points left that expire at or before `until`, earliest first. */
export async function lotsExpiringBy(
  q: Q,
  memberId: number,
  until: number,
): Promise<{ remaining: number; expiresAt: number }[]> {
  const rows = await q.all<{ remaining: number; expires_at: number }>(
    `SELECT remaining, expires_at FROM points_lots
     WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?
     ORDER BY expires_at, id`,
    [memberId, until],
  );
  return rows.map((r) => ({ remaining: Number(r.remaining), expiresAt: Number(r.expires_at) }));
}

/**
 * A page of a member's entries, newest first, keyset on (created_at, id) after
 * `before` when given; `limit` rows at most.
 */
export async function entriesPage(
  q: Q,
  memberId: number,
  before: { at: number; id: number } | null,
  limit: number,
): Promise<EntryView[]> {
  const rows = await q.all<{
    id: number;
    delta: number;
    type: string;
    reason: string;
    ref: string | null;
    balance_after: number;
    store_id: number | null;
    created_at: number;
  }>(
    `SELECT id, delta, type, reason, ref, balance_after, store_id, created_at FROM points_entries
     WHERE member_id = ?${before ? ' AND (created_at < ? OR (created_at = ? AND id < ?))' : ''}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    before ? [memberId, before.at, before.at, before.id, limit] : [memberId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    delta: Number(r.delta),
    type: r.type,
    reason: r.reason,
    ref: r.ref,
    balanceAfter: Number(r.balance_after),
    storeId: r.store_id === null ? null : Number(r.store_id),
    createdAt: Number(r.created_at),
  }));
}

/** The delta of the entry written under a key (undefined: no such entry). */
export async function deltaOfKey(q: Q, key: string): Promise<number | undefined> {
  const row = await q.one<{ delta: number }>('SELECT delta FROM points_entries WHERE idem_key = ?', [key]);
  return row ? Number(row.delta) : undefined;
}

/** key -> delta of the entries written under these keys, in one statement (absent: no such entry). */
export async function deltasOfKeys(q: Q, keys: string[]): Promise<Map<string, number>> {
  if (!keys.length) return new Map();
  const rows = await q.all<{ idem_key: string; delta: number }>(
    `SELECT idem_key, delta FROM points_entries WHERE idem_key IN (${marks(keys.length)})`,
    keys,
  );
  return new Map(rows.map((r) => [r.idem_key, Number(r.delta)]));
}

/**
 * A member's ledger as the member's data export shows it: raw rows (column names
 * as stored, oldest first), balance 0 without an account.
 */
export async function exportOf(
  q: Q,
  memberId: number,
): Promise<{ balance: number; entries: Record<string, unknown>[]; lots: Record<string, unknown>[] }> {
  const acct = await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]);
  const entries = await q.all(
    'SELECT id, delta, type, reason, ref, balance_after, store_id, created_at FROM points_entries WHERE member_id = ? ORDER BY id',
    [memberId],
  );
  const lots = await q.all(
    'SELECT id, earned, remaining, expires_at, created_at FROM points_lots WHERE member_id = ? ORDER BY id',
    [memberId],
  );
  return { balance: Number(acct?.balance ?? 0), entries, lots };
}

// Reports -----------------------------------------------------------------------

/** Members with activity (credit, debit or adjustment) in [from, to). */
export async function activeMemberCount(q: Q, from: number, to: number): Promise<number> {
  const row = await q.one<{ n: number }>(
    `SELECT COUNT(DISTINCT member_id) AS n FROM points_entries WHERE type IN ${ACTIVITY_TYPES} AND created_at >= ? AND created_at < ?`,
    [from, to],
  );
  return Number(row?.n ?? 0);
}

/** Points moved in [from, to), optionally at one store, by kind of movement (all positive numbers). */
export async function movementTotals(
  q: Q,
  from: number,
  to: number,
  storeId: number | null,
): Promise<{ issued: number; redeemed: number; expired: number; reversed: number }> {
  const sum = async (where: string) => {
    const row = await q.one<{ n: number }>(
      `SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE ${where} AND created_at >= ? AND created_at < ?${storeId === null ? '' : ' AND store_id = ?'}`,
      storeId === null ? [from, to] : [from, to, storeId],
    );
    return Number(row?.n ?? 0);
  };
  // Outgoing sums are negative; 0 - x keeps an empty sum at 0, not -0.
  return {
    issued: await sum("delta > 0 AND type IN ('credit', 'adjust')"),
    redeemed: 0 - (await sum("delta < 0 AND type IN ('debit', 'adjust')")),
    expired: 0 - (await sum("type = 'expire'")),
    reversed: 0 - (await sum("type = 'reversal'")),
  };
}

/** The liability: points members hold now (debts do not lower it). */
export async function outstandingPoints(q: Q): Promise<number> {
  const row = await q.one<{ n: number }>(
    'SELECT COALESCE(SUM(balance), 0) AS n FROM points_accounts WHERE balance > 0',
  );
  return Number(row?.n ?? 0);
}

/** Of these members, those with activity at or after `since` (one statement). */
export async function activeSince(q: Q, memberIds: number[], since: number): Promise<Set<number>> {
  if (!memberIds.length) return new Set();
  const rows = await q.all<{ member_id: number }>(
    `SELECT DISTINCT member_id FROM points_entries WHERE member_id IN (${marks(memberIds.length)}) AND type IN ${ACTIVITY_TYPES} AND created_at >= ?`,
    [...memberIds, since],
  );
  return new Set(rows.map((r) => Number(r.member_id)));
}

/** Each member's last activity (absent: none), in one statement. */
export async function lastActivity(q: Q, memberIds: number[]): Promise<Map<number, number>> {
  if (!memberIds.length) return new Map();
  const rows = await q.all<{ member_id: number; at: number }>(
    `SELECT member_id, MAX(created_at) AS at FROM points_entries WHERE member_id IN (${marks(memberIds.length)}) AND type IN ${ACTIVITY_TYPES} GROUP BY member_id`,
    memberIds,
  );
  return new Map(rows.map((r) => [Number(r.member_id), Number(r.at)]));
}

/** Entries with one of these reasons, by id after `after` (keyset), `limit` at most (reconcile). */
export async function entriesWithReasons(
  q: Q,
  reasons: string[],
  after: number,
  limit: number,
): Promise<{ id: number; key: string; reason: string; memberId: number; delta: number }[]> {
  if (!reasons.length) return [];
  const rows = await q.all<{ id: number; idem_key: string; reason: string; member_id: number; delta: number }>(
    `SELECT id, idem_key, reason, member_id, delta FROM points_entries WHERE reason IN (${marks(reasons.length)}) AND id > ? ORDER BY id LIMIT ${Math.floor(limit)}`,
    [...reasons, after],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    key: r.idem_key,
    reason: r.reason,
    memberId: Number(r.member_id),
    delta: Number(r.delta),
  }));
}

// Expiry job -----------------------------------------------------------------------

/** Members after `after` (by id) with lots due at `at`, `limit` at most, ascending. */
export async function membersWithDueLots(q: Q, after: number, at: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT DISTINCT member_id FROM points_lots WHERE member_id > ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [after, at],
  );
  return rows.map((r) => Number(r.member_id));
}

/**
 * Points expiring in (from, to], summed per member and expiry instant: one page
 * in (expires_at, member_id) order after the keyset `after` (the reminder walks
 * them page by page instead of holding a week of expiries in memory).
 */
export async function expiringBetween(
  q: Q,
  from: number,
  to: number,
  after: { expiresAt: number; memberId: number } | null = null,
  limit = 1000,
): Promise<{ memberId: number; expiresAt: number; points: number }[]> {
  const rows = await q.all<{ member_id: number; expires_at: number; points: number }>(
    `SELECT member_id, expires_at, SUM(remaining) AS points FROM points_lots
     WHERE remaining > 0 AND expires_at > ? AND expires_at <= ? AND (expires_at > ? OR (expires_at = ? AND member_id > ?))
     GROUP BY expires_at, member_id ORDER BY expires_at, member_id LIMIT ${Math.floor(limit)}`,
    [from, to, after?.expiresAt ?? from, after?.expiresAt ?? from, after?.memberId ?? 0],
  );
  return rows.map((r) => ({
    memberId: Number(r.member_id),
    expiresAt: Number(r.expires_at),
    points: Number(r.points),
  }));
}

/** Points moved in [from, to) per store (0: no store), by kind (all positive numbers): the daily rollup. */
export async function movementsByStore(
  q: Q,
  from: number,
  to: number,
): Promise<Map<number, { issued: number; redeemed: number; expired: number; reversed: number }>> {
  const rows = await q.all<{ s: number; issued: number; redeemed: number; expired: number; reversed: number }>(
    `SELECT COALESCE(store_id, 0) AS s,
            COALESCE(SUM(CASE WHEN delta > 0 AND type IN ('credit', 'adjust') THEN delta ELSE 0 END), 0) AS issued,
            COALESCE(SUM(CASE WHEN delta < 0 AND type IN ('debit', 'adjust') THEN -delta ELSE 0 END), 0) AS redeemed,
            COALESCE(SUM(CASE WHEN type = 'expire' THEN -delta ELSE 0 END), 0) AS expired,
            COALESCE(SUM(CASE WHEN type = 'reversal' THEN -delta ELSE 0 END), 0) AS reversed
       FROM points_entries WHERE created_at >= ? AND created_at < ? GROUP BY COALESCE(store_id, 0)`,
    [from, to],
  );
  const num = (v: unknown) => Number(v ?? 0);
  return new Map(
    rows.map((r) => [
      num(r.s),
      { issued: num(r.issued), redeemed: num(r.redeemed), expired: num(r.expired), reversed: num(r.reversed) },
    ]),
  );
}

/** Ids of members with activity (credit, debit or adjustment) in [from, to): a day's active set. */
export async function activeMemberIds(q: Q, from: number, to: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT DISTINCT member_id FROM points_entries WHERE type IN ${ACTIVITY_TYPES} AND created_at >= ? AND created_at < ?`,
    [from, to],
  );
  return rows.map((r) => Number(r.member_id));
}
