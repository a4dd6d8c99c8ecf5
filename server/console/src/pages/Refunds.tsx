import { useEffect, useRef, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, newKey, when, yuan } from '../api';

type Page = ResponseFor<'adminListRefunds'>;

/** Refunds: the list (by store, member, order) and a refund made for a store, as its counter would. */
export function Refunds() {
  const [stores, setStores] = useState<ResponseFor<'adminListStores'>['items']>([]);
  const [f, setF] = useState({ store: '', memberId: '', orderNo: '' });
  const [items, setItems] = useState<Page['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [form, setForm] = useState({ storeId: '', orderNo: '', yuan: '' });
  const [msg, setMsg] = useState('');
  // One key per filled-in form: a double click refunds once.
  const key = useRef({ form: '', key: '' });

  const search = async (more: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
    if (more) q.set('cursor', more);
    const page = await api<Page>('GET', `/api/admin/refunds?${q}`);
    setItems((xs) => (more ? [...xs, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    api<ResponseFor<'adminListStores'>>('GET', '/api/admin/stores').then(
      (r) => setStores(r.items),
      () => undefined,
    );
    search(null).catch((e) => setMsg(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const storeName = (id: string) => stores.find((s) => s.id === id)?.name ?? `#${id}`;

  const refund = async () => {
    const amountCents = Math.round(Number(form.yuan) * 100);
    const sig = JSON.stringify(form);
    if (key.current.form !== sig) key.current = { form: sig, key: newKey() };
    try {
      const r = await api<ResponseFor<'adminRefund'>>(
        'POST',
        '/api/admin/refunds',
        { storeId: form.storeId, orderNo: form.orderNo.trim(), amountCents },
        { 'idempotency-key': key.current.key },
      );
      setMsg(
        `${r.replayed ? '已退过（重复提交）：' : '已退款：'}${yuan(r.amountCents)}，扣回 ${r.pointsReversed} 积分，会员余额 ${r.balance}`,
      );
      await search(null);
    } catch (e) {
      setMsg((e as Error).message);
    }
  };

  return (
    <div>
      <div className="card">
        <h3>为门店退款</h3>
        <div className="row">
          <select value={form.storeId} onChange={(e) => setForm({ ...form, storeId: e.target.value })}>
            <option value="">选择门店</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <input
            placeholder="订单号"
            value={form.orderNo}
            onChange={(e) => setForm({ ...form, orderNo: e.target.value })}
          />
          <input
            placeholder="退款金额（元）"
            type="number"
            min={0.01}
            step={0.01}
            value={form.yuan}
            onChange={(e) => setForm({ ...form, yuan: e.target.value })}
          />
          <button disabled={!form.storeId || !form.orderNo.trim() || !(Number(form.yuan) > 0)} onClick={refund}>
            退款
          </button>
          {msg && <span className="msg">{msg}</span>}
        </div>
      </div>
      <div className="card">
        <div className="row">
          <select value={f.store} onChange={(e) => setF({ ...f, store: e.target.value })}>
            <option value="">全部门店</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <input placeholder="会员 ID" value={f.memberId} onChange={(e) => setF({ ...f, memberId: e.target.value })} />
          <input placeholder="订单号" value={f.orderNo} onChange={(e) => setF({ ...f, orderNo: e.target.value })} />
          <button onClick={() => search(null).catch((e) => setMsg(e.message))}>查询</button>
        </div>
        <table>
          <thead>
            <tr>
              <th>时间</th>
              <th>门店</th>
              <th>订单号</th>
              <th>会员</th>
              <th>退款 / 订单金额</th>
              <th>扣回积分</th>
              <th>扣回成长值</th>
              <th>操作人</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>{when(r.createdAt)}</td>
                <td>{storeName(r.storeId)}</td>
                <td>{r.orderNo}</td>
                <td>
                  <a href={`#member/${r.memberId}`}>#{r.memberId}</a>
                </td>
                <td>
                  {yuan(r.amountCents)} / {yuan(r.orderAmountCents)}
                </td>
                <td>{r.points}</td>
                <td>{r.growth}</td>
                <td>{r.staffId ? `#${r.staffId}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <div className="muted">暂无退款</div>}
        {cursor && (
          <button className="ghost" onClick={() => search(cursor).catch((e) => setMsg(e.message))}>
            加载更多
          </button>
        )}
      </div>
    </div>
  );
}
