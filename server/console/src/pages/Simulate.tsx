import { useState } from 'react';
import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api, ApiError, fieldErrors, yuan } from '../api';

/** What a purchase would earn under the live rules, for a member or a tier (when its points become spendable, the member's churn stage); writes nothing. */
export function Simulate() {
  const [f, setF] = useState({ yuan: '100', memberId: '', tierCode: '', at: '', redeemPoints: '' });
  const [r, setR] = useState<ResponseFor<'adminSimulate'> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState('');
  const run = async () => {
    setErrors({});
    setMsg('');
    const body: BodyFor<'adminSimulate'> = {
      amountCents: Math.round(Number(f.yuan) * 100),
      ...(f.memberId.trim() ? { memberId: f.memberId.trim() } : {}),
      ...(f.tierCode.trim() ? { tierCode: f.tierCode.trim() } : {}),
      ...(f.at ? { at: new Date(`${f.at}:00+08:00`).toISOString() } : {}),
      ...(f.redeemPoints ? { redeemPoints: Number(f.redeemPoints) } : {}),
    };
    try {
      setR(await api<ResponseFor<'adminSimulate'>>('POST', '/api/admin/simulate', body));
    } catch (e) {
      if (e instanceof ApiError) setErrors(fieldErrors(e.details, 'body'));
      setMsg((e as Error).message);
    }
  };
  const input = (label: string, k: keyof typeof f, err: string, props: Record<string, unknown> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} {...props} />
      {errors[err] && <em className="error">{errors[err]}</em>}
    </label>
  );
  return (
    <div>
      <div className="card form">
        <h3>规则模拟（不写入任何数据）</h3>
        <div className="cols">
          {input('消费金额（元）', 'yuan', 'amountCents', { type: 'number', min: 0, step: 0.01 })}
          {input('会员 ID（用其等级）', 'memberId', 'memberId')}
          {input('或等级代码', 'tierCode', 'tierCode')}
          {input('消费时间（默认现在）', 'at', 'at', { type: 'datetime-local' })}
          {input('积分抵现（积分）', 'redeemPoints', 'redeemPoints', { type: 'number', min: 0 })}
        </div>
        <div className="row">
          <button onClick={run}>模拟</button>
          {msg && <span className="error">{msg}</span>}
        </div>
      </div>
      {r && (
        <div className="card" data-result="simulate">
          <div className="grid">
            <div className="stat">
              <div className="k">获得积分</div>
              <div className="v">{r.points}</div>
            </div>
            <div className="stat">
              <div className="k">成长值</div>
              <div className="v">{r.growth}</div>
            </div>
            <div className="stat">
              <div className="k">等级</div>
              <div className="v small">
                {r.tierBefore} → {r.tierAfter}
              </div>
            </div>
            <div className="stat">
              <div className="k">会员日 / 排除</div>
              <div className="v small">
                {r.memberDay ? '是' : '否'} / {r.excluded ? '是' : '否'}
              </div>
            </div>
            <div className="stat">
              <div className="k">抵现积分 / 抵扣</div>
              <div className="v small">
                {r.redeemedPoints} / {yuan(r.discountCents)}
              </div>
            </div>
            <div className="stat">
              <div className="k">现金部分</div>
              <div className="v small">{yuan(r.cashCents)}</div>
            </div>
            <div className="stat" data-stat="pending">
              <div className="k">积分到账</div>
              <div className="v small">
                {r.pending.releasesAt
                  ? `${new Date(r.pending.releasesAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })} 到账（冻结 ${r.pending.days} 天）`
                  : '立即到账'}
              </div>
            </div>
            {r.churn && (
              <div className="stat" data-stat="churn">
                <div className="k">流失阶段（消费前）</div>
                <div className="v small">
                  {r.churn.stage
                    ? `${r.churn.stage} · ${r.churn.action} · 沉默 ${r.churn.quietDays} 天${r.churn.recovers ? ' · 本次消费即挽回' : ''}`
                    : `活跃（沉默 ${r.churn.quietDays} 天）`}
                </div>
              </div>
            )}
          </div>
          <h3>明细</h3>
          <table>
            <tbody>
              {r.lines.map((l) => (
                <tr key={l.code}>
                  <td>{l.code}</td>
                  <td>{l.points}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.gifts.length > 0 && (
            <>
              <h3>会触发的礼遇</h3>
              <ul>
                {r.gifts.map((g) => (
                  <li key={g.ruleId}>
                    {g.name}（{g.trigger}）：{g.points} 积分，{g.vouchers.reduce((s, v) => s + v.count, 0)} 张券
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
