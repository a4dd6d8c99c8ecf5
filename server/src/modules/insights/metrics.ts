import { addDaysToIsoDate, parseIsoDate, startOfLocalDay, type MetricsResponse } from '@huiyuan/shared';
import type { Services } from '../services';
import { membersPerTier } from '../tiers/store';
import { salesByStore, salesTotals } from '../checkout/store';
import { listStores, storeRow } from '../staff/store';

const DAY_START = (date: string, tz: string) => {
  const d = parseIsoDate(date)!;
  return startOfLocalDay(d.year, d.month, d.day, tz).getTime();
};
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
const n = (v: unknown) => Number(v ?? 0);

/** Activity = a purchase or a points movement the member caused (expiry and claw-backs are not activity). */
const ACTIVE_SQL = `SELECT COUNT(DISTINCT member_id) AS n FROM points_entries WHERE type IN ('credit', 'debit', 'adjust') AND created_at >= ? AND created_at < ?`;

/**
 * Dashboard figures for business dates [from, to] (inclusive), computed with
 * aggregate queries over the ledgers; `store` narrows sales and points to one store.
 */
export async function metrics(c: Services, from: string, to: string, store: number | null): Promise<MetricsResponse> {
  const tz = c.config.businessTz;
  const start = DAY_START(from, tz);
  const end = DAY_START(addDaysToIsoDate(to, 1), tz);
  const lastDay = DAY_START(to, tz);
  const monthStart = DAY_START(addDaysToIsoDate(to, -29), tz);
  const rules = await c.tiers.rules();
  const valueCents = await c.settings.get('points.valueCents');
  const storeSql = store === null ? '' : ' AND store_id = ?';
  const storeArg = store === null ? [] : [store];

  return c.db.read(async (q) => {
    const one = async (sql: string, params: unknown[]) => n((await q.one<{ n: number }>(sql, params))?.n);
    const total = await one('SELECT COUNT(*) AS n FROM members WHERE created_at < ?', [end]);
    const fresh = await one('SELECT COUNT(*) AS n FROM members WHERE created_at >= ? AND created_at < ?', [start, end]);
    const dau = await one(ACTIVE_SQL, [lastDay, end]);
    const mau = await one(ACTIVE_SQL, [monthStart, end]);
    const perTier = await membersPerTier(q);
    const sum = (where: string) =>
      one(
        `SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE ${where} AND created_at >= ? AND created_at < ?${storeSql}`,
        [start, end, ...storeArg],
      );
    const issued = await sum("delta > 0 AND type IN ('credit', 'adjust')");
    const redeemed = -(await sum("delta < 0 AND type IN ('debit', 'adjust')"));
    const expired = -(await sum("type = 'expire'"));
    const reversed = -(await sum("type = 'reversal'"));
    const outstanding = await one('SELECT COALESCE(SUM(balance), 0) AS n FROM points_accounts WHERE balance > 0', []);

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

    const vIssued = await one('SELECT COUNT(*) AS n FROM vouchers WHERE created_at >= ? AND created_at < ?', [
      start,
      end,
    ]);
    const vUsed = await one(
      `SELECT COUNT(*) AS n FROM vouchers WHERE redeemed_at >= ? AND redeemed_at < ?${store === null ? '' : ' AND redeemed_store_id = ?'}`,
      [start, end, ...storeArg],
    );
    const vouchers = { issued: vIssued, writtenOff: vUsed, writeOffRate: ratio(vUsed, vIssued) };
    const checkins = await one('SELECT COUNT(*) AS n FROM checkins WHERE business_date >= ? AND business_date <= ?', [
      from,
      to,
    ]);
    const checkinMembers = await one(
      'SELECT COUNT(DISTINCT member_id) AS n FROM checkins WHERE business_date >= ? AND business_date <= ?',
      [from, to],
    );
    // Participation: members who checked in over members active in the last 30 days (at least themselves).
    const checkin = {
      checkins,
      members: checkinMembers,
      participationRate: ratio(checkinMembers, Math.max(mau, checkinMembers)),
    };
    // Funnel: invited (bound at registration) -> made a first purchase -> rewarded.
    const registered = await one('SELECT COUNT(*) AS n FROM referrals WHERE created_at >= ? AND created_at < ?', [
      start,
      end,
    ]);
    const purchased = await one(
      'SELECT COUNT(*) AS n FROM referrals WHERE created_at >= ? AND created_at < ? AND first_purchase_at IS NOT NULL',
      [start, end],
    );
    const referrals = { invited: registered, registered, purchased };

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
