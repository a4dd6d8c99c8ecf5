import { useEffect, useState } from 'react';
import type { ResponseFor } from '@huiyuan/shared';
import { api, when } from '../api';
import { Vouchers } from './Vouchers';
import { Diff } from './diff';

type Entries = ResponseFor<'adminMemberPoints'>;
type AuditItems = ResponseFor<'adminAudit'>['items'];
const TYPES: Record<string, string> = {
  credit: '获得',
  debit: '使用',
  expire: '过期',
  adjust: '调整',
  reversal: '冲回',
};

/** One member: profile (masked), tier, points history, vouchers, and audit entries about or by the member. */
export function MemberDetail({ id }: { id: string }) {
  const [m, setM] = useState<ResponseFor<'adminSearchMembers'>['items'][number] | null | undefined>(undefined);
  const [entries, setEntries] = useState<Entries['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [audit, setAudit] = useState<AuditItems>([]);
  const [msg, setMsg] = useState('');

  const more = async (c: string | null) => {
    const page = await api<Entries>('GET', `/api/admin/members/${id}/points?limit=30${c ? `&cursor=${c}` : ''}`);
    setEntries((xs) => (c ? [...xs, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    const fail = (e: Error) => setMsg(e.message);
    api<ResponseFor<'adminSearchMembers'>>('GET', `/api/admin/members?id=${id}`).then(
      (r) => setM(r.items[0] ?? null),
      fail,
    );
    more(null).catch(fail);
    Promise.all([
      api<ResponseFor<'adminAudit'>>('GET', `/api/admin/audit?targetType=member&targetId=${id}&limit=50`),
      api<ResponseFor<'adminAudit'>>('GET', `/api/admin/audit?actorType=member&actorId=${id}&limit=50`),
    ]).then(([a, b]) => {
      const all = new Map([...a.items, ...b.items].map((x) => [x.id, x]));
      setAudit([...all.values()].sort((x, y) => Number(y.id) - Number(x.id)));
    }, fail);
    // A new id is a new page (more reads it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  if (m === null) return <div className="card">会员 #{id} 不存在</div>;
  return (
    <div>
      {msg && <div className="card error">{msg}</div>}
      {m && (
        <div className="card" data-member={m.id}>
          <h3>
            {m.maskedName} <span className="muted">ID {m.id}</span>
          </h3>
          <div className="grid">
            <div className="stat">
              <div className="k">手机号</div>
              <div className="v small">{m.maskedPhone ?? '未绑定'}</div>
            </div>
            <div className="stat">
              <div className="k">等级</div>
              <div className="v">{m.tier.name}</div>
            </div>
            <div className="stat">
              <div className="k">周期内成长值</div>
              <div className="v">{m.growthInWindow}</div>
            </div>
            <div className="stat">
              <div className="k">积分余额</div>
              <div className="v">{m.balance}</div>
            </div>
            <div className="stat">
              <div className="k">状态 / 注册</div>
              <div className="v small">
                {m.status} · {m.registeredAt.slice(0, 10)}
              </div>
            </div>
          </div>
        </div>
      )}
      <div className="two">
        <div className="card">
          <h3>积分明细</h3>
          <table>
            <thead>
              <tr>
                <th>时间</th>
                <th>类型</th>
                <th>变动</th>
                <th>余额</th>
                <th>原因</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.createdAt)}</td>
                  <td>{TYPES[e.type] ?? e.type}</td>
                  <td className={e.delta < 0 ? 'error' : 'ok'}>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                  <td>{e.balanceAfter}</td>
                  <td className="small">{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {entries.length === 0 && <div className="muted">暂无积分记录</div>}
          {cursor && (
            <button className="ghost" onClick={() => more(cursor).catch((e) => setMsg(e.message))}>
              加载更多
            </button>
          )}
        </div>
        <div className="card">
          <h3>审计记录</h3>
          <table>
            <tbody>
              {audit.map((a) => (
                <tr key={a.id}>
                  <td className="small">
                    {when(a.createdAt)}
                    <br />
                    {a.actorType} #{a.actorId ?? '-'}
                  </td>
                  <td>
                    <b>{a.action}</b> {a.reason && <span className="muted">（{a.reason}）</span>}
                    <Diff before={a.before} after={a.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {audit.length === 0 && <div className="muted">暂无审计记录</div>}
        </div>
      </div>
      <h3>券</h3>
      <Vouchers memberId={id} />
    </div>
  );
}
