import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { addDaysToIsoDate } from '@huiyuan/shared';
import { api, pct, today, yuan } from '../api';
import { Stat, TrendChart } from '../charts';

type M = ResponseFor<'adminMetrics'>;
type Bucket = ResponseFor<'adminMetricsSeries'>['periods'][number];

const metrics = (from: string, to: string, store: string) =>
  api<M>('GET', `/api/admin/metrics?from=${from}&to=${to}${store ? `&store=${store}` : ''}`);
const ratio = (now: number, before: number) => (before === 0 ? null : (now - before) / before);

/**
 * Trends by day (last 14 days) or week (last 8 weeks) from the series endpoint, and the whole
 * period against the one before it for the deltas on the cards.
 */
export function Dashboard() {
  const [grain, setGrain] = useState<'day' | 'week'>('day');
  const [store, setStore] = useState('');
  const [stores, setStores] = useState<ResponseFor<'adminListStores'>['items']>([]);
  const [buckets, setBuckets] = useState<Bucket[]>([]);
  const [cur, setCur] = useState<M | null>(null);
  const [prev, setPrev] = useState<M | null>(null);
  const [error, setError] = useState('');
  // Paid membership figures (all time, now): separate from the range, read once.
  const [paid, setPaid] = useState<ResponseFor<'adminMembershipMetrics'> | null>(null);
  useEffect(() => {
    api<ResponseFor<'adminMembershipMetrics'>>('GET', '/api/admin/membership/metrics').then(setPaid, () => undefined);
  }, []);

  useEffect(() => {
    api<ResponseFor<'adminListStores'>>('GET', '/api/admin/stores').then(
      (r) => setStores(r.items),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    setError('');
    const end = today();
    const size = grain === 'day' ? 1 : 7;
    const n = grain === 'day' ? 14 : 8;
    const start = addDaysToIsoDate(end, -(n * size - 1));
    const prevTo = addDaysToIsoDate(start, -1);
    const q = new URLSearchParams({ grain, periods: String(n), to: end });
    if (store) q.set('store', store);
    Promise.all([
      api<ResponseFor<'adminMetricsSeries'>>('GET', `/api/admin/metrics/series?${q}`).then((r) => r.periods),
      metrics(start, end, store),
      metrics(addDaysToIsoDate(prevTo, -(n * size - 1)), prevTo, store),
    ]).then(
      ([b, c, p]) => {
        setBuckets(b);
        setCur(c);
        setPrev(p);
      },
      (e) => setError(e.message),
    );
  }, [grain, store]);

  // Liability at the end of each period, estimated back from now: today's liability less the net
  // points (issued - redeemed - expired - reversed) that came in after that period, at the point value.
  const perPoint = cur && cur.points.outstanding > 0 ? cur.points.liabilityCents / cur.points.outstanding : 0;
  const net = (b: Bucket) => b.pointsIssued - b.pointsRedeemed - b.pointsExpired - b.pointsReversed;
  const liability = buckets.map((_, i) => {
    const after = buckets.slice(i + 1).reduce((sum, b) => sum + net(b), 0);
    return Math.max(0, Math.round(((cur?.points.outstanding ?? 0) - after) * perPoint) / 100);
  });
  const labels = buckets.map((b) => (grain === 'day' ? b.to.slice(5) : `${b.from.slice(5)}起`));
  const s = (label: string, f: (b: Bucket) => number) => ({ label, data: buckets.map(f) });
  return (
    <div>
      <div className="card row">
        <select value={grain} onChange={(e) => setGrain(e.target.value as 'day' | 'week')}>
          <option value="day">按日（近 14 天）</option>
          <option value="week">按周（近 8 周）</option>
        </select>
        <select value={store} onChange={(e) => setStore(e.target.value)}>
          <option value="">全部门店</option>
          {stores.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
        {cur && (
          <span className="muted">
            {cur.range.from} ~ {cur.range.to}，环比上一同长周期（{cur.range.timezone}）
          </span>
        )}
      </div>
      {error && <div className="card error">{error}</div>}
      {!cur && !error && <div className="card muted">加载中…</div>}
      {cur && prev && (
        <>
          <div className="grid">
            <Stat k="会员总数" v={cur.members.total} />
            <Stat k="新增会员" v={cur.members.new} delta={ratio(cur.members.new, prev.members.new)} />
            <Stat k="日活 (DAU)" v={cur.members.dau} delta={ratio(cur.members.dau, prev.members.dau)} />
            <Stat k="月活 (MAU)" v={cur.members.mau} delta={ratio(cur.members.mau, prev.members.mau)} />
            <Stat k="发放积分" v={cur.points.issued} delta={ratio(cur.points.issued, prev.points.issued)} />
            <Stat k="兑换积分" v={cur.points.redeemed} delta={ratio(cur.points.redeemed, prev.points.redeemed)} />
            <Stat k="过期积分" v={cur.points.expired} delta={ratio(cur.points.expired, prev.points.expired)} />
            <Stat k="积分负债（当前）" v={yuan(cur.points.liabilityCents)} />
            <Stat
              k="券核销率"
              v={pct(cur.vouchers.writeOffRate)}
              delta={ratio(cur.vouchers.writeOffRate, prev.vouchers.writeOffRate)}
            />
            <Stat
              k="销售额"
              v={yuan(cur.sales.amountCents)}
              delta={ratio(cur.sales.amountCents, prev.sales.amountCents)}
            />
            <Stat k="订单数" v={cur.sales.orders} delta={ratio(cur.sales.orders, prev.sales.orders)} />
            <Stat k="复购率" v={pct(cur.sales.repeatPurchaseRate)} />
            {paid && <Stat k="付费会员（当前）" v={paid.paidMembers} />}
            {paid && <Stat k="会员费收入（累计）" v={yuan(paid.revenueFen)} />}
            {paid && <Stat k="付费会员续费率" v={pct(paid.renewalRate)} />}
          </div>
          <div className="two">
            <div className="card">
              <h3>新增会员与活跃</h3>
              <TrendChart
                labels={labels}
                series={[s('新增', (b) => b.newMembers), s('DAU', (b) => b.dau), s('MAU', (b) => b.mau)]}
              />
            </div>
            <div className="card">
              <h3>积分发放 / 兑换 / 过期</h3>
              <TrendChart
                kind="bar"
                labels={labels}
                series={[
                  s('发放', (b) => b.pointsIssued),
                  s('兑换', (b) => b.pointsRedeemed),
                  s('过期', (b) => b.pointsExpired),
                ]}
              />
            </div>
            <div className="card">
              <h3>销售额（元）与券核销率（%）</h3>
              <TrendChart
                labels={labels}
                series={[
                  s('销售额', (b) => b.salesCents / 100),
                  s('核销率 %', (b) => Math.round(b.writeOffRate * 1000) / 10),
                ]}
              />
            </div>
            <div className="card">
              <h3>积分负债（元，各期末估算）</h3>
              <TrendChart labels={labels} series={[{ label: '负债', data: liability }]} />
              <div className="muted small">由当前负债减去其后各期的净发放倒推；调整与已注销账户不计入。</div>
            </div>
            <div className="card">
              <h3>等级分布（当前）</h3>
              <TrendChart
                kind="bar"
                labels={cur.tiers.map((t) => t.name)}
                series={[{ label: '会员', data: cur.tiers.map((t) => t.members) }]}
              />
            </div>
          </div>
          <div className="card">
            <h3>门店</h3>
            <table>
              <thead>
                <tr>
                  <th>门店</th>
                  <th>订单</th>
                  <th>销售额</th>
                  <th>发放积分</th>
                  <th>消费会员</th>
                </tr>
              </thead>
              <tbody>
                {cur.stores.map((x) => (
                  <tr key={x.storeId}>
                    <td>{x.name}</td>
                    <td>{x.orders}</td>
                    <td>{yuan(x.amountCents)}</td>
                    <td>{x.pointsIssued}</td>
                    <td>{x.buyers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
