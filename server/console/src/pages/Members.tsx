import { useState } from 'react';
import { api } from '../api';

/** Member lookup (masked), tier preview and manual points adjustment with a reason. */
export function Members() {
  const [by, setBy] = useState('phone');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<any[] | null>(null);
  const [msg, setMsg] = useState('');
  const [adj, setAdj] = useState({ delta: '', reason: '' });
  const search = () => { setMsg(''); api('GET', `/api/admin/members?${by}=${encodeURIComponent(q.trim())}`).then((r) => setItems(r.items), (e) => setMsg(e.message)); };
  const adjust = (memberId: string) => {
    // One key per submitted form: a double click or a retry does not adjust twice.
    const key = `console-${memberId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    api('POST', '/api/admin/points/adjustments', { memberId, delta: Number(adj.delta), reason: adj.reason, idempotencyKey: key })
      .then((r) => { setMsg(`已调整，当前余额 ${r.balanceAfter}`); search(); }, (e) => setMsg(e.message));
  };
  return (
    <div>
      <div className="card row">
        <select value={by} onChange={(e) => setBy(e.target.value)}><option value="phone">手机号</option><option value="code">会员码</option><option value="id">会员 ID</option></select>
        <input placeholder="搜索会员" value={q} onChange={(e) => setQ(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && search()} />
        <button onClick={search}>搜索</button>
      </div>
      {msg && <div className="card">{msg}</div>}
      {items && items.length === 0 && <div className="card muted">没有找到会员</div>}
      {items?.map((m) => (
        <div className="card" key={m.id}>
          <h3>{m.maskedName} <span className="muted">ID {m.id} · {m.maskedPhone ?? '未绑定手机'}</span></h3>
          <div className="row">等级：{m.tier.name} · 成长值（周期内）：{m.growthInWindow} · 积分：{m.balance} · 注册：{m.registeredAt.slice(0, 10)}</div>
          <div className="row">
            <input placeholder="调整积分（负数为扣减）" type="number" value={adj.delta} onChange={(e) => setAdj({ ...adj, delta: e.target.value })} />
            <input placeholder="原因（必填）" value={adj.reason} onChange={(e) => setAdj({ ...adj, reason: e.target.value })} />
            <button disabled={!adj.delta || adj.reason.trim().length < 2} onClick={() => adjust(m.id)}>调整积分</button>
          </div>
        </div>
      ))}
    </div>
  );
}
