import { placeholders, type Q, type Step, type StepResult } from '../../db/database';
import { forUpdate, insertIgnore } from '../../db/dialect';

/**
 * The only place the tiers tables are named: member_tiers (one row per member:
 * the stored tier, since when, a grace period and the last evaluation) and
 * growth_entries (the append-only growth ledger, idempotent on its key).
 */

export interface TierRow {
  tier_code: string;
  since_at: number;
  grace_until: number | null;
}

export interface GrowthRow {
  memberId: number;
  delta: number;
  source: string;
  ref: string | null;
  label: string;
  key: string;
  storeId: number | null;
}

/** Adds the member's tier row unless it exists (registration, or a member from before tiers). */
export async function insertTierRow(q: Q, memberId: number, tierCode: string, now: Date): Promise<void> {
  await q.exec(
    `${insertIgnore(q.dialect)} INTO member_tiers (member_id, tier_code, since_at, updated_at) VALUES (?, ?, ?, ?)`,
    [memberId, tierCode, now.getTime(), now.getTime()],
  );
}

/** The member's tier row; `lock` holds its row lock until the commit (serialises growth per member). */
export async function tierRow(q: Q, memberId: number, lock = false): Promise<TierRow | undefined> {
  return q.one<TierRow>(
    `SELECT tier_code, since_at, grace_until FROM member_tiers WHERE member_id = ?${lock ? forUpdate(q.dialect) : ''}`,
    [memberId],
  );
}

export async function tierCodeOf(q: Q, memberId: number): Promise<string | undefined> {
  return (await q.one<{ tier_code: string }>('SELECT tier_code FROM member_tiers WHERE member_id = ?', [memberId]))
    ?.tier_code;
}

/** Tier codes of several members in one statement, as a step for a caller's `q.script`. */
export function tierCodesStep(memberIds: number[]): Step {
  return [
    `SELECT member_id, tier_code FROM member_tiers WHERE member_id IN (${placeholders(memberIds.length)})`,
    memberIds,
  ];
}

/** Member id -> stored tier code, from the rows of `tierCodesStep` (members without a row are absent). */
export function decodeTierCodes(result: Pick<StepResult, 'rows'>): Map<number, string> {
  return new Map(result.rows.map((r) => [Number(r.member_id), String(r.tier_code)]));
}

/** Member id -> stored tier code of several members in one read. */
export async function tierCodesOf(q: Q, memberIds: number[]): Promise<Map<number, string>> {
  if (!memberIds.length) return new Map();
  const [sql, params] = tierCodesStep(memberIds);
  return decodeTierCodes({ rows: await q.all(sql, params) });
}

/** Appends a growth entry; 0 when its key was already applied. */
export async function insertGrowth(q: Q, g: GrowthRow, now: Date): Promise<number> {
  return q.exec(
    `${insertIgnore(q.dialect)} INTO growth_entries (member_id, delta, source, ref, label, idem_key, store_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [g.memberId, g.delta, g.source, g.ref, g.label.slice(0, 128), g.key, g.storeId, now.getTime()],
  );
}

/** Sum of the member's growth entries made at or after `fromMs` (may be negative after refunds). */
export async function growthSince(q: Q, memberId: number, fromMs: number): Promise<number> {
  const row = await q.one<{ total: number | null }>(
    'SELECT SUM(delta) AS total FROM growth_entries WHERE member_id = ? AND created_at >= ?',
    [memberId, fromMs],
  );
  return Number(row?.total ?? 0);
}

export interface GrowthEntry {
  id: number;
  delta: number;
  source: string;
  label: string | null;
  ref: string | null;
  created_at: number;
}

/** The member's latest growth entries made at or after `fromMs`, newest first. */
export async function recentGrowth(q: Q, memberId: number, fromMs: number, limit = 100): Promise<GrowthEntry[]> {
  return q.all<GrowthEntry>(
    `SELECT id, delta, source, label, ref, created_at FROM growth_entries WHERE member_id = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
    [memberId, fromMs],
  );
}

/** Moves the tier from `from` to `to` (conditional on `from`, so a lost race moves nothing); 1 when moved. */
export async function moveTier(q: Q, memberId: number, from: string, to: string, now: Date): Promise<number> {
  return q.exec(
    'UPDATE member_tiers SET tier_code = ?, since_at = ?, grace_until = NULL, updated_at = ? WHERE member_id = ? AND tier_code = ?',
    [to, now.getTime(), now.getTime(), memberId, from],
  );
}

export async function markEvaluated(q: Q, memberId: number, now: Date): Promise<void> {
  await q.exec('UPDATE member_tiers SET evaluated_at = ? WHERE member_id = ?', [now.getTime(), memberId]);
}

/** Starts a grace period unless one is running. */
export async function startGrace(q: Q, memberId: number, untilMs: number, now: Date): Promise<void> {
  await q.exec('UPDATE member_tiers SET grace_until = ?, updated_at = ? WHERE member_id = ? AND grace_until IS NULL', [
    untilMs,
    now.getTime(),
    memberId,
  ]);
}

export async function clearGrace(q: Q, memberId: number, now: Date): Promise<void> {
  await q.exec('UPDATE member_tiers SET grace_until = NULL, updated_at = ? WHERE member_id = ?', [
    now.getTime(),
    memberId,
  ]);
}

