import { placeholders as marks, type Q, type Step } from '../../db/database';
import { forUpdate } from '../../db/dialect';

/**
 * The only place points_pending and points_pending_entries are named. A pending
 * row is one purchase's points held back until `release_at`: what was held
 * (`points`), what refunds cancelled and what was released to the ledger, and its
 * state (pending, released, cancelled), changed only by guarded updates. Every
 * change of it is also an append-only pending entry (hold +, cancel -, release -).
 */

export interface NewPending {
  memberId: number;
  key: string;
  points: number;
  releaseAt: number;
  reason: string;
  ref: string | null;
  storeId: number | null;
  operatorId: number | null;
  note: string | null;
}

/** Holds a purchase's points; throws the driver's duplicate-key error when the key is taken. Returns the row id. */
export async function insertPending(q: Q, p: NewPending, now: number): Promise<number> {
  return q.insert(
    `INSERT INTO points_pending (member_id, idem_key, points, cancelled, released, state, release_at, reason, ref, store_id, operator_id, note, created_at, updated_at)
     VALUES (?, ?, ?, 0, 0, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.memberId, p.key, p.points, p.releaseAt, p.reason, p.ref, p.storeId, p.operatorId, p.note, now, now],
  );
}

export interface PendingEntry {
  pendingId: number;
  memberId: number;
  delta: number;
  kind: 'hold' | 'cancel' | 'release';
  key: string;
}

/** Pending entries in one multi-row INSERT (a duplicate key fails it whole). */
export function insertPendingEntriesStep(entries: PendingEntry[], now: number): Step {
  return [
    `INSERT INTO points_pending_entries (pending_id, member_id, delta, kind, idem_key, created_at) VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    entries.flatMap((e) => [e.pendingId, e.memberId, e.delta, e.kind, e.key, now]),
  ];
}

export interface PendingRow {
  id: number;
  memberId: number;
  key: string;
  points: number;
  cancelled: number;
  released: number;
  state: 'pending' | 'released' | 'cancelled';
  releaseAt: number;
  reason: string;
  ref: string | null;
  storeId: number | null;
  operatorId: number | null;
  note: string | null;
}

const COLS =
  'id, member_id, idem_key, points, cancelled, released, state, release_at, reason, ref, store_id, operator_id, note';

function decode(r: Record<string, unknown>): PendingRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    memberId: Number(r.member_id),
    key: String(r.idem_key),
    points: Number(r.points),
    cancelled: Number(r.cancelled),
    released: Number(r.released),
    state: r.state as PendingRow['state'],
    releaseAt: Number(r.release_at),
    reason: String(r.reason),
    ref: (r.ref as string | null) ?? null,
    storeId: n(r.store_id),
    operatorId: n(r.operator_id),
    note: (r.note as string | null) ?? null,
  };
}

/** The pending row held under a key, with its row lock until the commit. */
export async function lockPendingByKey(q: Q, key: string): Promise<PendingRow | undefined> {
  const row = await q.one(`SELECT ${COLS} FROM points_pending WHERE idem_key = ?${forUpdate(q.dialect)}`, [key]);
  return row ? decode(row) : undefined;
}

/**
 * Cancels `points` of a pending row (a refund inside the window); the row turns
 * `cancelled` when nothing is left. The state is assigned first: MySQL reads the
 * columns already assigned in a SET, SQLite the old ones, and both see the old
 * `cancelled` here. Returns 1 when cancelled, 0 when the row is no longer pending.
 */
export async function cancelPending(q: Q, id: number, points: number, now: number): Promise<number> {
  return q.exec(
    `UPDATE points_pending SET state = CASE WHEN cancelled + ? >= points THEN 'cancelled' ELSE state END,
            cancelled = cancelled + ?, updated_at = ?
      WHERE id = ? AND state = 'pending' AND points - cancelled >= ?`,
    [points, points, now, id, points],
  );
}

/** A member's rows still held, locked until the commit (the account is being closed). */
export async function lockHeldOf(q: Q, memberId: number): Promise<PendingRow[]> {
  const rows = await q.all(
    `SELECT ${COLS} FROM points_pending WHERE member_id = ? AND state = 'pending' ORDER BY id${forUpdate(q.dialect)}`,
    [memberId],
  );
  return rows.map(decode);
}

