import type { Segment } from '@huiyuan/shared';
import { placeholders, sql, type Q } from '../../db/database';

/** All SQL on member_segments: each member's latest RFM score (one row per member). */

export interface SegmentRow {
  memberId: number;
  /** Days since the last kept order; null = no order in the window. */
  recencyDays: number | null;
  frequency: number;
  monetaryCents: number;
  r: number;
  f: number;
  m: number;
  segment: Segment;
  lastOrderAt: number | null;
  computedAt: number;
}

/** Writes the scores of a chunk of members in one multi-row statement; a member's row is replaced. */
export async function replaceSegments(q: Q, rows: SegmentRow[]): Promise<void> {
  if (!rows.length) return;
  // An upsert, not REPLACE (a delete and an insert): the row is the member's current score.
  const cols = ['recency_days', 'frequency', 'monetary_cents', 'r_score', 'f_score', 'm_score', 'segment'];
  await q.exec(
    `INSERT INTO member_segments (member_id, recency_days, frequency, monetary_cents, r_score, f_score, m_score, segment, last_order_at, computed_at)
     VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}${sql.onConflictSet(q.dialect, ['member_id'], [...cols, 'last_order_at', 'computed_at'])}`,
    rows.flatMap((s) => [
      s.memberId,
      s.recencyDays ?? -1,
      s.frequency,
      s.monetaryCents,
      s.r,
      s.f,
      s.m,
      s.segment,
      s.lastOrderAt,
      s.computedAt,
    ]),
  );
}

/** Members per segment and when the scores were last computed (null: never). */
export async function segmentSizes(
  q: Q,
): Promise<{ computedAt: number | null; segments: { segment: Segment; members: number }[] }> {
  const rows = await q.all<{ segment: Segment; n: number }>(
    'SELECT segment, COUNT(*) AS n FROM member_segments GROUP BY segment ORDER BY segment',
  );
  const at = await q.one<{ at: number | null }>('SELECT MAX(computed_at) AS at FROM member_segments');
  return {
    computedAt: at?.at ? Number(at.at) : null,
    segments: rows.map((r) => ({ segment: r.segment, members: Number(r.n) })),
  };
}

/** Ids of members in `segment` after `after`, ascending, `limit` at most (keyset walk). */
export async function segmentMemberIds(q: Q, segment: string, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>(
    `SELECT member_id FROM member_segments WHERE segment = ? AND member_id > ? ORDER BY member_id LIMIT ${Math.floor(limit)}`,
    [segment, after],
  );
  return rows.map((r) => Number(r.member_id));
}

/** The stored scores of these members (absent: not computed yet). */
export async function segmentsOf(q: Q, memberIds: number[]): Promise<Map<number, SegmentRow>> {
  if (!memberIds.length) return new Map();
  const rows = await q.all<{
    member_id: number;
    recency_days: number;
    frequency: number;
    monetary_cents: number;
    r_score: number;
    f_score: number;
    m_score: number;
    segment: Segment;
    last_order_at: number | null;
    computed_at: number;
  }>(
    `SELECT member_id, recency_days, frequency, monetary_cents, r_score, f_score, m_score, segment, last_order_at, computed_at
       FROM member_segments WHERE member_id IN (${placeholders(memberIds.length)})`,
    memberIds,
  );
  return new Map(
    rows.map((r) => [
      Number(r.member_id),
      {
        memberId: Number(r.member_id),
        recencyDays: r.recency_days === null || Number(r.recency_days) < 0 ? null : Number(r.recency_days),
        frequency: Number(r.frequency),
        monetaryCents: Number(r.monetary_cents),
        r: Number(r.r_score),
        f: Number(r.f_score),
        m: Number(r.m_score),
        segment: r.segment,
        lastOrderAt: r.last_order_at === null ? null : Number(r.last_order_at),
        computedAt: Number(r.computed_at),
      },
    ]),
  );
}
