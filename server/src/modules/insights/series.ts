import { addDaysToIsoDate, businessDate, type MetricsResponse } from '@huiyuan/shared';
import type { Services } from '../services';
import { metrics } from './metrics';

/**
 * Dashboard trends: `periods` consecutive days or weeks ending on `to`, oldest
 * first, each the same figures as the dashboard's range query (read from the
 * daily rollups), so a trend and a range never disagree.
 */
export async function metricsSeries(
  c: Services,
  q: { grain: 'day' | 'week'; periods: number; to?: string; store?: string },
) {
  const tz = c.config.businessTz;
  const end = q.to ?? businessDate(c.clock.now(), tz);
  const size = q.grain === 'day' ? 1 : 7;
  const store = q.store ? Number(q.store) : null;
  const periods = [];
  // One period after another: each is a bounded read, and a dashboard asks for at most 31.
  for (let i = q.periods - 1; i >= 0; i--) {
    const to = addDaysToIsoDate(end, -i * size);
    const from = addDaysToIsoDate(to, -(size - 1));
    periods.push(row(from, to, await metrics(c, from, to, store)));
  }
  return { grain: q.grain, timezone: tz, periods };
}

function row(from: string, to: string, m: MetricsResponse) {
  return {
    from,
    to,
    newMembers: m.members.new,
    totalMembers: m.members.total,
    dau: m.members.dau,
    mau: m.members.mau,
    pointsIssued: m.points.issued,
    pointsRedeemed: m.points.redeemed,
    pointsExpired: m.points.expired,
    pointsReversed: m.points.reversed,
    vouchersIssued: m.vouchers.issued,
    vouchersWrittenOff: m.vouchers.writtenOff,
    writeOffRate: m.vouchers.writeOffRate,
    orders: m.sales.orders,
    salesCents: m.sales.amountCents,
    refundedCents: m.sales.refundedCents,
  };
}
