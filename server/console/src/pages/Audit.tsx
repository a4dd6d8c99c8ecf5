import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, when } from '../api';
import { Diff } from './diff';

type AuditPage = ResponseFor<'adminAudit'>;
const ACTORS: Record<string, string> = { operator: '运营', staff: '店员', member: '会员', system: '系统' };

/** Audit log: filters (actor, action, target, dates) and each entry's changed fields, before and after. */
export function Audit() {
  const [f, setF] = useState({ actorType: '', actorId: '', action: '', targetType: '', from: '', to: '' });
  const [items, setItems] = useState<AuditPage['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const more = async (from: string | null) => {
    setMsg('');
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
    if (from) q.set('cursor', from);
    const r = await api<AuditPage>('GET', `/api/admin/audit?${q}`);
    setItems((xs) => (from ? [...xs, ...r.items] : r.items));
    setCursor(r.nextCursor);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void more(null).catch((e) => setMsg(e.message)), []);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <div>
      <div className="card row">
        <select value={f.actorType} onChange={set('actorType')}>
          <option value="">全部操作人</option>
          {Object.entries(ACTORS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <input className="narrow" placeholder="操作人 ID" value={f.actorId} onChange={set('actorId')} />
        <input placeholder="动作（如 setting.update）" value={f.action} onChange={set('action')} />
        <input className="narrow" placeholder="对象类型" value={f.targetType} onChange={set('targetType')} />
        <label>
          从 <input type="date" value={f.from} onChange={set('from')} />
        </label>
        <label>
          到 <input type="date" value={f.to} onChange={set('to')} />
        </label>
        <button onClick={() => more(null).catch((e) => setMsg(e.message))}>筛选</button>
      </div>
      {msg && <div className="card error">{msg}</div>}
      <div className="card">
        <table className="audit">
          <thead>
            <tr>
              <th style={{ width: 150 }}>时间</th>
              <th style={{ width: 110 }}>操作人</th>
              <th style={{ width: 170 }}>动作 / 对象</th>
              <th>变更（字段：之前 → 之后）</th>
              <th style={{ width: 140 }}>原因</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>{when(a.createdAt)}</td>
                <td>
                  {ACTORS[a.actorType] ?? a.actorType} #{a.actorId ?? '-'}
                </td>
                <td>
                  <b>{a.action}</b>
                  <br />
                  {a.targetType === 'member' && a.targetId ? (
                    <a href={`#member/${a.targetId}`}>会员 #{a.targetId}</a>
                  ) : (
                    <span className="muted">
                      {a.targetType} {a.targetId}
                    </span>
                  )}
                </td>
                <td>
                  <Diff before={a.before} after={a.after} />
                </td>
                <td>{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <div className="muted">暂无记录</div>}
        {cursor && (
          <button className="ghost" onClick={() => more(cursor).catch((e) => setMsg(e.message))}>
            加载更多
          </button>
        )}
      </div>
    </div>
  );
}
