import type { Q } from '../../db/database';
import { sql } from '../../db/dialect';

/**
 * All SQL on outbox (in store-outbox.ts, re-exported here), inbox_messages and
 * subscription_allowances. Every function takes the caller's unit of work first,
 * so a notification commits with its cause.
 */

export * from './store-outbox';

// ---- inbox messages

export interface InboxRow {
  id: number;
  kind: string;
  title: string;
  body: string;
  page: string | null;
  read_at: number | null;
  created_at: number;
}

/** One inbox message per dedupe key; a repeat is ignored. */
export async function insertInboxMessage(
  q: Q,
  m: { memberId: number; kind: string; title: string; body: string; page: string | null; dedupeKey: string },
  now: number,
): Promise<void> {
  await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO inbox_messages (member_id, kind, title, body, page, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [m.memberId, m.kind, m.title, m.body, m.page, m.dedupeKey, now],
  );
}

/** A member's messages newest first, ids below `before`, at most `limit`. */
export async function inboxPage(q: Q, memberId: number, before: number, limit: number): Promise<InboxRow[]> {
  return q.all<InboxRow>(
    `SELECT id, kind, title, body, page, read_at, created_at FROM inbox_messages WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
    [memberId, before],
  );
}

export async function unreadCount(q: Q, memberId: number): Promise<number> {
  const row = await q.one<{ n: number }>(
    'SELECT COUNT(*) AS n FROM inbox_messages WHERE member_id = ? AND read_at IS NULL',
    [memberId],
  );
  return Number(row?.n ?? 0);
}

/** Whether message `id` belongs to the member (nobody marks someone else's message). */
export async function ownsMessage(q: Q, memberId: number, id: number): Promise<boolean> {
  return !!(await q.one('SELECT id FROM inbox_messages WHERE id = ? AND member_id = ?', [id, memberId]));
}

export async function markMessageRead(q: Q, memberId: number, id: number, now: number): Promise<number> {
  return q.exec('UPDATE inbox_messages SET read_at = ? WHERE id = ? AND member_id = ? AND read_at IS NULL', [
    now,
    id,
    memberId,
  ]);
}

export async function markAllRead(q: Q, memberId: number, now: number): Promise<number> {
  return q.exec('UPDATE inbox_messages SET read_at = ? WHERE member_id = ? AND read_at IS NULL', [now, memberId]);
}

// ---- subscription allowances

export interface AllowanceRow {
  template_key: string;
  allowance: number;
  banned: number;
}

export async function allowancesOf(q: Q, memberId: number): Promise<AllowanceRow[]> {
  return q.all<AllowanceRow>(
    'SELECT template_key, allowance, banned FROM subscription_allowances WHERE member_id = ?',
    [memberId],
  );
}

/** Whether the member may receive at least one WeChat message of some template (not banned, allowance left). */
export async function hasAnyAllowance(q: Q, memberId: number): Promise<boolean> {
  return !!(await q.one(
    'SELECT member_id FROM subscription_allowances WHERE member_id = ? AND allowance > 0 AND banned = 0',
    [memberId],
  ));
}

/**
 * Members with an allowance left for a template (not banned), after `after` in
 * id order: one page of a job's keyset walk (index on template_key, member_id).
 */
export async function subscribedAfter(q: Q, key: string, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT member_id FROM subscription_allowances WHERE template_key = ? AND member_id > ? AND allowance > 0 AND banned = 0 ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [key, after],
  );
  return rows.map((r) => Number(r.member_id));
}

/** The member's answer to a subscribe prompt: the row exists afterwards; 'accept' adds one (up to 100), 'ban' stops the template. */
export async function recordAnswer(
  q: Q,
  memberId: number,
  key: string,
  result: 'accept' | 'reject' | 'ban' | 'filter',
  now: number,
): Promise<void> {
  await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO subscription_allowances (member_id, template_key, allowance, banned, updated_at) VALUES (?, ?, 0, 0, ?)`,
    [memberId, key, now],
  );
  if (result === 'accept')
    await q.exec(
      'UPDATE subscription_allowances SET allowance = allowance + 1, banned = 0, updated_at = ? WHERE member_id = ? AND template_key = ? AND allowance < 100',
      [now, memberId, key],
    );
  if (result === 'ban')
    await q.exec(
      'UPDATE subscription_allowances SET allowance = 0, banned = 1, updated_at = ? WHERE member_id = ? AND template_key = ?',
      [now, memberId, key],
    );
}

/** Takes one allowance for a send; false when none is left or the template is banned. */
export async function spendAllowance(q: Q, memberId: number, key: string, now: number): Promise<boolean> {
  return (
    (await q.exec(
      'UPDATE subscription_allowances SET allowance = allowance - 1, updated_at = ? WHERE member_id = ? AND template_key = ? AND allowance >= 1 AND banned = 0',
      [now, memberId, key],
    )) === 1
  );
}

/** Gives back the allowance of a send that did not happen. */
export async function refundAllowance(q: Q, memberId: number, key: string): Promise<void> {
  await q.exec(
    'UPDATE subscription_allowances SET allowance = allowance + 1 WHERE member_id = ? AND template_key = ?',
    [memberId, key],
  );
}

/** WeChat says the member has none left: trust it over our count. */
export async function clearAllowance(q: Q, memberId: number, key: string): Promise<void> {
  await q.exec('UPDATE subscription_allowances SET allowance = 0 WHERE member_id = ? AND template_key = ?', [
    memberId,
    key,
  ]);
}

// ---- a member's data (privacy)

/** What a data export shows of the member's messages and subscriptions. */
export async function exportMember(q: Q, memberId: number) {
  return {
    messages: await q.all<Record<string, unknown>>(
      'SELECT id, kind, title, body, read_at, created_at FROM inbox_messages WHERE member_id = ? ORDER BY id',
      [memberId],
    ),
    subscriptions: await q.all<Record<string, unknown>>(
      'SELECT template_key, allowance, banned FROM subscription_allowances WHERE member_id = ?',
      [memberId],
    ),
  };
}

/** Forgets a member: messages and subscriptions go; outbox rows stay (keys and kinds, no text). */
export async function forgetMember(q: Q, memberId: number): Promise<void> {
  await q.exec('DELETE FROM inbox_messages WHERE member_id = ?', [memberId]);
  await q.exec('DELETE FROM subscription_allowances WHERE member_id = ?', [memberId]);
}

/** Retention: deletes at most `limit` inbox messages written before `before`, oldest first (created_at index). */
export function purgeInboxBefore(q: Q, before: number, limit: number): Promise<number> {
  return q.exec(sql.deleteBatch(q.dialect, 'inbox_messages', 'created_at < ?', 'created_at', limit), [before]);
}
