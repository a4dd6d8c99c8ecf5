import { useRef, useState } from 'react';
import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from '../api';

/** Member lookup (masked), tier preview, manual points adjustment and make-up cards (补签卡), each with a reason. */
export function Members() {
  const [by, setBy] = useState('phone');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<ResponseFor<'adminSearchMembers'>['items'] | null>(null);
  const [msg, setMsg] = useState('');
  const [adj, setAdj] = useState({ delta: '', reason: '' });
  const [grant, setGrant] = useState({ cards: '1', reason: '' });
  // One key per filled-in form, made when the form changes: a double click or a
  // retry of the same form sends the same key, and the server applies it once.
  const keys = useRef(new Map<string, string>());
  const keyFor = (form: string) => {
    if (!keys.current.has(form))
      keys.current.set(form, `console-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`);
    return keys.current.get(form)!;
  };
  const search = () => {
    setMsg('');
    api<ResponseFor<'adminSearchMembers'>>('GET', `/api/admin/members?${by}=${encodeURIComponent(q.trim())}`).then(
      (r) => setItems(r.items),
      (e) => setMsg(e.message),
    );
  };
  const adjust = (memberId: string) => {
    const key = keyFor(`adjust:${memberId}:${adj.delta}:${adj.reason}`);
    api<ResponseFor<'adminAdjustPoints'>>('POST', '/api/admin/points/adjustments', {
      memberId,
      delta: Number(adj.delta),
      reason: adj.reason,
      idempotencyKey: key,
    } satisfies BodyFor<'adminAdjustPoints'>).then(
      (r) => {
        setMsg(`已调整，当前余额 ${r.balanceAfter}`);
        keys.current.clear();
        search();
      },
      (e) => setMsg(e.message),
    );
  };
  const giveCards = (memberId: string) => {
    const key = keyFor(`cards:${memberId}:${grant.cards}:${grant.reason}`);
    api<ResponseFor<'adminGrantMakeupCards'>>('POST', `/api/admin/members/${memberId}/makeup-cards`, {
      cards: Number(grant.cards),
      reason: grant.reason,
      idempotencyKey: key,
    } satisfies BodyFor<'adminGrantMakeupCards'>).then(
      (r) => {
        setMsg(`${r.replayed ? '已发放过（重复提交）' : `已发放 ${r.granted} 张补签卡`}，会员现有 ${r.cards} 张`);
        keys.current.clear();
      },
      (e) => setMsg(e.message),
    );
  };
  return (
    <div>
      <div className="card row">
        <select value={by} onChange={(e) => setBy(e.target.value)}>
          <option value="phone">手机号</option>
          <option value="code">会员码</option>
          <option value="id">会员 ID</option>
        </select>
        <input
          placeholder="搜索会员"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && search()}
        />
        <button onClick={search}>搜索</button>
      </div>
      {msg && <div className="card">{msg}</div>}
      {items && items.length === 0 && <div className="card muted">没有找到会员</div>}
      {items?.map((m) => (
        <div className="card" key={m.id}>
          <h3>
            <a href={`#member/${m.id}`}>{m.maskedName}</a>{' '}
            <span className="muted">
              ID {m.id} · {m.maskedPhone ?? '未绑定手机'}
            </span>
          </h3>
          <div className="row">
            等级：{m.tier.name} · 成长值（周期内）：{m.growthInWindow} · 积分：{m.balance} · 注册：
            {m.registeredAt.slice(0, 10)}
          </div>
          <div className="row">
            <input
              placeholder="调整积分（负数为扣减）"
              type="number"
              value={adj.delta}
              onChange={(e) => setAdj({ ...adj, delta: e.target.value })}
            />
            <input
              placeholder="原因（必填）"
              value={adj.reason}
              onChange={(e) => setAdj({ ...adj, reason: e.target.value })}
            />
            <button disabled={!adj.delta || adj.reason.trim().length < 2} onClick={() => adjust(m.id)}>
              调整积分
            </button>
          </div>
          <div className="row">
            <input
              placeholder="补签卡张数（1-31）"
              type="number"
              min={1}
              max={31}
              value={grant.cards}
              onChange={(e) => setGrant({ ...grant, cards: e.target.value })}
            />
            <input
              placeholder="原因（必填）"
              value={grant.reason}
              onChange={(e) => setGrant({ ...grant, reason: e.target.value })}
            />
            <button
              disabled={!(Number(grant.cards) >= 1 && Number(grant.cards) <= 31) || grant.reason.trim().length < 2}
              onClick={() => giveCards(m.id)}
            >
              发放补签卡
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
