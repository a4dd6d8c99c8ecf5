import { placeholders, type Q } from '../../db/database';
import { forUpdate } from '../../db/dialect';
import type { TierRow } from './store';

/** The set-based evaluation's SQL on `member_tiers` and `growth_entries`: a chunk of members per statement. */

/** A chunk of members' tier rows under their row locks, by member id (the set-based evaluation). */
export async function lockTierRows(q: Q, memberIds: number[]): Promise<(TierRow & { member_id: number })[]> {
  if (!memberIds.length) return [];
  const rows = await q.all<TierRow & { member_id: number }>(
    `SELECT member_id, tier_code, since_at, grace_until FROM member_tiers WHERE member_id IN (${placeholders(memberIds.length)})
      ORDER BY member_id${forUpdate(q.dialect)}`,
    memberIds,
  );
  return rows.map((r) => ({ ...r, member_id: Number(r.member_id) }));
}

/** Per member of a chunk: the sum of its growth made at or after `fromMs` and when the oldest of it was made. */
export async function growthOfChunk(
  q: Q,
  memberIds: number[],
  fromMs: number,
): Promise<Map<number, { sum: number; oldest: number }>> {
  if (!memberIds.length) return new Map();
  const rows = await q.all<{ member_id: number; total: number; oldest: number }>(
    `SELECT member_id, SUM(delta) AS total, MIN(created_at) AS oldest FROM growth_entries
      WHERE member_id IN (${placeholders(memberIds.length)}) AND created_at >= ? GROUP BY member_id`,
    [...memberIds, fromMs],
  );
  return new Map(rows.map((r) => [Number(r.member_id), { sum: Number(r.total), oldest: Number(r.oldest) }]));
}

/**
 * Records an evaluation that changed nothing but the bookkeeping, for a chunk in
 * one statement: evaluated now, each member's next due time (null: none).
 */
export async function markEvaluatedChunk(q: Q, due: Map<number, number | null>, now: Date): Promise<void> {
  if (!due.size) return;
  const ids = [...due.keys()];
  await q.exec(
    `UPDATE member_tiers SET evaluated_at = ?, due_at = CASE member_id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END
      WHERE member_id IN (${placeholders(ids.length)})`,
    [now.getTime(), ...ids.flatMap((id) => [id, due.get(id)]), ...ids],
  );
}

/** Ends the grace periods of members whose growth recovered (a chunk of the evaluation). */
export async function clearGraceOf(q: Q, memberIds: number[], now: Date): Promise<void> {
  if (!memberIds.length) return;
  await q.exec(
    `UPDATE member_tiers SET grace_until = NULL, updated_at = ? WHERE member_id IN (${placeholders(memberIds.length)})`,
    [now.getTime(), ...memberIds],
  );
}
