import { placeholders, type Q } from '../../db/database';
import { sql } from '../../db/dialect';

/**
 * All SQL on outbox, inbox_messages and subscription_allowances. Every function
 * takes the caller's unit of work first, so a notification commits with its cause.
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

// Tier change > points expiring > birthday: the order in which rows compete for allowances.
const PRIORITY = `CASE kind WHEN 'tier_changed' THEN 1 WHEN 'tier_at_risk' THEN 2 WHEN 'points_expiring' THEN 3 WHEN 'voucher_expiring' THEN 4
  WHEN 'birthday_gift' THEN 5 WHEN 'referral_reward' THEN 6 ELSE 7 END`;

/**
 * Claims due rows: flips them to 'sending' with a lease until `leaseUntil`. On
 * MySQL the read skips rows another instance has locked, so two claims never
 * take the same row; SQLite runs one unit of work at a time.
 */
export async function claimDueRows(q: Q, now: number, limit: number, leaseUntil: number): Promise<OutboxRow[]> {
  const rows = await q.all<OutboxRow>(
    `SELECT id, dedupe_key, kind, member_id, payload_json, attempts FROM outbox
      WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY ${PRIORITY}, next_attempt_at, id LIMIT ${Math.floor(limit)}${sql.forUpdateSkipLocked(q.dialect)}`,
    [now],
  );
  if (rows.length)
    await q.exec(
      `UPDATE outbox SET status = 'sending', next_attempt_at = ? WHERE id IN (${placeholders(rows.length)})`,
      [leaseUntil, ...rows.map((r) => r.id)],
    );
  return rows;
}

/** Puts a claimed row back to wait (quiet hours); only while it is still being sent. */
export async function deferRow(q: Q, id: number, until: number): Promise<number> {
  return q.exec("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'sending'", [
    until,
    id,
  ]);
}

/** A failed send to try again at `at`. */
export async function retryRow(q: Q, id: number, attempts: number, at: number, reason: string): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = 'pending', attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'sending'",
    [attempts, at, reason, id],
  );
}

/** Ends a claimed row: sent (on WeChat or to the inbox only) or parked. */
export async function finishRow(
  q: Q,
  id: number,
  status: 'sent' | 'parked',
  channel: 'wechat' | 'inbox',
  sentAt: number | null,
  reason: string | null,
): Promise<number> {
  return q.exec(
    "UPDATE outbox SET status = ?, channel = ?, sent_at = ?, last_error = ? WHERE id = ? AND status = 'sending'",
    [status, channel, sentAt, reason, id],
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
