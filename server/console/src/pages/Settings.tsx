import { useEffect, useState } from 'react';
import type { ResponseFor, SettingUpdate } from '@huiyuan/shared';
import { api } from '../api';

type TierRules = Extract<SettingUpdate, { key: 'tiers.rules' }>['value'];
type TierField = 'name' | 'minGrowth' | 'multiplierPercent' | 'birthdayGiftPoints';

const LABELS: Record<string, string> = {
  'tiers.rules': '会员等级与成长值',
  'points.earning': '积分规则',
  'points.expiry': '积分有效期',
  'checkout.memberDays': '会员日',
  'checkout.caps': '每日积分上限（防刷）',
  'checkout.pointsCash': '积分抵现（兑换比例、单笔比例上限、每日上限、确认方式）',
  'points.pendingDays': '消费积分待到账天数（0 = 立即到账）',
  'points.valueCents': '积分价值（分/积分）',
  privacy: '隐私政策（版本、标题、正文）',
  'members.phoneTyping': '允许手动填写手机号',
  'checkin.reminder': '签到提醒',
  'insights.churn': '流失分阶段（沉默天数、动作、赠券、门店回访）',
  'insights.alerts': '运营预警阈值',
};

/** Tier thresholds get a table editor; every other setting a validated JSON editor. */
function TierEditor({ value, onSave }: { value: TierRules; onSave: (v: TierRules) => Promise<void> }) {
  const [draft, setDraft] = useState<TierRules>(structuredClone(value));
  const set = (i: number, field: TierField, v: string) => {
    const next = structuredClone(draft);
    const tier = next.tiers[i];
    if (field === 'name') tier.name = v;
    else tier[field] = Number(v);
    setDraft(next);
  };
  return (
    <div>
      <table>
        <thead>
          <tr>
            <th>代码</th>
            <th>名称</th>
            <th>成长值门槛</th>
            <th>积分倍率 %</th>
            <th>生日礼积分</th>
          </tr>
        </thead>
        <tbody>
          {draft.tiers.map((t, i) => (
            <tr key={t.code}>
              <td>{t.code}</td>
              <td>
                <input value={t.name} onChange={(e) => set(i, 'name', e.target.value)} />
              </td>
              <td>
                <input
                  aria-label={`${t.code}-minGrowth`}
                  type="number"
                  value={t.minGrowth}
                  onChange={(e) => set(i, 'minGrowth', e.target.value)}
                />
              </td>
              <td>
                <input
                  type="number"
                  value={t.multiplierPercent}
                  onChange={(e) => set(i, 'multiplierPercent', e.target.value)}
                />
              </td>
              <td>
                <input
                  type="number"
                  value={t.birthdayGiftPoints ?? 0}
                  onChange={(e) => set(i, 'birthdayGiftPoints', e.target.value)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <label>
          统计周期（月）
          <input
            type="number"
            value={draft.windowMonths}
            onChange={(e) => setDraft({ ...draft, windowMonths: Number(e.target.value) })}
          />
        </label>
        <label>
          降级宽限（天）
          <input
            type="number"
            value={draft.graceDays}
            onChange={(e) => setDraft({ ...draft, graceDays: Number(e.target.value) })}
          />
        </label>
        <label>
          每元成长值{' '}
          <input
            type="number"
            value={draft.growthPerYuan}
            onChange={(e) => setDraft({ ...draft, growthPerYuan: Number(e.target.value) })}
          />
        </label>
        <button onClick={() => onSave(draft)}>保存等级</button>
      </div>
    </div>
  );
}

function JsonEditor({ value, onSave }: { value: unknown; onSave: (v: unknown) => Promise<void> }) {
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [bad, setBad] = useState('');
  return (
    <div>
      <textarea
        rows={Math.min(16, text.split('\n').length + 1)}
        cols={80}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <button
          onClick={() => {
            try {
              setBad('');
              void onSave(JSON.parse(text));
            } catch {
              setBad('不是合法的 JSON');
            }
          }}
        >
          保存
        </button>
        {bad && <span className="error">{bad}</span>}
      </div>
    </div>
  );
}

export function Settings() {
  const [items, setItems] = useState<ResponseFor<'adminListSettings'>['items'] | null>(null);
  const [msg, setMsg] = useState<{ key: string; text: string; ok: boolean } | null>(null);
  const load = () =>
    api<ResponseFor<'adminListSettings'>>('GET', '/api/admin/settings').then(
      (r) => setItems(r.items),
      (e) => setMsg({ key: '', text: e.message, ok: false }),
    );
  useEffect(() => {
    void load();
  }, []);
  const save = (key: string) => async (value: unknown) => {
    try {
      await api('PUT', '/api/admin/settings', { key, value });
      setMsg({ key, text: '已保存（已记录审计日志）', ok: true });
      await load();
    } catch (e) {
      setMsg({ key, text: (e as Error).message, ok: false });
    }
  };
  if (!items) return <div className="card muted">{msg?.text ?? '加载中…'}</div>;
  return (
    <div>
      {items.map((it) => (
        <div className="card" key={it.key} data-setting={it.key}>
          <h3>
            {LABELS[it.key] ?? it.key}{' '}
            <span className="muted">
              {it.key}
              {it.isDefault ? ' · 默认值' : ''}
            </span>
          </h3>
          {it.key === 'tiers.rules' ? (
            <TierEditor key={JSON.stringify(it.value)} value={it.value as TierRules} onSave={save(it.key)} />
          ) : (
            <JsonEditor key={JSON.stringify(it.value)} value={it.value} onSave={save(it.key)} />
          )}
          {msg?.key === it.key && <div className={msg.ok ? 'ok' : 'error'}>{msg.text}</div>}
        </div>
      ))}
    </div>
  );
}
