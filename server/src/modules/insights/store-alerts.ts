import type { Q } from '../../db/database';
import { boundedSelect, sql } from '../../db/dialect';

/**
 * All SQL on `alerts` and `insight_snapshots`. An alert is unique per (rule,
 * period, subject): raising it again in the same period writes nothing, so the
 * job may run any number of times, on any number of instances.
 */

export interface AlertRow {
  id: number;
  rule: string;
  period: string;
  subject: string;
  state: 'open' | 'acknowledged';
  message: string;
  value: number;
  threshold: number;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: number | null;
}

export interface NewAlert {
  rule: string;
  period: string;
  subject: string;
  message: string;
  value: number;
  threshold: number;
}

/** Raises an alert unless one exists for its rule, period and subject; true when raised now. */
export async function raiseAlert(q: Q, a: NewAlert, now: number): Promise<boolean> {
  const n = await q.exec(
    `${sql.insertIgnore(q.dialect)} INTO alerts (rule, period, subject, state, message, value, threshold, created_at)
     VALUES (?, ?, ?, 'open', ?, ?, ?, ?)`,
    [a.rule, a.period, a.subject, a.message.slice(0, 255), a.value, a.threshold, now],
  );
  return n === 1;
}

const COLS =
  'id, rule, period, subject, state, message, value, threshold, created_at, acknowledged_at, acknowledged_by';

/** Newest first, optionally in one state. */
export function alertsPage(q: Q, state: string | undefined, limit: number): Promise<AlertRow[]> {
  return state
    ? q.all<AlertRow>(`SELECT ${COLS} FROM alerts WHERE state = ? ORDER BY id DESC LIMIT ${Math.floor(limit)}`, [state])
    : q.all<AlertRow>(`SELECT ${COLS} FROM alerts ORDER BY id DESC LIMIT ${Math.floor(limit)}`);
}

export function alertById(q: Q, id: number): Promise<AlertRow | undefined> {
  return q.one<AlertRow>(`SELECT ${COLS} FROM alerts WHERE id = ?`, [id]);
}

export async function openAlertCount(q: Q): Promise<number> {
  const row = await q.one<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE state = 'open'");
  return Number(row?.n ?? 0);
}

/** Open -> acknowledged once; a second acknowledgement changes nothing (0). */
export function acknowledgeAlert(q: Q, id: number, by: number, now: number): Promise<number> {
  return q.exec(
    "UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND state = 'open'",
    [now, by, id],
  );
}

/** Today's value of a figure (the last write of the day wins). */
export async function putSnapshot(q: Q, metric: string, date: string, value: number, now: number): Promise<void> {
  await q.exec(
    `INSERT INTO insight_snapshots (metric, business_date, value, updated_at) VALUES (?, ?, ?, ?)${sql.onConflictSet(q.dialect, ['metric', 'business_date'], ['value', 'updated_at'])}`,
    [metric, date, value, now],
  );
}

/** The latest value of a figure on or before `date`, with its date. */
export function snapshotOnOrBefore(
  q: Q,
  metric: string,
  date: string,
): Promise<{ business_date: string; value: number } | undefined> {
  return q.one(
    'SELECT business_date, value FROM insight_snapshots WHERE metric = ? AND business_date <= ? ORDER BY business_date DESC LIMIT 1',
    [metric, date],
  );
}

/** Alerts after id `after`, by id (reconcile walks them). */
export function alertKeysAfter(
  q: Q,
  after: number,
  limit: number,
): Promise<{ id: number; rule: string; period: string; subject: string }[]> {
  return q.all(`SELECT id, rule, period, subject FROM alerts WHERE id > ? ORDER BY id LIMIT ${Math.floor(limit)}`, [
    after,
  ]);
}

/** Several figures of a date at once, in the caller's transaction (the last write of the day wins). */
export async function putSnapshots(q: Q, date: string, values: [string, number][], now: number): Promise<void> {
  for (const [metric, value] of values) await putSnapshot(q, metric, date, value, now);
}

/** The figures of a date whose metric starts with `prefix` (an operator read, bounded to `ms`). */
export async function snapshotsOn(q: Q, prefix: string, date: string, ms: number): Promise<Map<string, number>> {
  const rows = await q.all<{ metric: string; value: number }>(
    boundedSelect(
      q.dialect,
      ms,
      'SELECT metric, value FROM insight_snapshots WHERE business_date = ? AND metric LIKE ?',
    ),
    [date, `${prefix}%`],
  );
  return new Map(rows.map((r) => [r.metric, Number(r.value)]));
}

/** One figure of a date with when it was written, or undefined. */
export async function snapshotIn(
  q: Q,
  metric: string,
  date: string,
): Promise<{ value: number; updatedAt: number } | undefined> {
  const row = await q.one<{ value: number; updated_at: number }>(
    'SELECT value, updated_at FROM insight_snapshots WHERE metric = ? AND business_date = ?',
    [metric, date],
  );
  return row && { value: Number(row.value), updatedAt: Number(row.updated_at) };
}
