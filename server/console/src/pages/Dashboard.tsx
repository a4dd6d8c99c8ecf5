import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, daysAgo, pct, today, yuan } from '../api';
import { Bars, Stat } from '../charts';

export function Dashboard() {
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const [store, setStore] = useState('');
  const [stores, setStores] = useState<ResponseFor<'adminListStores'>['items']>([]);
  const [m, setM] = useState<ResponseFor<'adminMetrics'> | null>(null);
  const [error, setError] = useState('');

  const load = () => {
    setError('');
    api<ResponseFor<'adminMetrics'>>(
      'GET',
      `/api/admin/metrics?from=${from}&to=${to}${store ? `&store=${store}` : ''}`,
    ).then(setM, (e) => setError(e.message));
  };
  useEffect(() => {
    api<ResponseFor<'adminListStores'>>('GET', '/api/admin/stores').then(
      (r) => setStores(r.items),
      () => undefined,
    );
    load();
  }, []);

  return (
    <div>
      <div className="card row">
        <label>
          从 <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          到 <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <select value={store} onChange={(e) => setStore(e.target.value)}>
          <option value="">全部门店</option>
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <button onClick={load}>查询</button>
      </div>
      {error && <div className="card error">{error}</div>}
      {!m && !error && <div className="card muted">加载中…</div>}
      {m && (
        <>
          <div className="grid">
            <Stat k="会员总数" v={m.members.total} />
            <Stat k="新增会员" v={m.members.new} />
            <Stat k="日活 (DAU)" v={m.members.dau} />
            <Stat k="月活 (MAU)" v={m.members.mau} />
            <Stat k="发放积分" v={m.points.issued} />
            <Stat k="兑换积分" v={m.points.redeemed} />
            <Stat k="过期积分" v={m.points.expired} />
            <Stat k="未使用积分" v={m.points.outstanding} />
            <Stat k="积分负债" v={yuan(m.points.liabilityCents)} />
            <Stat k="积分过期率" v={pct(m.points.breakageRate)} />
            <Stat k="券核销率" v={pct(m.vouchers.writeOffRate)} />
            <Stat k="签到参与率" v={pct(m.checkin.participationRate)} />
            <Stat k="订单数" v={m.sales.orders} />
            <Stat k="销售额" v={yuan(m.sales.amountCents)} />
            <Stat k="复购率" v={pct(m.sales.repeatPurchaseRate)} />
            <Stat k="邀请注册 / 下单" v={`${m.referrals.registered} / ${m.referrals.purchased}`} />
          </div>
          <div className="card">
            <h3>等级分布</h3>
            <Bars data={m.tiers.map((t) => ({ label: t.name, value: t.members }))} />
          </div>
          <div className="card">
            <h3>积分流动</h3>
            <Bars
              data={[
                { label: '发放', value: m.points.issued },
                { label: '兑换', value: m.points.redeemed },
                { label: '过期', value: m.points.expired },
                { label: '退款扣回', value: m.points.reversed },
              ]}
            />
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
                {m.stores.map((s) => (
                  <tr key={s.storeId}>
                    <td>{s.name}</td>
                    <td>{s.orders}</td>
                    <td>{yuan(s.amountCents)}</td>
                    <td>{s.pointsIssued}</td>
                    <td>{s.buyers}</td>
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
