import { useEffect, useRef, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, newKey, when, yuan } from '../api';

type Sub = ResponseFor<'adminMembershipSubscribers'>['items'][number];
type Preview = ResponseFor<'adminMembershipRefundPreview'>;
const STATUS = { active: '生效中', expired: '已到期', refunded: '已退款' } as const;

/**
 * Subscribers (by plan and status) and the refund of a member's latest period:
 * the preview first (pro-rata amount, what was used, vouchers to cancel, points to
 * take back, the new end), then the refund of exactly that period.
 */
export function MembershipSubscribers({
  plans,
  onChanged,
}: {
  plans: { id: string; title: string }[];
  onChanged: () => void;
}) {
  const [f, setF] = useState({ planId: '', status: '' });
  const [items, setItems] = useState<Sub[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState('');
  // One key per previewed period: a double click refunds once.
  const key = useRef({ period: '', key: '' });

  const search = async (more: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    if (more) q.set('cursor', more);
    const page = await api<ResponseFor<'adminMembershipSubscribers'>>('GET', `/api/admin/membership/subscribers?${q}`);
    setItems((xs) => (more ? [...xs, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void search(null).catch((e) => setMsg(e.message)), [f]);

  const ask = async (memberId: string) => {
    setMsg('');
    try {
      setPreview(await api<Preview>('GET', `/api/admin/membership/refund-preview?memberId=${memberId}`));
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const refund = async () => {
    if (!preview) return;
    if (key.current.period !== preview.periodId) key.current = { period: preview.periodId, key: newKey() };
    try {
      const r = await api<ResponseFor<'adminMembershipRefund'>>(
        'POST',
        '/api/admin/membership/refunds',
        { memberId: preview.memberId, periodId: preview.periodId, reason: reason.trim() || '运营退款' },
        { 'idempotency-key': key.current.key },
      );
      setMsg(
        `${r.replayed ? '已提交过：' : '已提交退款：'}${yuan(r.refundFen)}（${r.status === 'done' ? '已完成' : '等待微信支付退款'}）`,
      );
      setPreview(null);
      await search(null);
      onChanged();
    } catch (e) {
      setMsg((e as Error).message);
    }
  };

  return (
    <div className="card">
      <h3>付费会员</h3>
      {msg && <p>{msg}</p>}
      <div className="row">
        <select value={f.planId} onChange={(e) => setF({ ...f, planId: e.target.value })}>
          <option value="">全部方案</option>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <select value={f.status} onChange={(e) => setF({ ...f, status: e.target.value })}>
          <option value="">全部状态</option>
          {Object.entries(STATUS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <table>
        <thead>
          <tr>
            <th>会员</th>
            <th>方案</th>
            <th>状态</th>
            <th>开始</th>
            <th>到期</th>
            <th>期数</th>
            <th>已付</th>
            <th>自动续费</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.memberId}>
              <td>
                <a href={`#member/${s.memberId}`}>#{s.memberId}</a>
              </td>
              <td>{s.planTitle}</td>
              <td>{STATUS[s.status]}</td>
              <td>{when(s.startedAt)}</td>
              <td>{when(s.endsAt)}</td>
              <td>{s.periods}</td>
              <td>{yuan(s.paidFen)}</td>
              <td>{s.autoRenew ? '希望自动续费' : '-'}</td>
              <td>
                <button className="ghost" onClick={() => void ask(s.memberId)}>
                  退款预览
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button className="ghost" onClick={() => void search(cursor)}>
          更多
        </button>
      )}
      {preview && (
        <div className="card">
          <h4>
            退款预览：会员 #{preview.memberId}，订单 {preview.outTradeNo}
          </h4>
          <p>
            已付 {yuan(preview.paidFen)}，共 {preview.totalDays} 天，未用 {preview.unusedDays} 天；
            {preview.full ? '在全额退款期内且未使用权益：全额退款。' : `已用权益价值 ${yuan(preview.usedValueFen)}。`}
          </p>
          <p>
            退款 <b>{yuan(preview.refundFen)}</b>；作废未用礼包券 {preview.unusedVouchers} 张；扣回多得积分{' '}
            {preview.bonusPoints}
            （已花掉的记为欠分）；会员到期改为 {when(preview.endsAt)}。
          </p>
          <div className="row">
            <input placeholder="退款原因" value={reason} onChange={(e) => setReason(e.target.value)} />
            <button onClick={() => void refund()}>确认退款</button>
            <button className="ghost" onClick={() => setPreview(null)}>
              取消
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
