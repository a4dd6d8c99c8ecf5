import { useEffect, useState } from 'react';
import type { BodyFor, ResponseFor, TierRules } from '@huiyuan/shared';
import { api, loadTiers, pct, yuan } from '../api';
import { MembershipSubscribers } from './MembershipSubscribers';

type Plan = ResponseFor<'adminListMembershipPlans'>['items'][number];
type Metrics = ResponseFor<'adminMembershipMetrics'>;
const PERIODS = { month: '月', quarter: '季', year: '年' } as const;
const KINDS = { multiplier: '积分倍数', cashback: '消费返积分' } as const;

interface Draft {
  id: string | null;
  code: string;
  title: string;
  yuan: string;
  period: Plan['period'];
  benefitKind: Plan['benefitKind'];
  benefitPercent: number;
  yearlyCapPoints: number;
  packGiftRuleId: string;
  tierFloor: string;
}
const EMPTY: Draft = {
  id: null,
  code: '',
  title: '',
  yuan: '',
  period: 'month',
  benefitKind: 'multiplier',
  benefitPercent: 150,
  yearlyCapPoints: 0,
  packGiftRuleId: '',
  tierFloor: '',
};

/**
 * Paid membership: the figures, the plans (a new price applies to new purchases
 * only; a plan taken off sale keeps its subscribers' benefits), and the
 * subscribers with refunds (MembershipSubscribers).
 */
