import { addDaysToIsoDate, businessDate, type MetricsResponse } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import type { Services } from '../services';
import { listStores, storeRow } from '../staff/store';
import { firstRegisteredAt } from '../members/store-activity';
import { nowFigures } from './now-figures';
import { MemberSet } from './member-set';
import { computeDay, dayStart } from './rollups';
import { dailyRows, type DailyRow } from './store-rollups';

/** Time bound of the dashboard's reads of its rollups. */
export const READ_MS = 5_000;

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
type SetKey = 'activeSet' | 'buyerSet' | 'repeatSet' | 'checkinSet' | 'sharerSet';
// Each row's set is decoded once per request, whatever number of unions it takes part in.
const decoded = new WeakMap<DailyRow, Partial<Record<SetKey, MemberSet>>>();
const setOf = (r: DailyRow, k: SetKey): MemberSet => {
  let m = decoded.get(r);
  if (!m) decoded.set(r, (m = {}));
  return (m[k] ??= MemberSet.decode(r[k]));
};
const union = (rows: DailyRow[], k: SetKey) => rows.reduce((s, r) => s.merge(setOf(r, k)), new MemberSet());

/**
 * Dashboard figures for business dates [from, to] (inclusive), read from the
 * daily rollups (days x stores rows); `store` narrows sales and points to one
 * store. Today, and a past day the job has not computed yet, are computed here
 * from the source tables, one day of an index each. Liability and tiers are
 * figures of now, read from their owners. Distinct counts are unions of the
 * days' member sets: exact while the sets are small, estimates beyond
 * (member-set.ts).
 */
export async function metrics(c: Services, from: string, to: string, store: number | null): Promise<MetricsResponse> {
  const tz = c.config.businessTz;
  const today = businessDate(c.clock.now(), tz);
  const rules = await c.tiers.rules();
  const valueCents = await c.settings.get('points.valueCents');

  return c.db.read(async (q) => {
    // The range, and the 30 days ending on its last day for MAU.
    const monthFrom = addDaysToIsoDate(to, -29);
    const days = await rollupDays(q, tz, monthFrom < from ? monthFrom : from, to, today, store);
    const global = days.filter((r) => r.storeId === 0);
    const inRange = (r: DailyRow) => r.date >= from && r.date <= to;
    const rangeAll = global.filter(inRange);
    // Store figures: every row of the range, or the one store's rows only.
    const rangeStore = days.filter((r) => inRange(r) && (store === null || r.storeId === store));
    const sum = (rows: DailyRow[], k: keyof DailyRow) => rows.reduce((s, r) => s + (r[k] as number), 0);

    // The last day's total; a day read in parts carries its running total on the later part (the larger).
    const lastGlobal = global
      .filter((r) => r.date <= to)
      .sort((a, b) => (a.date === b.date ? b.membersTotal - a.membersTotal : a.date < b.date ? 1 : -1))[0];
    const total = lastGlobal?.membersTotal ?? 0;
    const dau = union(
      global.filter((r) => r.date === to),
      'activeSet',
    ).size();
    const mau = union(
      global.filter((r) => r.date >= monthFrom && r.date <= to),
      'activeSet',
    ).size();
    // As of the rollups job's last run (now-figures.ts). Closed accounts' points are released, not owed.
    const { perTier, outstanding, closedAccounts } = await nowFigures(q, today);
    const issued = sum(rangeStore, 'pointsIssued');
    const expired = sum(rangeStore, 'pointsExpired');

    const buyerUnion = union(rangeStore, 'buyerSet');
    const buyers = buyerUnion.size();
    const repeatBuyers = repeatBuyersOf(rangeStore, buyers, buyerUnion.exact);
    const amountCents = sum(rangeStore, 'amountCents');
    const refundedCents = sum(rangeStore, 'refundedCents');
    const storeRows = store === null ? await listStores(q) : [await storeRow(q, store)].filter((s) => !!s);

    const vIssued = sum(rangeAll, 'vouchersIssued');
    const vUsed = sum(rangeStore, 'writtenOff');
    const checkins = sum(rangeAll, 'checkins');
    const checkinMembers = union(rangeAll, 'checkinSet').size();
    const sharers = union(rangeAll, 'sharerSet').size();
    const invited = sum(rangeAll, 'invited');

    return {
      range: { from, to, store: store === null ? null : String(store), timezone: tz },
      members: { total, new: sum(rangeAll, 'newMembers'), dau, mau },
      tiers: rules.tiers.map((t) => ({ code: t.code, name: t.name, members: perTier.get(t.code) ?? 0 })),
      points: {
        issued,
        redeemed: sum(rangeStore, 'pointsRedeemed'),
        expired,
        reversed: sum(rangeStore, 'pointsReversed'),
        outstanding,
        closedAccounts,
        liabilityCents: Math.round(outstanding * valueCents),
        breakageRate: ratio(expired, issued),
      },
      vouchers: { issued: vIssued, writtenOff: vUsed, writeOffRate: ratio(vUsed, vIssued) },
      // Participation: members who checked in over members active in the last 30 days (at least themselves).
      checkin: {
        checkins,
        members: checkinMembers,
        participationRate: ratio(checkinMembers, Math.max(mau, checkinMembers)),
      },
      // Funnel: invited (bound at registration) -> made a first purchase -> rewarded.
      referrals: {
        invited,
        registered: invited,
        purchased: sum(rangeAll, 'invitePurchased'),
        sharers,
        shareRate: ratio(sharers, mau),
      },
      sales: {
        orders: sum(rangeStore, 'orders'),
        amountCents,
        refundedCents,
        buyers,
        repeatBuyers,
        repeatPurchaseRate: ratio(repeatBuyers, buyers),
        arpuCents: total > 0 ? Math.round((amountCents - refundedCents) / total) : 0,
      },
      // Every store (or the one asked for), with its sales in the range; none is 0.
      stores: storeRows.map((s) => {
        const mine = rangeStore.filter((r) => r.storeId === Number(s.id));
        return {
          storeId: String(s.id),
          name: s.name,
          orders: sum(mine, 'orders'),
          amountCents: sum(mine, 'amountCents'),
          pointsIssued: sum(mine, 'orderPoints'),
          buyers: union(mine, 'buyerSet').size(),
        };
      }),
    };
  });
}

