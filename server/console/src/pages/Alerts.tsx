import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api } from '../api';

const RULES: Record<string, string> = {
  voucher_write_off_low: '核销率偏低',
  liability_growth: '积分负债增长过快',
  staff_refund_spike: '员工退款异常',
  staff_adjust_spike: '人工调整积分异常',
};

/** Alerts raised by the threshold rules (acknowledge each), and the operators' inbox. */
export function Alerts() {
  const [alerts, setAlerts] = useState<ResponseFor<'adminAlerts'> | null>(null);
  const [inbox, setInbox] = useState<ResponseFor<'adminOperatorInbox'> | null>(null);
  const [msg, setMsg] = useState('');
  const fail = (e: Error) => setMsg(e.message);
  const load = () =>
    Promise.all([
      api<ResponseFor<'adminAlerts'>>('GET', '/api/admin/alerts?limit=100').then(setAlerts),
      api<ResponseFor<'adminOperatorInbox'>>('GET', '/api/admin/inbox?limit=50').then(setInbox),
    ]).catch(fail);
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const ack = (id: string) => api('POST', `/api/admin/alerts/${id}/acknowledge`).then(load, fail);
  const readAll = () => api('POST', '/api/admin/inbox/read', {}).then(load, fail);
  return (
    <div>
      {msg && <div className="card error">{msg}</div>}
      <div className="card">
        <b>预警（未处理 {alerts?.open ?? 0}）</b>
        <table>
          <thead>
            <tr>
              <th>规则</th>
              <th>周期</th>
              <th>说明</th>
              <th>时间</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {alerts?.items.map((a) => (
              <tr key={a.id}>
                <td>{RULES[a.rule] ?? a.rule}</td>
                <td>{a.period}</td>
                <td>{a.message}</td>
                <td>{new Date(a.createdAt).toLocaleString('zh-CN')}</td>
                <td>
                  {a.state === 'open' ? (
                    <button className="ghost" onClick={() => ack(a.id)}>
                      确认
                    </button>
                  ) : (
                    <span className="muted">已确认</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <div className="row">
          <b>运营消息（未读 {inbox?.unread ?? 0}）</b>
          <button className="ghost" onClick={readAll}>
            全部已读
          </button>
        </div>
        {inbox?.items.map((m) => (
          <div key={m.id} className={m.read ? 'muted' : ''}>
            {new Date(m.createdAt).toLocaleString('zh-CN')} · {m.title}：{m.body}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The header's unread badge: the operators' inbox, checked once a minute. */
export function InboxBadge() {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    const check = () =>
      api<ResponseFor<'adminOperatorInbox'>>('GET', '/api/admin/inbox?limit=1').then(
        (r) => setUnread(r.unread),
        () => undefined,
      );
    void check();
    const timer = setInterval(check, 60_000);
    return () => clearInterval(timer);
  }, []);
  return unread > 0 ? <span className="badge">{unread}</span> : null;
}