/**
 * Sets when the member is next due for evaluation (null: not until growth arrives).
 * Written by the evaluation itself, which knows the whole window.
 */
export async function setDue(q: Q, memberId: number, dueAt: number | null): Promise<void> {
  await q.exec('UPDATE member_tiers SET due_at = ? WHERE member_id = ?', [dueAt, memberId]);
}

/** Brings the member's due time forward to `dueAt` (never later than it is), as a step to defer. */
export function dueByStep(memberId: number, dueAt: number): Step {
  return [
    'UPDATE member_tiers SET due_at = ? WHERE member_id = ? AND (due_at IS NULL OR due_at > ?)',
    [dueAt, memberId, dueAt],
  ];
}

/**
 * Members due for evaluation by `nowMs`, in (due_at, member_id) order after the
 * keyset `after`, by the (due_at, member_id) index.
 */
export async function duePage(
  q: Q,
  nowMs: number,
  after: { due: number; id: number } | null,
  limit: number,
): Promise<{ memberId: number; due: number }[]> {
  const rows = await q.all<{ member_id: number; due_at: number }>(
    `SELECT member_id, due_at FROM member_tiers WHERE due_at <= ? AND (due_at > ? OR (due_at = ? AND member_id > ?))
     ORDER BY due_at, member_id LIMIT ${Math.floor(limit)}`,
    [nowMs, after?.due ?? -1, after?.due ?? -1, after?.id ?? 0],
  );
  return rows.map((r) => ({ memberId: Number(r.member_id), due: Number(r.due_at) }));
}

/** When the member's oldest growth entry at or after `fromMs` was made (null: none). */
export async function oldestGrowthSince(q: Q, memberId: number, fromMs: number): Promise<number | null> {
  const row = await q.one<{ at: number | null }>(
    'SELECT MIN(created_at) AS at FROM growth_entries WHERE member_id = ? AND created_at >= ?',
    [memberId, fromMs],
  );
  return row?.at == null ? null : Number(row.at);
}

/** Members (keyset after `after`) not evaluated since `beforeMs`, for the evaluation job. */
export async function dueForEvaluation(q: Q, after: number, beforeMs: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT member_id FROM member_tiers WHERE member_id > ? AND (evaluated_at IS NULL OR evaluated_at < ?) ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [after, beforeMs],
  );
  return rows.map((r) => Number(r.member_id));
}

/** Members whose stored tier is `tierCode`, by member id after `after` (a monthly gift walks them in chunks). */
export async function membersInTierAfter(q: Q, tierCode: string, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT member_id FROM member_tiers WHERE tier_code = ? AND member_id > ? ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [tierCode, after],
  );
  return rows.map((r) => Number(r.member_id));
}

/** Stored tier code -> number of members (dashboard). */
export async function membersPerTier(q: Q): Promise<Map<string, number>> {
  const rows = await q.all<{ tier_code: string; n: number }>(
    'SELECT tier_code, COUNT(*) AS n FROM member_tiers GROUP BY tier_code',
  );
  return new Map(rows.map((r) => [r.tier_code, Number(r.n)]));
}

export interface StoredTier {
  memberId: number;
  tierCode: string;
  sinceAt: number;
  evaluatedAt: number | null;
}

/** A page of tier rows by member id (keyset after `after`), for reconcile. */
export async function tierRowsAfter(q: Q, after: number, limit: number): Promise<StoredTier[]> {
  const rows = await q.all<{ member_id: number; tier_code: string; since_at: number; evaluated_at: number | null }>(
    `SELECT member_id, tier_code, since_at, evaluated_at FROM member_tiers WHERE member_id > ? ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [after],
  );
  return rows.map((r) => ({
    memberId: Number(r.member_id),
    tierCode: r.tier_code,
    sinceAt: Number(r.since_at),
    evaluatedAt: r.evaluated_at === null ? null : Number(r.evaluated_at),
  }));
}

/** Every growth entry (delta and time) of several members, by member id, for reconcile. */
export async function growthOfMembers(
  q: Q,
  memberIds: number[],
): Promise<Map<number, { delta: number; at: number }[]>> {
  const out = new Map<number, { delta: number; at: number }[]>();
  if (!memberIds.length) return out;
  const rows = await q.all<{ member_id: number; delta: number; created_at: number }>(
    `SELECT member_id, delta, created_at FROM growth_entries WHERE member_id IN (${placeholders(memberIds.length)})`,
    memberIds,
  );
  for (const r of rows) {
    const list = out.get(Number(r.member_id)) ?? [];
    list.push({ delta: Number(r.delta), at: Number(r.created_at) });
    out.set(Number(r.member_id), list);
  }
  return out;
}

/** The member's growth ledger as stored, for a personal data export. */
export async function exportGrowth(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all<Record<string, unknown>>(
    'SELECT id, delta, source, label, created_at FROM growth_entries WHERE member_id = ? ORDER BY id',
    [memberId],
  );
}

/** The member's tier row as stored (no row for a member from before tiers), for a personal data export. */
export async function exportTier(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all<Record<string, unknown>>(
    'SELECT tier_code, since_at, grace_until FROM member_tiers WHERE member_id = ?',
    [memberId],
  );
}