/** Every pending row of a member, for the member's data export. */
export function pendingForExport(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all(
    `SELECT id, points, cancelled, released, state, release_at, reason, ref, store_id, created_at, updated_at
       FROM points_pending WHERE member_id = ? ORDER BY id`,
    [memberId],
  );
}

/** Up to `limit` rows due at `at`, earliest first, locked until the commit (the release job's chunk). */
export async function lockDuePending(q: Q, at: number, limit: number): Promise<PendingRow[]> {
  const rows = await q.all(
    `SELECT ${COLS} FROM points_pending WHERE state = 'pending' AND release_at <= ? ORDER BY state, release_at, id LIMIT ${Math.floor(limit)}${forUpdate(q.dialect)}`,
    [at],
  );
  return rows.map(decode);
}

/** Marks these pending rows released with what is left of them; affected rows = rows released. */
export async function markReleased(q: Q, ids: number[], now: number): Promise<number> {
  if (!ids.length) return 0;
  return q.exec(
    `UPDATE points_pending SET released = points - cancelled, state = 'released', updated_at = ?
      WHERE id IN (${marks(ids.length)}) AND state = 'pending'`,
    [now, ...ids],
  );
}

/** A member's pending points, earliest release first (`limit` rows), and their total. */
export async function pendingOf(
  q: Q,
  memberId: number,
  limit: number,
): Promise<{ total: number; items: { points: number; releaseAt: number }[] }> {
  const rows = await q.all<{ left_pts: number; release_at: number }>(
    `SELECT points - cancelled AS left_pts, release_at FROM points_pending
      WHERE member_id = ? AND state = 'pending' ORDER BY release_at, id`,
    [memberId],
  );
  const items = rows.map((r) => ({ points: Number(r.left_pts), releaseAt: Number(r.release_at) }));
  return { total: items.reduce((s, i) => s + i.points, 0), items: items.slice(0, limit) };
}

// Reconcile checks ------------------------------------------------------------------

type Rows = Promise<Record<string, unknown>[]>;

/** Pending rows whose held - cancelled - released differs from the sum of their entries. */
export function pendingOffEntries(q: Q, limit: number): Rows {
  return q.all(
    `SELECT p.id, p.points, p.cancelled, p.released, COALESCE(s.total, 0) AS entries_total
       FROM points_pending p
       LEFT JOIN (SELECT pending_id, SUM(delta) AS total FROM points_pending_entries GROUP BY pending_id) s ON s.pending_id = p.id
      WHERE p.points - p.cancelled - p.released <> COALESCE(s.total, 0)
      LIMIT ${Math.floor(limit)}`,
  );
}

/** Pending rows whose state disagrees with their amounts (released all that was left, cancelled all, or neither). */
export function pendingStatesOff(q: Q, limit: number): Rows {
  return q.all(
    `SELECT id, state, points, cancelled, released FROM points_pending
      WHERE cancelled < 0 OR released < 0 OR cancelled > points
         OR NOT ((state = 'pending' AND released = 0 AND cancelled < points)
              OR (state = 'cancelled' AND released = 0 AND cancelled = points)
              OR (state = 'released' AND released = points - cancelled))
      LIMIT ${Math.floor(limit)}`,
  );
}

/**
 * Pending rows whose ledger credit disagrees: a released row (with points left)
 * has exactly one credit of what it released under its key; a pending or
 * cancelled row has none (its points never reached the balance).
 */
export function pendingOffLedger(q: Q, limit: number): Rows {
  return q.all(
    `SELECT p.id, p.state, p.released, e.delta FROM points_pending p
       LEFT JOIN points_entries e ON e.idem_key = p.idem_key
      WHERE (p.state = 'released' AND p.released > 0 AND (e.delta IS NULL OR e.delta <> p.released))
         OR (p.state <> 'released' AND e.id IS NOT NULL)
      LIMIT ${Math.floor(limit)}`,
  );
}
