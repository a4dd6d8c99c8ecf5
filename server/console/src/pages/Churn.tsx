import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, daysAgo, pct, today } from '../api';

const ACTIONS: Record<string, string> = { message: '提醒消息', gift: '赠券 + 消息', dormant: '标记沉睡' };

/** Staged churn: members per stage now, entries and recoveries in the range, and each store's call list. */
export function ChurnStages() {
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const [data, setData] = useState<ResponseFor<'adminChurnStages'> | null>(null);
  const [list, setList] = useState<ResponseFor<'adminCallList'> | null>(null);
  const [msg, setMsg] = useState('');
  const load = () =>
    api<ResponseFor<'adminChurnStages'>>('GET', `/api/admin/churn/stages?from=${from}&to=${to}`).then(setData, (e) =>
      setMsg(e.message),
    );
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const open = (storeId: string) =>
    api<ResponseFor<'adminCallList'>>('GET', `/api/admin/churn/call-list/${storeId}?limit=200`).then(setList, (e) =>
      setMsg(e.message),
    );
  return (
    <>
      <div className="card row">
        <b>分阶段流失</b>
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <button onClick={load}>查询</button>
        {data && <span className="muted">回流：进入阶段后 {data.recoveryDays} 天内再次活跃</span>}
      </div>
      {msg && <div className="card error">{msg}</div>}
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>阶段</th>
              <th>沉默天数起</th>
              <th>动作</th>
              <th>当前人数</th>
              <th>期间进入</th>
              <th>回流</th>
              <th>回流率</th>
            </tr>
          </thead>
          <tbody>
            {data?.stages.map((s) => (
              <tr key={s.code}>
                <td>{s.code}</td>
                <td>{s.fromDays}</td>
                <td>{ACTIONS[s.action] ?? s.action}</td>
                <td>{s.current}</td>
                <td>{s.entered}</td>
                <td>{s.recovered}</td>
                <td>{pct(s.recoveryRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <b>门店回访名单</b>
        {data && !data.callLists.length && <div className="muted">暂无需要回访的会员</div>}
        <div className="row">
          {data?.callLists.map((s) => (
            <button key={s.storeId} className="ghost" onClick={() => open(s.storeId)}>
              {s.name}（{s.members}）
            </button>
          ))}
        </div>
        {list && (
          <table>
            <thead>
              <tr>
                <th>会员</th>
                <th>阶段</th>
                <th>最后活跃</th>
                <th>沉默天数</th>
                <th>进入日期</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i) => (
                <tr key={i.memberId}>
                  <td>
                    {i.maskedName} #{i.memberId}
                  </td>
                  <td>{i.stage}</td>
                  <td>{i.lastActiveOn ?? '-'}</td>
                  <td>{i.quietDays}</td>
                  <td>{i.enteredOn}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
