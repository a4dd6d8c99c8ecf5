import { boundedSelect } from '../../db/dialect';
import type { Q } from '../../db/database';

/** All SQL on `insight_daily`: the dashboard's rows per business date and store. */

/** One day's figures at one store (store 0: no store, and the figures of the whole membership). */
export interface DailyRow {
  date: string;
  storeId: number;
  newMembers: number;
  membersTotal: number;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsReversed: number;
  orders: number;
  amountCents: number;
  refundedCents: number;
  orderPoints: number;
  vouchersIssued: number;
  writtenOff: number;
  checkins: number;
  invited: number;
  invitePurchased: number;
  /** Encoded member sets (member-set.ts); null when empty. */
  activeSet: string | null;
  buyerSet: string | null;
  repeatSet: string | null;
  checkinSet: string | null;
  sharerSet: string | null;
  /** When the row was computed (epoch ms; 0 for a row computed at read time). */
  computedAt?: number;
}

const NUMS: [keyof DailyRow, string][] = [
  ['newMembers', 'new_members'],
  ['membersTotal', 'members_total'],
  ['pointsIssued', 'points_issued'],
  ['pointsRedeemed', 'points_redeemed'],
  ['pointsExpired', 'points_expired'],
  ['pointsReversed', 'points_reversed'],
  ['orders', 'orders'],
  ['amountCents', 'amount_cents'],
  ['refundedCents', 'refunded_cents'],
  ['orderPoints', 'order_points'],
  ['vouchersIssued', 'vouchers_issued'],
  ['writtenOff', 'written_off'],
  ['checkins', 'checkins'],
  ['invited', 'invited'],
  ['invitePurchased', 'invite_purchased'],
];
const SETS: [keyof DailyRow, string][] = [
  ['activeSet', 'active_set'],
  ['buyerSet', 'buyer_set'],
  ['repeatSet', 'repeat_set'],
  ['checkinSet', 'checkin_set'],
  ['sharerSet', 'sharer_set'],
];
const COLS = ['business_date', 'store_id', ...NUMS.map(([, c]) => c), ...SETS.map(([, c]) => c)];

/**
 * Replaces a day's rows with freshly computed ones (delete, then insert, in the
 * caller's transaction): a recompute is idempotent and a store that no longer
 * has figures that day loses its row.
 */
export async function replaceDay(q: Q, date: string, rows: DailyRow[], computedAt: number): Promise<void> {
  await q.exec('DELETE FROM insight_daily WHERE business_date = ?', [date]);
  if (!rows.length) return;
  const marks = `(${[...COLS, 'computed_at'].map(() => '?').join(', ')})`;
  await q.exec(
    `INSERT INTO insight_daily (${COLS.join(', ')}, computed_at) VALUES ${rows.map(() => marks).join(', ')}`,
    rows.flatMap((r) => [
      r.date,
      r.storeId,
      ...NUMS.map(([k]) => r[k]),
      ...SETS.map(([k]) => r[k] ?? null),
      computedAt,
    ]),
  );
}

/**
 * The rows of business dates [from, to] (inclusive), of every store or of store 0
 * and one store; bounded in time, as every operator read on the dashboard.
 */
export async function dailyRows(
  q: Q,
  from: string,
  to: string,
  storeId: number | null,
  ms: number,
): Promise<DailyRow[]> {
  const storeSql = storeId === null ? '' : ' AND store_id IN (0, ?)';
  const rows = await q.all<Record<string, unknown>>(
    boundedSelect(
      q.dialect,
      ms,
      `SELECT ${COLS.join(', ')}, computed_at FROM insight_daily WHERE business_date >= ? AND business_date <= ?${storeSql}`,
    ),
    storeId === null ? [from, to] : [from, to, storeId],
  );
  return rows.map((r) => {
    const out = {
      date: String(r.business_date),
      storeId: Number(r.store_id),
      computedAt: Number(r.computed_at),
    } as DailyRow;
    for (const [k, c] of NUMS) (out[k] as number) = Number(r[c] ?? 0);
    for (const [k, c] of SETS) (out[k] as string | null) = (r[c] as string | null) ?? null;
    return out;
  });
}

/**
 * Business dates in [from, to] with their store-0 row: when it was computed (a
 * row computed before its day ended covers the day up to then) and the member
 * total it carries.
 */
export async function storedDays(q: Q, from: string, to: string): Promise<Map<string, { at: number; total: number }>> {
  const rows = await q.all<{ business_date: string; computed_at: number; members_total: number }>(
    'SELECT business_date, computed_at, members_total FROM insight_daily WHERE store_id = 0 AND business_date >= ? AND business_date <= ?',
    [from, to],
  );
  return new Map(
    rows.map((r) => [String(r.business_date), { at: Number(r.computed_at), total: Number(r.members_total) }]),
  );
}
