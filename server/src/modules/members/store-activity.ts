import type { Q, Step } from '../../db/database';
import { placeholders } from '../../db/database';

/**
 * SQL on `members` about activity: the business date of the member's last
 * activity (`last_active_on`, YYYY-MM-DD) and the store of the last order. Each
 * write is conditional, so a member active many times a day is written once that
 * day: the statement matches no row when the date is already today.
 */

/** A step (to ride in the caller's round trip) that marks these members active on `date`. */
export function touchActiveStep(memberIds: number[], date: string): Step {
  return [
    `UPDATE members SET last_active_on = ? WHERE id IN (${placeholders(memberIds.length)}) AND (last_active_on IS NULL OR last_active_on < ?)`,
    [date, ...memberIds, date],
  ];
}

/** Marks the member active on `date` unless already; 1 when written. */
export function touchActive(q: Q, memberId: number, date: string): Promise<number> {
  return q.exec(
    'UPDATE members SET last_active_on = ? WHERE id = ? AND (last_active_on IS NULL OR last_active_on < ?)',
    [date, memberId, date],
  );
}

/** An order: active on `date` and the order's store, written only when one of them changes. */
export function touchOrderStep(memberId: number, date: string, storeId: number): Step {
  return [
    `UPDATE members SET last_active_on = ?, last_order_store_id = ? WHERE id = ?
       AND (last_active_on IS NULL OR last_active_on < ? OR last_order_store_id IS NULL OR last_order_store_id <> ?)`,
    [date, storeId, memberId, date, storeId],
  ];
}

/** The same as one statement; 1 when written. */
export function touchOrder(q: Q, memberId: number, date: string, storeId: number): Promise<number> {
  return q.exec(...touchOrderStep(memberId, date, storeId));
}

export interface ActivityRow {
  id: number;
  lastActiveOn: string | null;
  lastOrderStoreId: number | null;
  createdAt: number;
}

/** Keyset walk over active members after `after`: their last activity and last order's store. */
export async function activityAfter(q: Q, after: number, limit: number): Promise<ActivityRow[]> {
  const rows = await q.all<{
    id: number;
    last_active_on: string | null;
    last_order_store_id: number | null;
    created_at: number;
  }>(
    `SELECT id, last_active_on, last_order_store_id, created_at FROM members WHERE id > ? AND status = 'active' ORDER BY id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    lastActiveOn: r.last_active_on ?? null,
    lastOrderStoreId: r.last_order_store_id === null ? null : Number(r.last_order_store_id),
    createdAt: Number(r.created_at),
  }));
}

/** Last activity of these members (absent: no such member; null: not known yet). */
export async function lastActiveOf(q: Q, ids: number[]): Promise<Map<number, string | null>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await q.all<{ id: number; last_active_on: string | null }>(
    `SELECT id, last_active_on FROM members WHERE id IN (${placeholders(unique.length)})`,
    unique,
  );
  return new Map(rows.map((r) => [Number(r.id), r.last_active_on ?? null]));
}

/** Fills in the last activity of members that have none yet (found from their history), in one round trip. */
export async function fillLastActive(q: Q, rows: { id: number; date: string }[]): Promise<void> {
  if (!rows.length) return;
  await q.script(
    rows.map((r): Step => [
      'UPDATE members SET last_active_on = ? WHERE id = ? AND last_active_on IS NULL',
      [r.date, r.id],
    ]),
  );
}

/** Keyset walk over closed (deleted) accounts, for figures that leave them out. */
export async function closedIdsAfter(q: Q, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ id: number }>(
    `SELECT id FROM members WHERE id > ? AND status = 'deleted' ORDER BY id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => Number(r.id));
}

/** When the first member registered (epoch ms), or null: where the dashboard's rollups start. */
export async function firstRegisteredAt(q: Q): Promise<number | null> {
  const row = await q.one<{ at: number | null }>('SELECT MIN(created_at) AS at FROM members');
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
