import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import type { ResponseFor } from '@huiyuan/shared';
import { SettingUpdate } from '@huiyuan/shared';
import { api, ApiError, fieldErrors } from '../api';
import { SchemaField, type Schema } from './SchemaForm';

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
  'checkin.rules': '签到规则',
  'referrals.rules': '邀请规则',
  notifications: '消息通知',
  'tasks.catalog': '任务清单',
  'checkout.phoneLookup': '手机号查会员',
  brand: '品牌（名称、标志、卡面、主色）',
  retention: '数据保留（辅助表清理）',
};

/** Each setting's value schema, from the shared contract the server validates with. */
const SCHEMAS = new Map<string, z.ZodType>(
  SettingUpdate.options.map((o) => [o.shape.key.value as string, o.shape.value as z.ZodType]),
);

const issuesByPath = (issues: z.core.$ZodIssue[]) => {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path.map(String).join('.')] ??= i.message;
  return out;
};

function SettingForm({ k, value, onSaved }: { k: string; value: unknown; onSaved: () => void }) {
  const zs = SCHEMAS.get(k);
  const json = useMemo(
    () => (zs ? (z.toJSONSchema(zs, { io: 'input', unrepresentable: 'any' }) as Schema) : null),
    [zs],
  );
  const [draft, setDraft] = useState<unknown>(structuredClone(value));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ text: string; ok: boolean } | null>(null);
  if (!zs || !json) return <div className="muted">此配置项没有可编辑的表单</div>;
  const save = async () => {
    setMsg(null);
    // Checked here first (same schema as the server), so mistakes show beside their field at once.
    const parsed = zs.safeParse(draft);
    if (!parsed.success) {
      setErrors(issuesByPath(parsed.error.issues));
      setMsg({ text: '有字段未通过校验', ok: false });
      return;
    }
    setErrors({});
    try {
      await api('PUT', '/api/admin/settings', { key: k, value: draft });
      // The saved value comes back as a new form (keyed by value): the parent shows the confirmation.
      onSaved();
    } catch (e) {
      if (e instanceof ApiError) setErrors(fieldErrors(e.details, 'body.value'));
      setMsg({ text: (e as Error).message, ok: false });
    }
  };
  return (
    <div>
      <SchemaField schema={json} value={draft} path="" label="" errors={errors} onChange={setDraft} />
      <div className="row">
        <button onClick={save}>保存</button>
        <button className="ghost" onClick={() => (setDraft(structuredClone(value)), setErrors({}), setMsg(null))}>
          还原
        </button>
        {msg && <span className={msg.ok ? 'ok' : 'error'}>{msg.text}</span>}
      </div>
    </div>
  );
}

/** Every setting as a form generated from its zod schema; errors from the client check or the server beside the field. */
export function Settings() {
  const [items, setItems] = useState<ResponseFor<'adminListSettings'>['items'] | null>(null);
  const [open, setOpen] = useState<string>(location.hash.split('/')[1] ?? '');
  const [msg, setMsg] = useState('');
  const [saved, setSaved] = useState('');
  const load = () =>
    api<ResponseFor<'adminListSettings'>>('GET', '/api/admin/settings').then(
      (r) => setItems(r.items),
      (e) => setMsg(e.message),
    );
  useEffect(() => void load(), []);
  if (!items) return <div className="card muted">{msg || '加载中…'}</div>;
  return (
    <div className="settings">
      <div className="card keys">
        {items.map((it) => (
          <a
            key={it.key}
            className={it.key === open ? 'on' : ''}
            onClick={() => {
              setOpen(it.key);
              setSaved('');
              history.replaceState(null, '', `#settings/${it.key}`);
            }}
          >
            {LABELS[it.key] ?? it.key}
            {it.isDefault && <span className="muted"> · 默认</span>}
          </a>
        ))}
      </div>
      <div className="card grow">
        {items
          .filter((it) => it.key === open)
          .map((it) => (
            <div key={it.key} data-setting={it.key}>
              <h3>
                {LABELS[it.key] ?? it.key} <span className="muted">{it.key}</span>
              </h3>
              <SettingForm
                key={JSON.stringify(it.value)}
                k={it.key}
                value={it.value}
                onSaved={() => {
                  setSaved(it.key);
                  void load();
                }}
              />
              {saved === it.key && <div className="ok">已保存（已记录审计日志）</div>}
            </div>
          ))}
        {!open && <div className="muted">选择左侧的配置项</div>}
      </div>
    </div>
  );
}
