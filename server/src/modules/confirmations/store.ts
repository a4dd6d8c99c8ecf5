import type { Q } from '../../db/database';

/**
 * lookup_requests: the counter's phone lookups, the only file that names it.
 * Every change of state is one guarded UPDATE (state, window, store or member in
 * its WHERE) and the affected rows say whether it happened: no read-then-write.
 */

export interface LookupRow {
  id: string;
  store_id: number;
  staff_id: number;
  member_id: number | null;
  masked_phone: string;
  confirm_mode: 'member_confirm' | 'member_code';
  status: 'pending' | 'confirmed' | 'rejected' | 'used';
  attempts: number;
  expires_at: number;
  token_expires_at: number | null;
  /** lookup: find the member by phone; redeem: pay `points` of the order `order_no` (`amount_cents`) with points. */
  purpose: 'lookup' | 'redeem';
  points: number | null;
  amount_cents: number | null;
  order_no: string | null;
}

const COLUMNS =
  'id, store_id, staff_id, member_id, masked_phone, confirm_mode, status, attempts, expires_at, token_expires_at, purpose, points, amount_cents, order_no';

const typed = (r: LookupRow): LookupRow => ({
  ...r,
  store_id: Number(r.store_id),
  staff_id: Number(r.staff_id),
  member_id: r.member_id === null ? null : Number(r.member_id),
  attempts: Number(r.attempts),
  expires_at: Number(r.expires_at),
  token_expires_at: r.token_expires_at === null ? null : Number(r.token_expires_at),
  points: r.points === null ? null : Number(r.points),
  amount_cents: r.amount_cents === null ? null : Number(r.amount_cents),
});

export async function insertRequest(
  q: Q,
  r: {
    id: string;
    storeId: number;
    staffId: number;
    memberId: number | null;
    maskedPhone: string;
    mode: string;
    redeem?: { points: number; amountCents: number; orderNo: string };
  },
  now: number,
  expiresAt: number,
): Promise<void> {
  await q.exec(
    `INSERT INTO lookup_requests (id, store_id, staff_id, member_id, masked_phone, confirm_mode, status, attempts, created_at, expires_at, purpose, points, amount_cents, order_no)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)`,
    [
      r.id,
      r.storeId,
      r.staffId,
      r.memberId,
      r.maskedPhone,
      r.mode,
      now,
      expiresAt,
      r.redeem ? 'redeem' : 'lookup',
      r.redeem?.points ?? null,
      r.redeem?.amountCents ?? null,
      r.redeem?.orderNo ?? null,
    ],
  );
}

export async function requestOf(q: Q, id: string): Promise<LookupRow | undefined> {
  const row = await q.one<LookupRow>(`SELECT ${COLUMNS} FROM lookup_requests WHERE id = ?`, [id]);
  return row && typed(row);
}

/** A member's open requests (never the rows that reached nobody: those have no member). */
export async function pendingOf(q: Q, memberId: number, now: number): Promise<LookupRow[]> {
  const rows = await q.all<LookupRow>(
    `SELECT ${COLUMNS} FROM lookup_requests WHERE member_id = ? AND expires_at > ? AND status = 'pending' ORDER BY expires_at`,
    [memberId, now],
  );
  return rows.map(typed);
}

/** Counts one typed code against the request, while it is open and under `maxAttempts`; 1 when counted. */
export function countAttempt(q: Q, id: string, storeId: number, now: number, maxAttempts: number): Promise<number> {
  return q.exec(
    `UPDATE lookup_requests SET attempts = attempts + 1
     WHERE id = ? AND store_id = ? AND status = 'pending' AND expires_at > ? AND attempts < ?`,
    [id, storeId, now, maxAttempts],
  );
}

/** pending -> confirmed (open, with a member; by the member's tap when `memberId` is given). */
export function markConfirmed(
  q: Q,
  id: string,
  by: { memberId?: number; mode: string },
  now: number,
  tokenExpiresAt: number,
): Promise<number> {
  const member = by.memberId === undefined ? 'member_id IS NOT NULL' : 'member_id = ?';
  return q.exec(
    `UPDATE lookup_requests SET status = 'confirmed', confirmed_at = ?, token_expires_at = ?
     WHERE id = ? AND ${member} AND confirm_mode = ? AND status = 'pending' AND expires_at > ?`,
    [now, tokenExpiresAt, id, ...(by.memberId === undefined ? [] : [by.memberId]), by.mode, now],
  );
}

/** pending -> rejected, by the member it reached. */
export function markRejected(q: Q, id: string, memberId: number, now: number): Promise<number> {
  return q.exec(
    `UPDATE lookup_requests SET status = 'rejected' WHERE id = ? AND member_id = ? AND status = 'pending' AND expires_at > ?`,
    [id, memberId, now],
  );
}

/** confirmed -> used, once, at the store that asked, inside the token's window (a redeem request: for its order). */
export function markUsed(q: Q, id: string, storeId: number, orderNo: string, now: number): Promise<number> {
  return q.exec(
    `UPDATE lookup_requests SET status = 'used', used_at = ?, order_no = ?
     WHERE id = ? AND store_id = ? AND status = 'confirmed' AND token_expires_at > ? AND (order_no IS NULL OR order_no = ?)`,
    [now, orderNo, id, storeId, now, orderNo],
  );
}

/** Retention: deletes at most `limit` requests made before `before`. */
export async function purgeBefore(q: Q, before: number, limit: number): Promise<number> {
  const ids = await q.all<{ id: string }>(
    'SELECT id FROM lookup_requests WHERE created_at < ? ORDER BY created_at LIMIT ?',
    [before, limit],
  );
  if (ids.length === 0) return 0;
  return q.exec(
    `DELETE FROM lookup_requests WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids.map((r) => r.id),
  );
}
