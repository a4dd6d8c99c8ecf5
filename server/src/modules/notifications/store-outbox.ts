import { placeholders, type Q } from '../../db/database';
import { sql } from '../../db/dialect';

/**
 * All SQL on `outbox`: rows written with their cause, claimed under a lease on
 * the database's clock, and ended only by their owner. Re-exported by store.ts.
 */

export interface OutboxInsert {
  dedupeKey: string;
  kind: string;
  memberId: number | null;
  payload: Record<string, unknown>;
}

export interface OutboxRow {
  id: number;
  dedupe_key: string;
  kind: string;
  member_id: number | null;
  payload_json: string;
  attempts: number;
}

const OUTBOX_COLUMNS = 'dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, created_at';

// ---- outbox rows

/** One outbox row; a duplicate dedupe key is ignored. True when the row is new. */
export async function insertOutboxRow(q: Q, m: OutboxInsert, now: number, notBefore: number): Promise<boolean> {
  const inserted = await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO outbox (${OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
    [m.dedupeKey, m.kind, m.memberId, JSON.stringify(m.payload), notBefore, now],
  );
  return inserted === 1;
}

/** Many outbox rows in one multi-row insert; duplicates are ignored. Returns how many are new. */
export async function insertOutboxRows(q: Q, ms: OutboxInsert[], now: number): Promise<number> {
  if (!ms.length) return 0;
  return q.exec(
    `${sql.insertIgnore(q.dialect)} INTO outbox (${OUTBOX_COLUMNS}) VALUES ${ms.map(() => "(?, ?, ?, ?, 'pending', 0, ?, ?)").join(', ')}`,
    ms.flatMap((m) => [m.dedupeKey, m.kind, m.memberId, JSON.stringify(m.payload), now, now]),
  );
}

// Tier change > points expiring > birthday: the order in which a claim takes the rows of its window.
const PRIORITY: Record<string, number> = {
  tier_changed: 1,
  tier_at_risk: 2,
  points_expiring: 3,
  voucher_expiring: 4,
  birthday_gift: 5,
  referral_reward: 6,
};
const priorityOf = (kind: string) => PRIORITY[kind] ?? 7;

/**
 * Claims due rows for `owner` (a worker's claim token) until `leaseMs` past the
 * database's clock, and returns the rows it won. Three steps on an indexed
 * order, no ORDER BY expression (that sorted and locked the whole due set):
 * candidates are the oldest `window` pending due rows by (status,
 * next_attempt_at, id), plus rows whose lease has lapsed; the first `limit` of
 * them by kind priority are taken by a compare-and-set update that re-checks
 * they are still claimable; then the rows now owned by `owner` are read back.
 * SKIP LOCKED only spreads concurrent claims over different rows on MySQL; the
 * compare-and-set is the guard (TiDB parses SKIP LOCKED but takes no lock). The
 * lapsed rows are read without a lock: a locking read would hold every row in
 * flight until this claim commits, and the update re-checks them anyway.
 */
export async function claimDueRows(
  q: Q,
  owner: string,
  now: number,
  limit: number,
  leaseMs: number,
  window = limit * 2,
): Promise<OutboxRow[]> {
  const db = sql.nowMs(q.dialect);
  const pending = await q.all<{ id: number; kind: string }>(
    `SELECT id, kind FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
      ORDER BY next_attempt_at, id LIMIT ${Math.floor(window)}${sql.forUpdateSkipLocked(q.dialect)}`,
    [now],
  );
  const lapsed = await q.all<{ id: number; kind: string }>(
    `SELECT id, kind FROM outbox WHERE status = 'sending' AND lease_until < ${db} LIMIT ${Math.floor(limit)}`,
  );
  const ids = [...lapsed, ...pending]
    .map((r, i) => ({ id: Number(r.id), p: priorityOf(r.kind), i }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .slice(0, Math.floor(limit))
    .map((r) => r.id);
  if (!ids.length) return [];
  await q.exec(
    `UPDATE outbox SET status = 'sending', owner = ?, lease_until = ${db} + ?
      WHERE id IN (${placeholders(ids.length)})
        AND ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until < ${db}))`,
    [owner, leaseMs, ...ids, now],
  );
  const rows = await q.all<OutboxRow>(
    `SELECT id, dedupe_key, kind, member_id, payload_json, attempts FROM outbox
      WHERE id IN (${placeholders(ids.length)}) AND owner = ? AND status = 'sending'`,
    [...ids, owner],
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!);
}

/**
 * Pending rows due at `now`, counted up to `cap` (a backlog past it reads as the
 * cap), and the oldest one's due time: two range reads on (status,
 * next_attempt_at), so a scrape costs at most `cap` index entries.
 */
export async function dueSummary(q: Q, now: number, cap: number): Promise<{ due: number; oldest: number | null }> {
  const [count, oldest] = await q.script([
    [
      `SELECT COUNT(*) AS n FROM (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? LIMIT ${Math.floor(cap)}) due`,
      [now],
    ],
    ["SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?", [now]],
  ]);
  const at = oldest.rows[0]?.at;
  return { due: Number(count.rows[0]?.n ?? 0), oldest: at === null || at === undefined ? null : Number(at) };
}

/**
 * Extends the lease of a claimed row to `leaseMs` past the database's clock, if
 * `owner` still holds it. False when another worker took it over: the caller
 * must leave the row alone (it is not this worker's to send any more).
 */
export async function renewRow(q: Q, id: number, owner: string, leaseMs: number): Promise<boolean> {
  return (
    (await q.exec(
      `UPDATE outbox SET lease_until = ${sql.nowMs(q.dialect)} + ? WHERE id = ? AND owner = ? AND status = 'sending'`,
      [leaseMs, id, owner],
    )) === 1
  );
}

/** Puts a claimed row back to wait (quiet hours); only its owner can. */
export async function deferRow(q: Q, id: number, owner: string, until: number): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = 'pending', owner = NULL, lease_until = 0, next_attempt_at = ? WHERE id = ? AND owner = ? AND status = 'sending'",
    [until, id, owner],
  );
}

/** A failed send to try again at `at`; only the row's owner can. */
export async function retryRow(
  q: Q,
  id: number,
  owner: string,
  attempts: number,
  at: number,
  reason: string,
): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = 'pending', owner = NULL, lease_until = 0, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND owner = ? AND status = 'sending'",
    [attempts, at, reason, id, owner],
  );
}