/**
 * The rows of business dates [from, to]: stored ones, and what they do not
 * cover computed now. A day's stored rows cover it up to their `computedAt`:
 * the whole day when computed after its end; today (and a day last computed
 * before it was over) up to then, and the rest of it (the minutes since the
 * job's last run) is read live as extra rows of the same date. A day never
 * computed is computed whole. Days before the first registration and after
 * today have no figures.
 */
async function rollupDays(
  q: Q,
  tz: string,
  from: string,
  to: string,
  today: string,
  store: number | null,
): Promise<DailyRow[]> {
  const first = await firstRegisteredAt(q);
  if (first === null) return [];
  const start = [from, businessDate(new Date(first), tz)].sort()[1];
  const end = to < today ? to : today;
  if (start > end) return [];
  const rows = await dailyRows(q, start, end, store, READ_MS);
  const mine = (r: DailyRow) => store === null || r.storeId === 0 || r.storeId === store;
  const byDate = new Map(rows.filter((r) => r.storeId === 0).map((r) => [r.date, r]));
  const totals = new Map<string, number>();
  for (let d = start; d <= end; d = addDaysToIsoDate(d, 1)) {
    const dayEnd = dayStart(addDaysToIsoDate(d, 1), tz);
    const had = byDate.get(d);
    if (had && (had.computedAt ?? 0) >= dayEnd) {
      totals.set(d, had.membersTotal);
      continue;
    }
    // The rest of a day the stored rows stop short of, or a whole day never computed.
    const span = had ? { from: Math.max(had.computedAt ?? 0, dayStart(d, tz)), to: dayEnd } : undefined;
    const before = had ? had.membersTotal : totals.get(addDaysToIsoDate(d, -1));
    const live = await computeDay(q, d, tz, before, span);
    totals.set(d, live.find((r) => r.storeId === 0)!.membersTotal);
    rows.push(...live.filter(mine).map((r) => ({ ...r, computedAt: 0 })));
  }
  return rows;
}

/**
 * Members with two orders or more in the rows: in a day's repeat set, or a buyer
 * on two rows (days or stores). Exact while every set and their union are; past that, the
 * extra appearances (sum of the rows' buyers minus the distinct buyers) stand in
 * for members buying on several rows, an estimate from above.
 */
function repeatBuyersOf(rows: DailyRow[], buyers: number, exact: boolean): number {
  const sets = rows.map((r) => ({ b: setOf(r, 'buyerSet'), r: setOf(r, 'repeatSet') }));
  // Counted id by id only while the buyers' union is exact (a few thousand ids), as every distinct count.
  if (exact && sets.every((s) => s.b.exact && s.r.exact)) {
    const seen = new Map<number, number>();
    for (const s of sets) {
      for (const id of s.b.members()) seen.set(id, (seen.get(id) ?? 0) + (s.r.has(id) ? 2 : 1));
    }
    return [...seen.values()].filter((n) => n >= 2).length;
  }
  const extra = sets.reduce((n, s) => n + s.b.size(), 0) - buyers;
  return Math.min(buyers, union(rows, 'repeatSet').size() + Math.max(0, extra));
}
