import { addDaysToIsoDate, parseIsoDate, startOfLocalDay, type MetricsResponse } from '@huiyuan/shared';
import type { Services } from '../services';
import { membersPerTier } from '../tiers/store';
import { salesByStore, salesTotals } from '../checkout/store';
import { listStores, storeRow } from '../staff/store';
import { countIssuedIn, countWrittenOffIn } from '../benefits/store-vouchers';
import { countRegistered } from '../members/store';
import { checkinTotals } from '../checkin/store';
import { countInviters, inviteFunnel } from '../referrals/store';
import { activeMemberCount, movementTotals } from '../points/store-reads';
import { liabilityPoints } from './liability';

const DAY_START = (date: string, tz: string) => {
  const d = parseIsoDate(date)!;
  return startOfLocalDay(d.year, d.month, d.day, tz).getTime();
};
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
const n = (v: unknown) => Number(v ?? 0);

/**
 * Dashboard figures for business dates [from, to] (inclusive), computed with
 * aggregate queries over the source tables; `store` narrows sales and points to
 * one store. The reference the rollups (metrics.ts) are checked against: it
 * scans every row of the range, so operators read the rollups instead.
 */
export async function metricsDirect(
  c: Services,
  from: string,
  to: string,
  store: number | null,
): Promise<MetricsResponse> {
  const tz = c.config.businessTz;
  const start = DAY_START(from, tz);
  const end = DAY_START(addDaysToIsoDate(to, 1), tz);
  const lastDay = DAY_START(to, tz);
  const monthStart = DAY_START(addDaysToIsoDate(to, -29), tz);
  const rules = await c.tiers.rules();
  const valueCents = await c.settings.get('points.valueCents');

  return c.db.read(async (q) => {
    const total = await countRegistered(q, null, end);
    const fresh = await countRegistered(q, start, end);
    // Activity = a points movement the member caused (expiry and claw-backs are not activity).
    const dau = await activeMemberCount(q, lastDay, end);
    const mau = await activeMemberCount(q, monthStart, end);
    const perTier = await membersPerTier(q);
    const { issued, redeemed, expired, reversed } = await movementTotals(q, start, end, store);
    // Closed accounts keep their ledger but nobody can spend their points: released, not owed.
    const { outstanding, closedAccounts } = await liabilityPoints(q);

    const sales = await salesTotals(q, start, end, store);
    // Every store (or the one asked for), with its sales in the range joined in by id; none is 0.
    const storeRows = store === null ? await listStores(q) : [await storeRow(q, store)].filter((s) => !!s);
    const byStore = await salesByStore(q, start, end, store);
    const stores = storeRows.map((s) => {
      const x = byStore.get(Number(s.id));
      return {
        id: s.id,
        name: s.name,
        orders: x?.orders,
        amount: x?.amountCents,
        buyers: x?.buyers,
        points: x?.points,
      };
    });

    const vIssued = await countIssuedIn(q, start, end);
    const vUsed = await countWrittenOffIn(q, start, end, store);
    const vouchers = { issued: vIssued, writtenOff: vUsed, writeOffRate: ratio(vUsed, vIssued) };
    const { checkins, members: checkinMembers } = await checkinTotals(q, from, to);
    // Participation: members who checked in over members active in the last 30 days (at least themselves).
    const checkin = {
      checkins,
      members: checkinMembers,
      participationRate: ratio(checkinMembers, Math.max(mau, checkinMembers)),
    };
    // Funnel: invited (bound at registration) -> made a first purchase -> rewarded.
    const { registered, purchased } = await inviteFunnel(q, start, end);
    const sharers = await countInviters(q, start, end);
    const referrals = { invited: registered, registered, purchased, sharers, shareRate: ratio(sharers, mau) };

    const buyers = sales.buyers;
    return {
      range: { from, to, store: store === null ? null : String(store), timezone: tz },
      members: { total, new: fresh, dau, mau },
      tiers: rules.tiers.map((t) => ({
        code: t.code,
        name: t.name,
        members: perTier.get(t.code) ?? 0,
      })),
      points: {
        issued,
        redeemed,
        expired,
        reversed,
        outstanding,
        closedAccounts,
        liabilityCents: Math.round(outstanding * valueCents),
        breakageRate: ratio(expired, issued),
      },
      vouchers,
      checkin,
      referrals,
      sales: {
        orders: sales.orders,
        amountCents: sales.amountCents,
        refundedCents: sales.refundedCents,
        buyers,
        repeatBuyers: sales.repeatBuyers,
        repeatPurchaseRate: ratio(sales.repeatBuyers, buyers),
        arpuCents: total > 0 ? Math.round((sales.amountCents - sales.refundedCents) / total) : 0,
      },
      stores: stores.map((s) => ({
        storeId: String(s.id),
        name: s.name,
        orders: n(s.orders),
        amountCents: n(s.amount),
        pointsIssued: n(s.points),
        buyers: n(s.buyers),
      })),
    };
  });
}
