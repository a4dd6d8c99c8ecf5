import type { StaffRole } from '@huiyuan/shared';
import { placeholders, type Q } from '../../db/database';

/** All SQL on `stores` and `staff_accounts`. */

export interface StaffRow {
  id: number;
  username: string;
  display_name: string;
  role: StaffRole;
  store_id: number | null;
  member_id: number | null;
  status: string;
  created_at: number;
}

export interface StoreRow {
  id: number;
  code: string;
  name: string;
  status: string;
  created_at: number;
}

const STAFF_COLS = 'id, username, display_name, role, store_id, member_id, status, created_at';
const STORE_COLS = 'id, code, name, status, created_at';

// ---- staff accounts -----------------------------------------------------------

export function staffByUsername(q: Q, username: string) {
  return q.one<{
    id: number;
    password_hash: string;
    role: StaffRole;
    store_id: number | null;
    status: string;
    token_version: number;
    display_name: string;
  }>(
    'SELECT id, password_hash, role, store_id, status, token_version, display_name FROM staff_accounts WHERE username = ?',
    [username],
  );
}

export async function staffIdByUsername(q: Q, username: string): Promise<number | undefined> {
  const row = await q.one<{ id: number }>('SELECT id FROM staff_accounts WHERE username = ?', [username]);
  return row ? Number(row.id) : undefined;
}

/** What staff auth checks on every call: the row, not the token, decides role, store and validity. */
export function staffAuthRow(q: Q, id: number) {
  return q.one<StaffAuthRow>('SELECT status, token_version, role, store_id FROM staff_accounts WHERE id = ?', [id]);
}

export interface StaffAuthRow {
  status: string;
  token_version: number;
  role: StaffRole;
  store_id: number | null;
}

/** The same for several accounts in one statement (calls that arrive together); ids without a row are absent. */
export async function staffAuthRows(q: Q, ids: number[]): Promise<Map<number, StaffAuthRow>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await q.all<StaffAuthRow & { id: number }>(
    `SELECT id, status, token_version, role, store_id FROM staff_accounts WHERE id IN (${placeholders(unique.length)})`,
    unique,
  );
  return new Map(rows.map(({ id, ...r }) => [Number(id), r]));
}

export function staffRow(q: Q, id: number): Promise<StaffRow | undefined> {
  return q.one<StaffRow>(`SELECT ${STAFF_COLS} FROM staff_accounts WHERE id = ?`, [id]);
}

export function listStaff(q: Q): Promise<StaffRow[]> {
  return q.all<StaffRow>(`SELECT ${STAFF_COLS} FROM staff_accounts ORDER BY id`);
}

/** A new active account; the unique username surfaces as the driver's duplicate-key error. */
export function insertStaff(
  q: Q,
  a: {
    username: string;
    passwordHash: string;
    displayName: string;
    role: StaffRole;
    storeId: number | null;
    memberId?: number | null;
  },
  now: number,
): Promise<number> {
  return q.insert(
    `INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, member_id, status, token_version, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'active', 0, ?, ?)`,
    [a.username, a.passwordHash, a.displayName, a.role, a.storeId, a.memberId ?? null, now, now],
  );
}

export async function setStaffMember(q: Q, id: number, memberId: number | null): Promise<void> {
  await q.exec('UPDATE staff_accounts SET member_id = ? WHERE id = ?', [memberId, id]);
}

/** Any change of who someone is or where they work moves the token version on (open sessions end). */
export async function updateStaff(
  q: Q,
  id: number,
  s: { displayName: string; role: StaffRole; storeId: number | null; status: string; memberId: number | null },
  now: number,
): Promise<void> {
  await q.exec(
    'UPDATE staff_accounts SET display_name = ?, role = ?, store_id = ?, status = ?, member_id = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?',
    [s.displayName, s.role, s.storeId, s.status, s.memberId, now, id],
  );
}

export async function setPassword(q: Q, id: number, passwordHash: string, now: number): Promise<void> {
  await q.exec(
    'UPDATE staff_accounts SET password_hash = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?',
    [passwordHash, now, id],
  );
}

/** True when this staff account is linked to this member (staff may not credit themselves). */
export async function isStaffOfMember(q: Q, staffId: number, memberId: number): Promise<boolean> {
  return !!(await q.one('SELECT id FROM staff_accounts WHERE id = ? AND member_id = ?', [staffId, memberId]));
}

/** A closed member account is no longer linked to any staff account. */
export async function unlinkMember(q: Q, memberId: number): Promise<void> {
  await q.exec('UPDATE staff_accounts SET member_id = NULL WHERE member_id = ?', [memberId]);
}

// ---- stores ---------------------------------------------------------------------

export function insertStore(q: Q, s: { code: string; name: string }, now: number): Promise<number> {
  return q.insert("INSERT INTO stores (code, name, status, created_at) VALUES (?, ?, 'active', ?)", [
    s.code,
    s.name,
    now,
  ]);
}

export async function storeIdByCode(q: Q, code: string): Promise<number | undefined> {
  const row = await q.one<{ id: number }>('SELECT id FROM stores WHERE code = ?', [code]);
  return row ? Number(row.id) : undefined;
}

export function storeRow(q: Q, id: number): Promise<StoreRow | undefined> {
  return q.one<StoreRow>(`SELECT ${STORE_COLS} FROM stores WHERE id = ?`, [id]);
}

export function listStores(q: Q): Promise<StoreRow[]> {
  return q.all<StoreRow>(`SELECT ${STORE_COLS} FROM stores ORDER BY id`);
}

export async function isActiveStore(q: Q, id: number): Promise<boolean> {
  return !!(await q.one("SELECT id FROM stores WHERE id = ? AND status = 'active'", [id]));
}

export async function storeNameOf(q: Q, id: number): Promise<string | undefined> {
  return (await q.one<{ name: string }>('SELECT name FROM stores WHERE id = ?', [id]))?.name;
}

export async function updateStore(q: Q, id: number, s: { name: string; status: string }): Promise<void> {
  await q.exec('UPDATE stores SET name = ?, status = ? WHERE id = ?', [s.name, s.status, id]);
}
