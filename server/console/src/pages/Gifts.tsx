import { useEffect, useState } from 'react';
import type { BodyFor, GiftTrigger, ResponseFor, TierRules } from '@huiyuan/shared';
import { api, loadTiers } from '../api';
import { SKIPPED, STATUS, TRIGGERS } from './gift-labels';

type Rule = ResponseFor<'adminListGiftRules'>['items'][number];
type Grant = ResponseFor<'adminGiftGrants'>['items'][number];

const needsTier = (t: GiftTrigger) => t === 'tier_reached' || t === 'monthly_pack';

interface Draft {
  id: string | null;
  name: string;
  trigger: GiftTrigger;
  tierCode: string;
  points: number;
  vouchers: { benefitId: string; count: number }[];
}
const EMPTY: Draft = { id: null, name: '', trigger: 'join', tierCode: '', points: 0, vouchers: [] };

/** Gift rules: list, create, edit, enable/disable; and the grants, with what was given or skipped. */
export function Gifts() {
  const [rules, setRules] = useState<Rule[]>([]);
  const [tiers, setTiers] = useState<TierRules['tiers']>([]);
  const [benefits, setBenefits] = useState<ResponseFor<'adminListBenefits'>['items']>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [msg, setMsg] = useState('');
  const [filter, setFilter] = useState({ ruleId: '', status: '' });
  const [grants, setGrants] = useState<Grant[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  const load = async () => {
    setRules((await api<ResponseFor<'adminListGiftRules'>>('GET', '/api/admin/gift-rules')).items);
    setBenefits((await api<ResponseFor<'adminListBenefits'>>('GET', '/api/admin/benefits')).items);
    setTiers(await loadTiers());
  };
  const loadGrants = async (more: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    if (filter.ruleId) q.set('ruleId', filter.ruleId);
    if (filter.status) q.set('status', filter.status);
    if (more) q.set('cursor', more);
    const page = await api<ResponseFor<'adminGiftGrants'>>('GET', `/api/admin/gift-grants?${q}`);
    setGrants((g) => (more ? [...g, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    load().catch((e) => setMsg(e.message));
  }, []);
  // A new filter starts the grants list again (loadGrants reads it).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void loadGrants(null).catch((e) => setMsg(e.message)), [filter]);

  const tierName = (code: string | null) => (code ? (tiers.find((t) => t.code === code)?.name ?? code) : '不限');
  const act = (f: () => Promise<unknown>, done: string) =>
    f()
      .then(() => {
        setMsg(done);
        return Promise.all([load(), loadGrants(null)]);
      })
      .catch((e) => setMsg(e.message));
  const save = () => {
    const fields = {
      name: draft.name,
      tierCode: draft.tierCode || null,
      points: draft.points,
      vouchers: draft.vouchers.filter((v) => v.benefitId),
    };
    return act(async () => {
      if (draft.id)
        await api('PATCH', `/api/admin/gift-rules/${draft.id}`, fields satisfies BodyFor<'adminPatchGiftRule'>);
      else
        await api('POST', '/api/admin/gift-rules', {
          ...fields,
          trigger: draft.trigger,
          enabled: true,
        } satisfies BodyFor<'adminCreateGiftRule'>);
      setDraft(EMPTY);
    }, '已保存');
  };
  const setLine = (i: number, v: Partial<Draft['vouchers'][number]>) =>
    setDraft({ ...draft, vouchers: draft.vouchers.map((l, j) => (j === i ? { ...l, ...v } : l)) });

  return (
    <div>
      {msg && <div className="card">{msg}</div>}
      <div className="card">
        <h3>礼遇规则</h3>
        <p className="muted">
          每条规则在触发时给会员发券和/或积分，每位会员每次（入会、首单、每个等级、每月、每年生日）只发一次。库存不足的券记为未发放，不会重试。
        </p>
        <table>
          <thead>
            <tr>
              <th>名称</th>
              <th>触发</th>
              <th>等级</th>
              <th>积分</th>
              <th>券</th>
              <th>已发放 / 部分 / 未发放 / 待发放</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{TRIGGERS[r.trigger]}</td>
                <td>{tierName(r.tierCode)}</td>
                <td>{r.points || '-'}</td>
                <td>{r.vouchers.map((v) => `${v.title} ×${v.count}`).join('，') || '-'}</td>
                <td>
                  {r.grants.granted} / {r.grants.partial} / {r.grants.skipped} / {r.grants.pending}
                </td>
                <td>{r.enabled ? '启用' : '停用'}</td>
                <td className="row">
                  <button
                    className="ghost"
                    onClick={() =>
                      setDraft({
                        id: r.id,
                        name: r.name,
                        trigger: r.trigger,
                        tierCode: r.tierCode ?? '',
                        points: r.points,
                        vouchers: r.vouchers.map((v) => ({ benefitId: v.benefitId, count: v.count })),
                      })
                    }
                  >
                    编辑
                  </button>
                  <button
                    className="ghost"
                    onClick={() =>
                      act(
                        () => api('PATCH', `/api/admin/gift-rules/${r.id}`, { enabled: !r.enabled }),
                        r.enabled ? '已停用' : '已启用',
                      )
                    }
                  >
                    {r.enabled ? '停用' : '启用'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h3>{draft.id ? '编辑规则' : '新建规则'}</h3>
        <div className="row">
          <input placeholder="名称" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          <select
            value={draft.trigger}
            disabled={!!draft.id}
            onChange={(e) => setDraft({ ...draft, trigger: e.target.value as GiftTrigger })}
          >
            {(Object.keys(TRIGGERS) as GiftTrigger[]).map((t) => (
              <option key={t} value={t}>
                {TRIGGERS[t]}
              </option>
            ))}
          </select>
          <select value={draft.tierCode} onChange={(e) => setDraft({ ...draft, tierCode: e.target.value })}>
            <option value="">{needsTier(draft.trigger) ? '选择等级' : '所有等级'}</option>
            {tiers.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}
              </option>
            ))}
          </select>
          <label>
            积分{' '}
            <input
              type="number"
              min={0}
              value={draft.points}
              onChange={(e) => setDraft({ ...draft, points: Number(e.target.value) })}
            />
          </label>
        </div>
        {draft.vouchers.map((l, i) => (
          <div className="row" key={i}>
            <select value={l.benefitId} onChange={(e) => setLine(i, { benefitId: e.target.value })}>
              <option value="">选择权益</option>
              {benefits.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.title}（剩余 {b.stockLeft}）
                </option>
              ))}
            </select>
            <input
              type="number"
              min={1}
              max={10}
              value={l.count}
              onChange={(e) => setLine(i, { count: Number(e.target.value) })}
            />
            <button
              className="ghost"
              onClick={() => setDraft({ ...draft, vouchers: draft.vouchers.filter((_, j) => j !== i) })}
            >
              移除
            </button>
          </div>
        ))}
        <div className="row">
          <button
            className="ghost"
            onClick={() => setDraft({ ...draft, vouchers: [...draft.vouchers, { benefitId: '', count: 1 }] })}
          >
            添加券
          </button>
          <button onClick={save}>保存</button>
          {draft.id && (
            <button className="ghost" onClick={() => setDraft(EMPTY)}>
              取消
            </button>
          )}
        </div>
      </div>
      <div className="card">
        <h3>发放记录</h3>
        <div className="row">
          <select value={filter.ruleId} onChange={(e) => setFilter({ ...filter, ruleId: e.target.value })}>
            <option value="">所有规则</option>
            {rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">所有状态</option>
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
              <th>时间</th>
              <th>会员</th>
              <th>规则</th>
              <th>场次</th>
              <th>积分</th>
              <th>券</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.id}>
                <td>{new Date(g.grantedAt ?? g.createdAt).toLocaleString('zh-CN')}</td>
                <td>{g.memberId}</td>
                <td>{g.ruleName}</td>
                <td>{g.occurrence === 'once' ? '-' : g.occurrence}</td>
                <td>{g.points || '-'}</td>
                <td>
                  {g.vouchers
                    .map(
                      (v) =>
                        `#${v.benefitId} ${v.given}/${v.count}${v.skipped ? `（${SKIPPED[v.skipped] ?? v.skipped}）` : ''}`,
                    )
                    .join('，') || '-'}
                </td>
                <td className={g.status === 'granted' ? 'ok' : g.status === 'pending' ? 'muted' : 'error'}>
                  {STATUS[g.status]}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {cursor && (
          <button className="ghost" onClick={() => loadGrants(cursor).catch((e) => setMsg(e.message))}>
            更多
          </button>
        )}
      </div>
    </div>
  );
}
