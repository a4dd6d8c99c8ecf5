import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api } from '../api';

type AuditPage = ResponseFor<'adminAudit'>;

export function Audit() {
  const [items, setItems] = useState<AuditPage['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const more = (from: string | null) =>
    api<AuditPage>('GET', `/api/admin/audit?limit=50${from ? `&cursor=${from}` : ''}`).then(
      (r) => {
        setItems((xs) => (from ? [...xs, ...r.items] : r.items));
        setCursor(r.nextCursor);
      },
      (e) => setMsg(e.message),
    );
  useEffect(() => {
    void more(null);
  }, []);
  return (
    <div className="card">
      {msg && <div className="error">{msg}</div>}
      <table>
        <thead>
          <tr>
            <th>时间</th>
            <th>操作人</th>
            <th>动作</th>
            <th>对象</th>
            <th>变更前</th>
            <th>变更后</th>
            <th>原因</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{new Date(a.createdAt).toLocaleString('zh-CN')}</td>
              <td>
                {a.actorType} #{a.actorId ?? '-'}
              </td>
              <td>{a.action}</td>
              <td>
                {a.targetType} {a.targetId}
              </td>
              <td>
                <code>{a.before ? JSON.stringify(a.before).slice(0, 120) : ''}</code>
              </td>
              <td>
                <code>{a.after ? JSON.stringify(a.after).slice(0, 120) : ''}</code>
              </td>
              <td>{a.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <div className="muted">暂无记录</div>}
      {cursor && (
        <button className="ghost" onClick={() => more(cursor)}>
          加载更多
        </button>
      )}
    </div>
  );
}
