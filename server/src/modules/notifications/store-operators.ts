import type { Q } from '../../db/database';
import { placeholders, sql } from '../../db/database';

/**
 * All SQL on `operator_messages`: the operators' inbox, one shared list for every
 * operator account (read by one is read for all), one message per dedupe key.
 */

export interface OperatorMessageRow {
  id: number;
  kind: string;
  title: string;
  body: string;
  created_at: number;
  read_at: number | null;
}

/** Posts a message unless its dedupe key was posted before; true when posted now. */
export async function insertOperatorMessage(
  q: Q,
  m: { kind: string; title: string; body: string; dedupeKey: string },
  now: number,
): Promise<boolean> {
  const n = await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO operator_messages (kind, title, body, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?)`,
    [m.kind, m.title.slice(0, 64), m.body.slice(0, 255), m.dedupeKey.slice(0, 96), now],
  );
  return n === 1;
}

export function operatorMessages(q: Q, limit: number): Promise<OperatorMessageRow[]> {
  return q.all<OperatorMessageRow>(
    `SELECT id, kind, title, body, created_at, read_at FROM operator_messages ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
  );
}

export async function operatorUnread(q: Q): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM operator_messages WHERE read_at IS NULL');
  return Number(row?.n ?? 0);
}

export async function operatorMessageExists(q: Q, id: number): Promise<boolean> {
  return !!(await q.one('SELECT id FROM operator_messages WHERE id = ?', [id]));
}

/** Marks these messages read (all unread ones when `ids` is null). */
export function markOperatorRead(q: Q, ids: number[] | null, now: number): Promise<number> {
  if (ids === null) return q.exec('UPDATE operator_messages SET read_at = ? WHERE read_at IS NULL', [now]);
  if (!ids.length) return Promise.resolve(0);
  return q.exec(
    `UPDATE operator_messages SET read_at = ? WHERE id IN (${placeholders(ids.length)}) AND read_at IS NULL`,
    [now, ...ids],
  );
}

/** Which of these dedupe keys have a message (reconcile: every alert reached the operators). */
export async function operatorKeysIn(q: Q, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.all<{ dedupe_key: string }>(
    `SELECT dedupe_key FROM operator_messages WHERE dedupe_key IN (${placeholders(keys.length)})`,
    keys,
  );
  return new Set(rows.map((r) => r.dedupe_key));
}
