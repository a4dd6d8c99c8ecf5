import type { Q } from '../../db/database';
import { deleteBatch, insertIgnore } from '../../db/dialect';
import { memberSql } from '../members/store';

/** All SQL on `member_secrets` and `member_code_uses`. */

export async function secretOf(q: Q, memberId: number): Promise<string | undefined> {
  const row = await q.one<{ secret_hex: string }>('SELECT secret_hex FROM member_secrets WHERE member_id = ?', [
    memberId,
  ]);
  return row?.secret_hex;
}

/**
 * The secret of an ACTIVE member only, in one statement (the scan at the counter
 * is a hot path): the member condition comes from the members module's fragment.
 */
export async function activeSecretOf(q: Q, memberId: number): Promise<string | undefined> {
  const row = await q.one<{ secret_hex: string }>(
    `SELECT s.secret_hex FROM member_secrets s WHERE s.member_id = ? AND ${memberSql.isActive('s.member_id')}`,
    [memberId],
  );
  return row?.secret_hex;
}

/** Stores a secret unless the member has one (two first uses at once keep the first). */
export async function insertSecretIgnore(q: Q, memberId: number, secretHex: string, now: number): Promise<void> {
  await q.exec(`${insertIgnore(q.dialect)} INTO member_secrets (member_id, secret_hex, created_at) VALUES (?, ?, ?)`, [
    memberId,
    secretHex,
    now,
  ]);
}

export async function deleteSecret(q: Q, memberId: number): Promise<void> {
  await q.exec('DELETE FROM member_secrets WHERE member_id = ?', [memberId]);
}

/** Records a used step; throws the driver's duplicate-key error when the step was used before. */
export async function insertCodeUse(
  q: Q,
  u: { memberId: number; step: number; storeId: number; staffId: number; orderNo: string },
  now: number,
): Promise<void> {
  await q.exec(
    'INSERT INTO member_code_uses (member_id, step, store_id, staff_id, order_no, used_at) VALUES (?, ?, ?, ?, ?, ?)',
    [u.memberId, u.step, u.storeId, u.staffId, u.orderNo, now],
  );
}

/** Records a used step unless it was used before: 1 when recorded, 0 when the step was already used. */
export function insertCodeUseIgnore(
  q: Q,
  u: { memberId: number; step: number; storeId: number; staffId: number; orderNo: string },
  now: number,
): Promise<number> {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO member_code_uses (member_id, step, store_id, staff_id, order_no, used_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [u.memberId, u.step, u.storeId, u.staffId, u.orderNo, now],
  );
}

/**
 * Retention: deletes at most `limit` code uses older than `before`, oldest first
 * (by the used_at index). A code is accepted for a minute at most, so a use kept
 * for days still refuses every replay of it.
 */
export function purgeCodeUsesBefore(q: Q, before: number, limit: number): Promise<number> {
  return q.exec(deleteBatch(q.dialect, 'member_code_uses', 'used_at < ?', 'used_at', limit), [before]);
}