export function Membership() {
  const [plans, setPlans] = useState<Plan[]>([]);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [rules, setRules] = useState<ResponseFor<'adminListGiftRules'>['items']>([]);
  const [tiers, setTiers] = useState<TierRules['tiers']>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [msg, setMsg] = useState('');

  const load = async () => {
    setPlans((await api<ResponseFor<'adminListMembershipPlans'>>('GET', '/api/admin/membership/plans')).items);
    setMetrics(await api<Metrics>('GET', '/api/admin/membership/metrics'));
    const all = (await api<ResponseFor<'adminListGiftRules'>>('GET', '/api/admin/gift-rules')).items;
    setRules(all.filter((r) => r.trigger === 'membership'));
    setTiers(await loadTiers());
  };
  useEffect(() => {
    load().catch((e) => setMsg(e.message));
  }, []);

  const act = (f: () => Promise<unknown>, done: string) =>
    f()
      .then(() => {
        setMsg(done);
        return load();
      })
      .catch((e) => setMsg(e.message));
  const save = () => {
    const fields = {
      title: draft.title,
      priceFen: Math.round(Number(draft.yuan) * 100),
      benefitKind: draft.benefitKind,
      benefitPercent: draft.benefitPercent,
      yearlyCapPoints: draft.yearlyCapPoints,
      packGiftRuleId: draft.packGiftRuleId || null,
      tierFloor: draft.tierFloor || null,
    };
    return act(async () => {
      if (draft.id)
        await api(
          'PATCH',
          `/api/admin/membership/plans/${draft.id}`,
          fields satisfies BodyFor<'adminPatchMembershipPlan'>,
        );
      else
        await api('POST', '/api/admin/membership/plans', {
          ...fields,
          code: draft.code,
          period: draft.period,
          active: true,
        } satisfies BodyFor<'adminCreateMembershipPlan'>);
      setDraft(EMPTY);
    }, '已保存');
  };
  const benefit = (p: Plan) =>
    `${KINDS[p.benefitKind]} ${p.benefitKind === 'multiplier' ? `${p.benefitPercent / 100}倍` : `${p.benefitPercent}%`}${p.yearlyCapPoints ? `，年上限 ${p.yearlyCapPoints} 分` : ''}`;

  return (
    <div>
      {msg && <div className="card">{msg}</div>}
      {metrics && (
        <div className="card row">
          <div>
            付费会员 <b>{metrics.paidMembers}</b>
          </div>
          <div>
            续费率 <b>{pct(metrics.renewalRate)}</b>
          </div>
          <div>
            收入（扣退款） <b>{yuan(metrics.revenueFen)}</b>
          </div>
          <div>
            已退款 <b>{yuan(metrics.refundedFen)}</b>
          </div>
          <div>
            权益成本 <b>{yuan(metrics.bonusCostFen)}</b>（多得 {metrics.bonusPoints} 分
            {metrics.bonusRefundedPoints > 0 ? `，已随消费退款扣回 ${metrics.bonusRefundedPoints} 分` : ''}，礼包券{' '}
            {metrics.packVouchers} 张）
          </div>
        </div>
      )}
      <div className="card">
        <h3>付费会员方案</h3>
        <p className="muted">
          价格修改只影响之后的购买；停售的方案不再出售，已购会员的权益不受影响。每月礼包取自触发方式为“付费会员月礼包”的礼遇规则。自动续费（委托代扣）暂未开通，只记录会员意愿。
        </p>
        <table>
          <thead>
            <tr>
              <th>编号</th>
              <th>名称</th>
              <th>价格</th>
              <th>权益</th>
              <th>月礼包</th>
              <th>等级保底</th>
              <th>有效会员</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={p.id}>
                <td>{p.code}</td>
                <td>{p.title}</td>
                <td>
                  {yuan(p.priceFen)}/{PERIODS[p.period]}
                </td>
                <td>{benefit(p)}</td>
                <td>{p.pack.map((v) => `${v.title} ×${v.count}`).join('，') || '-'}</td>
                <td>{p.tierFloor?.name ?? '-'}</td>
                <td>{p.subscribers}</td>
                <td>{p.active ? '在售' : '停售'}</td>
                <td className="row">
                  <button
                    className="ghost"
                    onClick={() =>
                      setDraft({
                        id: p.id,
                        code: p.code,
                        title: p.title,
                        yuan: String(p.priceFen / 100),
                        period: p.period,
                        benefitKind: p.benefitKind,
                        benefitPercent: p.benefitPercent,
                        yearlyCapPoints: p.yearlyCapPoints,
                        packGiftRuleId: p.packGiftRuleId ?? '',
                        tierFloor: p.tierFloor?.code ?? '',
                      })
                    }
                  >
                    编辑
                  </button>
                  <button
                    className="ghost"
                    onClick={() =>
                      act(
                        () => api('PATCH', `/api/admin/membership/plans/${p.id}`, { active: !p.active }),
                        p.active ? '已停售' : '已上架',
                      )
                    }
                  >
                    {p.active ? '停售' : '上架'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h4>{draft.id ? `编辑方案 ${draft.code}` : '新建方案'}</h4>
        <div className="row">
          {!draft.id && (
            <input
              placeholder="编号（小写字母）"
              value={draft.code}
              onChange={(e) => setDraft({ ...draft, code: e.target.value })}
            />
          )}
          <input
            placeholder="名称"
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          />
          <input
            placeholder="价格（元）"
            value={draft.yuan}
            onChange={(e) => setDraft({ ...draft, yuan: e.target.value })}
          />
          {!draft.id && (
            <select
              value={draft.period}
              onChange={(e) => setDraft({ ...draft, period: e.target.value as Draft['period'] })}
            >
              {Object.entries(PERIODS).map(([k, v]) => (
                <option key={k} value={k}>
                  每{v}
                </option>
              ))}
            </select>
          )}
          <select
            value={draft.benefitKind}
            onChange={(e) => setDraft({ ...draft, benefitKind: e.target.value as Draft['benefitKind'] })}
          >
            {Object.entries(KINDS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <label>
            {draft.benefitKind === 'multiplier' ? '倍数（%，150 = 1.5 倍）' : '返还比例（%）'}
            <input
              type="number"
              value={draft.benefitPercent}
              onChange={(e) => setDraft({ ...draft, benefitPercent: Number(e.target.value) })}
            />
          </label>
          <label>
            每年多得积分上限（0 = 不限）
            <input
              type="number"
              value={draft.yearlyCapPoints}
              onChange={(e) => setDraft({ ...draft, yearlyCapPoints: Number(e.target.value) })}
            />
          </label>
          <select value={draft.packGiftRuleId} onChange={(e) => setDraft({ ...draft, packGiftRuleId: e.target.value })}>
            <option value="">无月礼包</option>
            {rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <select value={draft.tierFloor} onChange={(e) => setDraft({ ...draft, tierFloor: e.target.value })}>
            <option value="">无等级保底</option>
            {tiers.map((t) => (
              <option key={t.code} value={t.code}>
                至少{t.name}
              </option>
            ))}
          </select>
          <button onClick={save}>保存</button>
          {draft.id && (
            <button className="ghost" onClick={() => setDraft(EMPTY)}>
              取消
            </button>
          )}
        </div>
      </div>
      <MembershipSubscribers plans={plans} onChanged={() => void load()} />
    </div>
  );
}
