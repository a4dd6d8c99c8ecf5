import type { Q } from '../../db/database';
import { incrementIn } from '../caps/counter';

/** makeup_cards (the cached count) and makeup_card_entries (the entries): the only file that names them. */

export interface CardEntry {
  memberId: number;
  key: string;
  delta: number;
  reason: string;
  operatorId: number | null;
  note: string | null;
}

export async function cardCount(q: Q, memberId: number): Promise<number> {
  const row = await q.one<{ cards: number }>('SELECT cards FROM makeup_cards WHERE member_id = ?', [memberId]);
  return Number(row?.cards ?? 0);
}

/** The entry stored under `key` for the member, if any. */
export async function cardEntry(q: Q, memberId: number, key: string) {
  const row = await q.one<{ delta: number; reason: string }>(
    'SELECT delta, reason FROM makeup_card_entries WHERE member_id = ? AND entry_key = ?',
    [memberId, key],
  );
  return row ? { delta: Number(row.delta), reason: String(row.reason) } : undefined;
}

/** Throws the database's duplicate-key error when the (member, key) entry exists. */
export async function insertCardEntry(q: Q, e: CardEntry, now: Date): Promise<void> {
  await q.exec(
    'INSERT INTO makeup_card_entries (member_id, entry_key, delta, reason, operator_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.memberId, e.key, e.delta, e.reason, e.operatorId, e.note, now.getTime()],
  );
}

/** Adds cards to the member's count under the row's lock; returns the new count. */
export function addCards(q: Q, memberId: number, cards: number, now: Date): Promise<number> {
  return incrementIn(q, 'makeup_cards', { member_id: memberId }, 'cards', cards, { updated_at: now.getTime() });
}

/** Takes one card if the member has one: true when taken (conditional update, no read first). */
export async function takeCard(q: Q, memberId: number, now: Date): Promise<boolean> {
  const used = await q.exec(
    'UPDATE makeup_cards SET cards = cards - 1, updated_at = ? WHERE member_id = ? AND cards >= 1',
    [now.getTime(), memberId],
  );
  return used === 1;
}

/** Members whose card count is below 0 or differs from the sum of their entries (reconcile). */
export function cardCountMismatches(q: Q, limit: number) {
  return q.all(
    `SELECT k.member_id, k.cards, COALESCE(s.total, 0) AS entries_total
       FROM makeup_cards k LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM makeup_card_entries GROUP BY member_id) s ON s.member_id = k.member_id
      WHERE k.cards < 0 OR k.cards <> COALESCE(s.total, 0)
      LIMIT ${Number(limit)}`,
  );
}
