import { addDaysToIsoDate } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { activeMembersByDay, movementsByDay } from '../points/store-daily';
import { ordersByDay } from '../checkout/store-daily';
import { dayStart, type LedgerDay } from './rollups';

const DAY_MS = 86_400_000;
/**
 * Days read per pass of a backfill: a range this long is a large part of the
 * ledger, so one sequential pass over it costs less than an index walk per
 * day; and the (day, member) activity pairs of the range stay a few hundred
 * thousand rows in memory.
 */
export const RANGE_DAYS = 15;

/**
 * The ledger and order reads of whole days `dates` (consecutive) in one pass
 * each, split per day; null when a day of the range is not 24 h long (a
 * daylight-saving change: the caller reads day by day).
 */
export async function ledgerDays(q: Q, dates: string[], tz: string): Promise<Map<string, LedgerDay> | null> {
  const base = dayStart(dates[0], tz);
  const end = dayStart(addDaysToIsoDate(dates[dates.length - 1], 1), tz);
  if (dates.some((d, i) => dayStart(d, tz) !== base + i * DAY_MS) || end - base !== dates.length * DAY_MS) return null;
  const out = new Map<string, LedgerDay>();
  const of = (day: number) => {
    const date = dates[day];
    let d = out.get(date);
    if (!d) out.set(date, (d = { movements: new Map(), active: [], orders: [] }));
    return d;
  };
  dates.forEach((_, i) => of(i));
  for (const m of await movementsByDay(q, base, end)) of(m.day).movements.set(m.storeId, m);
  for (const a of await activeMembersByDay(q, base, end)) of(a.day).active.push(a.memberId);
  for (const o of await ordersByDay(q, base, end)) of(o.day).orders.push(o);
  return out;
}