/** Ends a claimed row: sent (on WeChat or to the inbox only) or parked; only its owner can (affected rows 0 otherwise). */
export async function finishRow(
  q: Q,
  id: number,
  owner: string,
  status: 'sent' | 'parked',
  channel: 'wechat' | 'inbox',
  sentAt: number | null,
  reason: string | null,
): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = ?, channel = ?, sent_at = ?, last_error = ?, lease_until = 0 WHERE id = ? AND owner = ? AND status = 'sending'",
    [status, channel, sentAt, reason, id, owner],
  );
}

/** Gives back rows `owner` claimed and has not finished (a stopping worker), for others to take at once. */
export async function releaseRows(q: Q, owner: string): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = 'pending', owner = NULL, lease_until = 0 WHERE status = 'sending' AND owner = ?",
    [owner],
  );
}

/** Of the given dedupe keys, those that have an outbox row (reconcile). */
export async function existingDedupeKeys(q: Q, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.all<{ dedupe_key: string }>(
    `SELECT dedupe_key FROM outbox WHERE dedupe_key IN (${placeholders(keys.length)})`,
    keys,
  );
  return new Set(rows.map((r) => r.dedupe_key));
}

/** Of the given members, those with at least one outbox row of `kind` (reconcile). */
export async function membersWithKind(q: Q, memberIds: number[], kind: string): Promise<Set<number>> {
  if (!memberIds.length) return new Set();
  const rows = await q.all<{ member_id: number }>(
    `SELECT DISTINCT member_id FROM outbox WHERE kind = ? AND member_id IN (${placeholders(memberIds.length)})`,
    [kind, ...memberIds],
  );
  return new Set(rows.map((r) => Number(r.member_id)));
}

/**
 * Retention: deletes at most `limit` outbox rows of `status` (sent or parked)
 * that ended before `before`, oldest first (by the (status, sent_at) index).
 * Pending and claimed rows are never touched.
 */
export function purgeEndedBefore(q: Q, status: 'sent' | 'parked', before: number, limit: number): Promise<number> {
  return q.exec(sql.deleteBatch(q.dialect, 'outbox', 'status = ? AND sent_at < ?', 'sent_at', limit), [status, before]);
}
