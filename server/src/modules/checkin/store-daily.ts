import type { Q } from '../../db/database';

/**
 * Ids of the members who checked in on a business date, once per check-in row
 * (the daily rollup); with `from` / `to`, only the rows written in that span of
 * time (today's rollup so far, and the rest read live).
 */
export async function checkinMembersOn(
  q: Q,
  date: string,
  from?: number | null,
  to?: number | null,
): Promise<number[]> {
  const span = `${from == null ? '' : ' AND created_at >= ?'}${to == null ? '' : ' AND created_at < ?'}`;
  const rows = await q.all<{ member_id: number }>(`SELECT member_id FROM checkins WHERE business_date = ?${span}`, [
    date,
    ...(from == null ? [] : [from]),
    ...(to == null ? [] : [to]),
  ]);
  return rows.map((r) => Number(r.member_id));
}
