import type { Q } from '../../db/database';

/** Ids of the members who checked in on a business date, once per check-in row (the daily rollup). */
export async function checkinMembersOn(q: Q, date: string): Promise<number[]> {
  const rows = await q.all<{ member_id: number }>('SELECT member_id FROM checkins WHERE business_date = ?', [date]);
  return rows.map((r) => Number(r.member_id));
}
