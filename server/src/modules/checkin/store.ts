import { placeholders as marks, sql, type Q, type Step, type StepResult } from '../../db/database';

/**
 * checkins and checkin_requests: the only file that names them. The batch's
 * statements are step builders (a `Step` plus a decoder for its rows) so
 * daily.ts can send them in its scripts without a round trip of their own.
 */

/** A stored day. `kind` says whether it was checked in on the day or made up later. */
export interface CheckedDay {
  memberId: number;
  date: string;
  kind: 'normal' | 'makeup';
  streak: number;
  points: number;
}

const toDay = (r: Record<string, unknown>): CheckedDay => ({
  memberId: Number(r.member_id),
  date: String(r.business_date),
  kind: r.kind as CheckedDay['kind'],
  streak: Number(r.streak),
  points: Number(r.points),
});

/** Step: the members' days from `from` to `to` (both included). Decode with `decodeDays`. */
export function daysStep(memberIds: number[], from: string, to: string): Step {
  return [
    `SELECT member_id, business_date, kind, streak, points FROM checkins WHERE member_id IN (${marks(memberIds.length)}) AND business_date >= ? AND business_date <= ?`,
    [...memberIds, from, to],
  ];
}

export const decodeDays = (res: StepResult): CheckedDay[] => res.rows.map(toDay);

/** Step: which of these Idempotency-Keys the members used before, and the day each checked in. */
export function keysStep(memberIds: number[], keys: string[]): Step {
  return [
    `SELECT member_id, request_key, business_date FROM checkin_requests WHERE member_id IN (${marks(memberIds.length)}) AND request_key IN (${marks(keys.length)})`,
    [...memberIds, ...keys],
  ];
}

export const decodeKeys = (res: StepResult) =>
  res.rows.map((r) => ({ memberId: Number(r.member_id), key: String(r.request_key), date: String(r.business_date) }));

/** Step: new days checked in on the day (one multi-row INSERT; the (member, date) key refuses a second). */
export function insertDaysStep(
  rows: { memberId: number; date: string; streak: number; points: number }[],
  now: Date,
): Step {
  return [
    `INSERT INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES ${rows.map(() => "(?, ?, 'normal', ?, ?, ?)").join(', ')}`,
    rows.flatMap((r) => [r.memberId, r.date, r.streak, r.points, now.getTime()]),
  ];
}

/** Step: remembers the clients' keys with the day they checked in, so a retry answers with that day. */
export function insertKeysStep(rows: { memberId: number; key: string; date: string }[], now: Date): Step {
  return [
    `INSERT INTO checkin_requests (member_id, request_key, business_date, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
    rows.flatMap((r) => [r.memberId, r.key, r.date, now.getTime()]),
  ];
}

/**
 * Stored days of several (member, date) pairs in one read. Matches members and
 * dates as two lists (a superset of the pairs): callers look up their pairs.
 */
export async function daysOfPairs(q: Q, pairs: (readonly [number, string])[]): Promise<CheckedDay[]> {
  const rows = await q.all(
    `SELECT member_id, business_date, kind, streak, points FROM checkins WHERE member_id IN (${marks(pairs.length)}) AND business_date IN (${marks(pairs.length)})`,
    [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])],
  );
  return rows.map(toDay);
}

/** One member's stored day, if any. */
export async function dayOf(q: Q, memberId: number, date: string): Promise<CheckedDay | undefined> {
  const row = await q.one(
    'SELECT member_id, business_date, kind, streak, points FROM checkins WHERE member_id = ? AND business_date = ?',
    [memberId, date],
  );
  return row ? toDay(row) : undefined;
}

/** One member's days from `from` to `to`, in date order. */
export async function daysOf(q: Q, memberId: number, from: string, to: string): Promise<CheckedDay[]> {
  const rows = await q.all(
    'SELECT member_id, business_date, kind, streak, points FROM checkins WHERE member_id = ? AND business_date >= ? AND business_date <= ? ORDER BY business_date',
    [memberId, from, to],
  );
  return rows.map(toDay);
}

/** The dates one member checked in (either kind) from `from` to `to`. */
export async function checkedDates(q: Q, memberId: number, from: string, to: string): Promise<Set<string>> {
  const rows = await q.all<{ business_date: string }>(
    'SELECT business_date FROM checkins WHERE member_id = ? AND business_date >= ? AND business_date <= ?',
    [memberId, from, to],
  );
  return new Set(rows.map((r) => String(r.business_date)));
}

/** A made-up day. Throws the database's duplicate-key error when the day is already stored. */
export async function insertMakeupDay(q: Q, memberId: number, date: string, streak: number, points: number, now: Date) {
  await q.exec(
    "INSERT INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES (?, ?, 'makeup', ?, ?, ?)",
    [memberId, date, streak, points, now.getTime()],
  );
}

/** Every day of one member, for a data export. */
export async function allDaysOf(q: Q, memberId: number) {
  return q.all<{ business_date: string; kind: string; streak: number; points: number }>(
    'SELECT business_date, kind, streak, points FROM checkins WHERE member_id = ? ORDER BY business_date',
    [memberId],
  );
}

/** Check-ins from `from` to `to` (business dates, both included), and how many members made them. */
export async function checkinTotals(q: Q, from: string, to: string): Promise<{ checkins: number; members: number }> {
  const row = await q.one<{ n: number; m: number }>(
    'SELECT COUNT(*) AS n, COUNT(DISTINCT member_id) AS m FROM checkins WHERE business_date >= ? AND business_date <= ?',
    [from, to],
  );
  return { checkins: Number(row?.n ?? 0), members: Number(row?.m ?? 0) };
}

/** Stored days in (member, date) order after the given one (keyset paging, for reconcile). */
export async function daysAfter(q: Q, after: { memberId: number; date: string } | null, limit: number) {
  const rows = await q.all(
    `SELECT member_id, business_date, kind, streak, points FROM checkins
      WHERE member_id > ? OR (member_id = ? AND business_date > ?)
      ORDER BY member_id, business_date LIMIT ${Number(limit)}`,
    [after?.memberId ?? 0, after?.memberId ?? 0, after?.date ?? ''],
  );
  return rows.map(toDay);
}

/**
 * Retention: deletes at most `limit` request keys made before `before`, oldest
 * first (by the created_at index). Only keys past the replay window go: a retry
 * inside it still finds its day.
 */
export function purgeRequestsBefore(q: Q, before: number, limit: number): Promise<number> {
  return q.exec(sql.deleteBatch(q.dialect, 'checkin_requests', 'created_at < ?', 'created_at', limit), [before]);
}
