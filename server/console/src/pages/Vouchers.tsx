import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, when } from '../api';

type Page = ResponseFor<'adminSearchVouchers'>;
export const VOUCHER_STATUS: Record<string, string> = {
  unused: '未使用',
  used: '已核销',
  expired: '已过期',
  cancelled: '已作废',
};

/** Voucher search (member, code, benefit, status) and cancelling an unused one: stock and points come back. */
export function Vouchers({ memberId }: { memberId?: string }) {
  const [f, setF] = useState({ memberId: memberId ?? '', code: '', benefitId: '', status: '' });
  const [benefits, setBenefits] = useState<ResponseFor<'adminListBenefits'>['items']>([]);
  const [items, setItems] = useState<Page['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [msg, setMsg] = useState('');

  const search = async (more: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
    if (more) q.set('cursor', more);
    const page = await api<Page>('GET', `/api/admin/vouchers?${q}`);
    setItems((xs) => (more ? [...xs, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    api<ResponseFor<'adminListBenefits'>>('GET', '/api/admin/benefits').then(
      (r) => setBenefits(r.items),
      () => undefined,
    );
    search(null).catch((e) => setMsg(e.message));
    // Loaded once; later searches are the operator's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const cancel = async (id: string) => {
    if (!confirm('作废这张券？积分与库存将退回。')) return;
    try {
      const r = await api<ResponseFor<'adminCancelVoucher'>>('POST', `/api/admin/vouchers/${id}/cancel`);
      setMsg(`已作废，退回 ${r.refundedPoints} 积分，会员余额 ${r.balance}`);
      await search(null);
    } catch (e) {
      setMsg((e as Error).message);
    }
  };

  return (
    <div>
      <div className="card row">
        {!memberId && (
          <input placeholder="会员 ID" value={f.memberId} onChange={(e) => setF({ ...f, memberId: e.target.value })} />
        )}
        <input placeholder="券码" value={f.code} onChange={(e) => setF({ ...f, code: e.target.value })} />
        <select value={f.benefitId} onChange={(e) => setF({ ...f, benefitId: e.target.value })}>
          <option value="">全部权益</option>
          {benefits.map((b) => (
            <option key={b.id} value={b.id}>
              {b.title}
            </option>
          ))}
        </select>
        <select value={f.status} onChange={(e) => setF({ ...f, status: e.target.value })}>
          <option value="">全部状态</option>
          {Object.entries(VOUCHER_STATUS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <button onClick={() => search(null).catch((e) => setMsg(e.message))}>查询</button>
        {msg && <span className="msg">{msg}</span>}
      </div>
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>券码</th>
              <th>权益</th>
              <th>会员</th>
              <th>状态</th>
              <th>积分</th>
              <th>领取</th>
              <th>有效期至</th>
              <th>核销</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}>
                <td>
                  <code>{v.code}</code>
                </td>
                <td>{v.title}</td>
                <td>
                  <a href={`#member/${v.memberId}`}>#{v.memberId}</a>
                </td>
                <td>{VOUCHER_STATUS[v.status] ?? v.status}</td>
                <td>{v.costPoints}</td>
                <td>{when(v.createdAt)}</td>
                <td>{when(v.validUntil)}</td>
                <td>{when(v.redeemedAt)}</td>
                <td>
                  {v.status === 'unused' && (
                    <button className="ghost" onClick={() => cancel(v.id)}>
                      作废
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <div className="muted">没有符合条件的券</div>}
        {cursor && (
          <button className="ghost" onClick={() => search(cursor).catch((e) => setMsg(e.message))}>
            加载更多
          </button>
        )}
      </div>
    </div>
  );
}
