import { addDaysToIsoDate, businessDate, parseIsoDate, startOfLocalDay, type ShiftSummary } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { StaffPrincipal } from '../../core/principals';
import { AppError } from '../../core/errors';
import { countWrittenOffIn } from '../benefits/store-vouchers';
import { creditsIn, refundsIn } from './store-shift';

const dayStart = (date: string, tz: string) => {
  const d = parseIsoDate(date)!;
  return startOfLocalDay(d.year, d.month, d.day, tz);
};

/**
 * What a store's counter did over a period: purchases credited, refunds (with the
 * points they clawed back) and vouchers written off. Clerks and managers see their
 * own store only; operators (no store) name one. Default period: the business day
 * of `from`, or today's.
 */
export async function shiftSummary(
  db: Database,
  clock: Clock,
  tz: string,
  staff: StaffPrincipal,
  query: { from?: string; to?: string; storeId?: string },
): Promise<ShiftSummary> {
  const asked = query.storeId === undefined ? null : Number(query.storeId);
  if (staff.role !== 'operator' && asked !== null && asked !== staff.storeId)
    throw new AppError('FORBIDDEN', 'Only your own store');
  const storeId = asked ?? staff.storeId;
  if (storeId === null) throw new AppError('STORE_REQUIRED');
  const from = query.from ? new Date(query.from) : dayStart(businessDate(clock.now(), tz), tz);
  const to = query.to ? new Date(query.to) : dayStart(addDaysToIsoDate(businessDate(from, tz), 1), tz);
  if (to <= from) throw new AppError('VALIDATION_FAILED', '`to` must be after `from`', { field: 'to' });
  const [start, end] = [from.getTime(), to.getTime()];
  return db.read(async (q) => {
    const credits = await creditsIn(q, storeId, start, end);
    const refunds = await refundsIn(q, storeId, start, end);
    const writeOffs = { count: await countWrittenOffIn(q, start, end, storeId) };
    return {
      storeId: String(storeId),
      from: from.toISOString(),
      to: to.toISOString(),
      credits,
      refunds,
      writeOffs,
      totals: {
        netAmountCents: credits.amountCents - refunds.amountCents,
        netPoints: credits.points - refunds.pointsClawedBack,
      },
    };
  });
}
